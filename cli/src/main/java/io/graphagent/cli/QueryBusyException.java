package io.graphagent.cli;

import io.graphagent.coordinator.query.QueryException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/**
 * The gateway answered a query busy (gRPC RESOURCE_EXHAUSTED with a {@code retry-after-ms}
 * trailer): the cluster shed it rather than queue it. The message says so with the wait the
 * gateway suggests, instead of a connection cause. Exit code 1: trying again later may work.
 */
final class QueryBusyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private QueryBusyException(String message) {
        super(message, null, false, false);
    }

    /** The busy answer inside {@code failed}, or {@code failed} itself when it is another failure. */
    static RuntimeException orSame(CoordinatorCallException failed) {
        if (failed.getCause() instanceof StatusRuntimeException e && e.getStatus().getCode() == Status.Code.RESOURCE_EXHAUSTED
                && e.getTrailers() != null && e.getTrailers().get(QueryException.RETRY_AFTER_MS) != null) {
            String after = e.getTrailers().get(QueryException.RETRY_AFTER_MS);
            return new QueryBusyException("the cluster is busy and shed the query (" + e.getStatus().getDescription()
                    + "). Fix: try again after " + after + " ms; if it stays busy, add agents or raise"
                    + " query.agent-max-in-flight / query.max-in-flight");
        }
        return failed;
    }
}
