package io.graphagent.net.cause;

import io.graphagent.protocol.v1.RejectReason;

/**
 * The {@link DisconnectCause} a session Reject stands for, one mapping for both ends: the
 * agent's exit message, log line and counters use the same words as the coordinator's.
 */
public final class RejectCauses {

    private RejectCauses() {
    }

    public static DisconnectCause of(RejectReason reason) {
        return switch (reason) {
            case VERSION_UNSUPPORTED -> DisconnectCause.PROTOCOL_VERSION_UNSUPPORTED;
            case IDENTITY_REFUSED -> DisconnectCause.IDENTITY_REFUSED;
            case DUPLICATE_AGENT -> DisconnectCause.DUPLICATE_AGENT;
            case CLUSTER_MISMATCH -> DisconnectCause.CLUSTER_MISMATCH;
            case FENCED -> DisconnectCause.FENCED;
            case SHUTTING_DOWN -> DisconnectCause.PEER_CLOSED;
            case HELLO_TIMEOUT -> DisconnectCause.DEADLINE_EXCEEDED;
            case NOT_LEADER -> DisconnectCause.NOT_LEADER;
            case HELLO_EXPECTED, INVALID_HELLO, REJECT_REASON_UNSPECIFIED, UNRECOGNIZED -> DisconnectCause.UNKNOWN;
        };
    }
}
