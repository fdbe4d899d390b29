package io.graphagent.protocol;

import io.graphagent.protocol.v1.Reject;
import io.graphagent.protocol.v1.RejectReason;

/**
 * Builds {@code Reject} messages with the retryable flag that each {@link RejectReason}
 * is documented to carry in session.proto, so coordinator code cannot disagree with the
 * contract. An agent retries a retryable Reject with backoff; otherwise it exits with code
 * 3 and the message.
 */
public final class Rejections {

    private Rejections() {
    }

    /**
     * Whether a Hello refused for this reason may succeed later unchanged.
     *
     * <p>Retryable: DUPLICATE_AGENT (the other session may be this agent's stale one, which
     * expires within a lease), FENCED (say Hello again without resuming), SHUTTING_DOWN,
     * HELLO_TIMEOUT, NOT_LEADER (dial the leader named). Not retryable: VERSION_UNSUPPORTED, IDENTITY_REFUSED, CLUSTER_MISMATCH,
     * HELLO_EXPECTED, INVALID_HELLO, and any reason this build does not know.
     */
    public static boolean isRetryable(RejectReason reason) {
        return switch (reason) {
            case DUPLICATE_AGENT, FENCED, SHUTTING_DOWN, HELLO_TIMEOUT, NOT_LEADER -> true;
            case VERSION_UNSUPPORTED, IDENTITY_REFUSED, CLUSTER_MISMATCH, HELLO_EXPECTED, INVALID_HELLO,
                 REJECT_REASON_UNSPECIFIED, UNRECOGNIZED -> false;
        };
    }

    /**
     * A Reject for {@code reason}, retryable as the contract says.
     *
     * @param message one line naming what is wrong and the fix, e.g. "agent id 'a1' does not
     *     match its certificate subject 'agent-1': start the agent with --id agent-1"
     */
    public static Reject reject(RejectReason reason, String message) {
        return Reject.newBuilder()
                .setReason(reason)
                .setMessage(message)
                .setRetryable(isRetryable(reason))
                .build();
    }
}
