package io.graphagent.cli;

import io.graphagent.net.cause.DisconnectCause;
import io.graphagent.net.cause.FailureClassifier;
import io.graphagent.net.cause.NotLeaderRefusal;

/**
 * A call to the coordinator failed; the message is one line naming the address, the
 * classified {@link DisconnectCause} and its fix. Exit code 3 when the cause cannot go away by
 * itself (a refused certificate, TLS spoken to a plaintext port, a refused identity), so that
 * scripts and supervisors do not retry it; 1 otherwise (nothing listening, a broken stream,
 * a deadline).
 */
final class CoordinatorCallException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient DisconnectCause cause;

    private CoordinatorCallException(String message, DisconnectCause cause, Throwable failure) {
        super(message, failure);
        this.cause = cause;
    }

    /**
     * @param what what was being done, e.g. "status: cannot reach the coordinator at 127.0.0.1:7400"
     * @param hint an extra sentence for the user, or empty
     */
    static CoordinatorCallException of(String what, Throwable failure, String hint) {
        return of(what, failure, hint, CallKind.READ);
    }

    /**
     * @param kind whether the call may be repeated safely, which decides what to do when it was
     *             cut off mid-way
     */
    static CoordinatorCallException of(String what, Throwable failure, String hint, CallKind kind) {
        FailureClassifier.Classification c = FailureClassifier.explain(failure, FailureClassifier.Side.CLIENT);
        java.util.Optional<NotLeaderRefusal> refusal = NotLeaderRefusal.of(failure);
        String message;
        if (refusal.isPresent()) {
            // The refusal's own words say who leads or why no one does; the hint (how this address was found) stays.
            message = what + ": cause=" + c.cause().label() + " (" + refusal.get().summary() + "). Fix: "
                    + refusal.get().fix();
        } else if (c.cause() == DisconnectCause.PEER_CLOSED) {
            message = what + ": cause=" + c.cause().label() + " (the coordinator stepped down or went away mid-call: "
                    + c.detail() + "). Fix: " + kind.afterCut;
        } else {
            message = what + ": cause=" + c.cause().label() + " (" + c.detail() + "). Fix: " + c.cause().explanation();
        }
        return new CoordinatorCallException(message + (hint.isEmpty() ? "" : "; " + hint), c.cause(), failure);
    }

    /** What a call does on the coordinator, so that the advice after a cut-off call is right. */
    enum CallKind {
        /** Reads (Status, WatchJob, the query calls): repeating one changes nothing. */
        READ("call again: the call only reads, so repeating it is safe; `graphagent status` names the leader"),
        /** Cancels a job: cancelling twice is harmless. */
        CANCEL("cancel again: cancelling a job twice is harmless; `graphagent status` names the leader and the job's state"),
        /** Changes the cluster otherwise (load or drop a resident graph): whether it took effect is unknown. */
        UPDATE("look whether the change took effect (`graphagent graph list` against the leader) before calling again"),
        /**
         * Submits a job. Submit carries no idempotency key: a Submit cut off after the coordinator
         * recorded the job leaves the job recorded (a new leader resumes it) without the client
         * knowing its id, so repeating it blindly may run the job twice.
         */
        SUBMIT("run `graphagent status` (against the leader) first: the job may have been recorded before the cut"
                + " (Submit has no idempotency key); submit again only if it is not listed");

        private final String afterCut;

        CallKind(String afterCut) {
            this.afterCut = afterCut;
        }
    }

    /**
     * Whether the coordinator could not be reached or its stream broke (gRPC UNAVAILABLE), or it
     * cut the call off (stepping down, stopping): it may be restarting or a standby taking over,
     * and the same call may work again soon. False for an answer it gave (e.g.
     * NOT_FOUND) and for causes that do not go away by themselves.
     */
    boolean coordinatorUnreachable() {
        return cause.retryable() && getCause() instanceof io.grpc.StatusRuntimeException e
                && (e.getStatus().getCode() == io.grpc.Status.Code.UNAVAILABLE || cause == DisconnectCause.PEER_CLOSED);
    }

    int exitCode() {
        return cause.retryable() ? FailureHandler.EXIT_FAILURE : FailureHandler.EXIT_REFUSED;
    }
}
