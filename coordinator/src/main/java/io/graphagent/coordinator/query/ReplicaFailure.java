package io.graphagent.coordinator.query;

import io.graphagent.net.cause.DisconnectCause;
import io.graphagent.net.cause.FailureClassifier;
import io.grpc.Status;

/**
 * Why one replica did not answer a gateway request, so that it is retried on another: the label
 * of the {@code graphagent_query_retries_total} metric, of the {@code event=query_retry} log line
 * and of the query error when every replica failed. A connection failure (refused, reset,
 * deadline, TLS...) is named by the project's one vocabulary, {@link DisconnectCause}, read by
 * {@link FailureClassifier} from the whole cause chain; an agent that left ALIVE is named by the
 * membership cause it left with (a {@code DisconnectCause} or a lifecycle label such as
 * {@code heartbeat_late}); the two answers of a reachable agent that are not connection failures
 * keep their own labels, {@link #BUSY} and {@link #NOT_HELD}. Immutable.
 *
 * @param label      the label, e.g. {@code connection_refused}, {@code busy}
 * @param connection the connection cause, or null for an answer that is not a connection failure
 * @param detail     one line from the failure that decided the label (may be empty)
 */
record ReplicaFailure(String label, DisconnectCause connection, String detail) {
    /** The agent answered RESOURCE_EXHAUSTED: at query.agent-max-in-flight. */
    static final String BUSY = "busy";
    /** The agent answered it does not hold the partition (FAILED_PRECONDITION, NOT_FOUND, or not_held). */
    static final String NOT_HELD = "not_held";

    /** The failure of a call to a replica, as the gateway's gRPC client saw it. */
    static ReplicaFailure of(Throwable failure) {
        Status.Code code = Status.fromThrowable(failure).getCode();
        if (code == Status.Code.RESOURCE_EXHAUSTED) {
            return new ReplicaFailure(BUSY, null, FailureClassifier.oneLine(failure));
        }
        if (code == Status.Code.FAILED_PRECONDITION || code == Status.Code.NOT_FOUND) {
            return notHeld(FailureClassifier.oneLine(failure));
        }
        FailureClassifier.Classification c = FailureClassifier.explain(failure, FailureClassifier.Side.CLIENT);
        return new ReplicaFailure(c.cause().label(), c.cause(), c.detail());
    }

    /** The agent said it does not hold the partition. */
    static ReplicaFailure notHeld(String detail) {
        return new ReplicaFailure(NOT_HELD, null, detail);
    }

    /**
     * The agent was routed to but its session left ALIVE before the request went out;
     * {@code membershipCause} is the cause it left with (null when unknown).
     */
    static ReplicaFailure notAlive(String membershipCause) {
        if (membershipCause == null || membershipCause.isEmpty()) {
            return new ReplicaFailure(DisconnectCause.UNKNOWN.label(), DisconnectCause.UNKNOWN, "its session is no longer ALIVE");
        }
        DisconnectCause cause = DisconnectCause.fromLabel(membershipCause);
        boolean connection = cause != DisconnectCause.UNKNOWN || membershipCause.equals(DisconnectCause.UNKNOWN.label());
        return new ReplicaFailure(membershipCause, connection ? cause : null, "its session is no longer ALIVE");
    }

    boolean busy() {
        return BUSY.equals(label);
    }

    /** For the query error: {@code connection_refused (detail)}. */
    String describe() {
        return detail.isEmpty() ? label : label + " (" + detail + ")";
    }
}
