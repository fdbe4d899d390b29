package io.graphagent.coordinator.query;

import io.grpc.Metadata;
import io.grpc.Status;

/**
 * A query that cannot be answered, with what kind of answer it gets: an HTTP status on the
 * JSON API and a gRPC status code on the Query service, and a message naming the cause and the
 * fix. A vertex that is not in the graph is not one of these: replies say {@code found: false}.
 */
public final class QueryException extends Exception {
    private static final long serialVersionUID = 1L;

    /** The kinds of refusal and their answers. */
    public enum Kind {
        /** A malformed request (bad k, bad direction...). */
        BAD_REQUEST(400, Status.Code.INVALID_ARGUMENT),
        /** No resident graph of that name. */
        NO_GRAPH(404, Status.Code.NOT_FOUND),
        /** The graph is loading or failed. */
        NOT_READY(409, Status.Code.FAILED_PRECONDITION),
        /** The neighbourhood exceeds query.max-vertices. */
        TOO_LARGE(422, Status.Code.OUT_OF_RANGE),
        /** Too much in flight (the gateway's or every replica's bound): retry after {@link #retryAfterMs()}. */
        BUSY(503, Status.Code.RESOURCE_EXHAUSTED),
        /** A partition has no live replica that answered. */
        UNAVAILABLE(503, Status.Code.UNAVAILABLE),
        /** The query's deadline passed. */
        DEADLINE(504, Status.Code.DEADLINE_EXCEEDED);

        private final int http;
        private final Status.Code grpc;

        Kind(int http, Status.Code grpc) {
            this.http = http;
            this.grpc = grpc;
        }

        public int httpStatus() {
            return http;
        }

        public Status.Code grpcCode() {
            return grpc;
        }
    }

    private final Kind kind;
    private final long retryAfterMs;

    public QueryException(Kind kind, String message) {
        this(kind, message, 0);
    }

    public QueryException(Kind kind, String message, long retryAfterMs) {
        super(message, null, false, false);
        this.kind = kind;
        this.retryAfterMs = retryAfterMs;
    }

    public Kind kind() {
        return kind;
    }

    /** With {@link Kind#BUSY}: how long to wait before trying again, ms. */
    public long retryAfterMs() {
        return retryAfterMs;
    }

    /**
     * The trailer of a busy answer on the Query service: how long to wait before trying again,
     * in ms (decimal), as the HTTP API's {@code Retry-After} header and {@code retry_after_ms}.
     */
    public static final Metadata.Key<String> RETRY_AFTER_MS = Metadata.Key.of("retry-after-ms",
            Metadata.ASCII_STRING_MARSHALLER);

    /** The gRPC status of this refusal; a busy one carries {@link #RETRY_AFTER_MS} in its trailers. */
    public io.grpc.StatusRuntimeException toStatus() {
        Status status = Status.fromCode(kind.grpcCode()).withDescription(getMessage());
        if (kind != Kind.BUSY) {
            return status.asRuntimeException();
        }
        Metadata trailers = new Metadata();
        trailers.put(RETRY_AFTER_MS, Long.toString(retryAfterMs));
        return status.asRuntimeException(trailers);
    }
}
