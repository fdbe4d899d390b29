package io.graphagent.cli;

import io.graphagent.net.cause.DisconnectCause;
import io.graphagent.net.cause.FailureClassifier;

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
        FailureClassifier.Classification c = FailureClassifier.explain(failure, FailureClassifier.Side.CLIENT);
        String message = what + ": cause=" + c.cause().label() + " (" + c.detail() + "). Fix: "
                + c.cause().explanation() + (hint.isEmpty() ? "" : "; " + hint);
        return new CoordinatorCallException(message, c.cause(), failure);
    }

    /**
     * Whether the coordinator could not be reached or its stream broke (gRPC UNAVAILABLE): it may
     * be restarting, and the same call may work again soon. False for an answer it gave (e.g.
     * NOT_FOUND) and for causes that do not go away by themselves.
     */
    boolean coordinatorUnreachable() {
        return cause.retryable() && getCause() instanceof io.grpc.StatusRuntimeException e
                && e.getStatus().getCode() == io.grpc.Status.Code.UNAVAILABLE;
    }

    int exitCode() {
        return cause.retryable() ? FailureHandler.EXIT_FAILURE : FailureHandler.EXIT_REFUSED;
    }
}
