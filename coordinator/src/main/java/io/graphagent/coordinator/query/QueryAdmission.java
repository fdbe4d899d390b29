package io.graphagent.coordinator.query;

import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.LongAdder;

/**
 * The gateway's bound on queries in flight ({@code query.max-in-flight}): a query is admitted
 * while fewer run, else refused at once with "busy, retry after N ms" (N the recent average
 * query time, at least {@link #MIN_RETRY_AFTER_MS}), never queued. So an overloaded cluster
 * sheds load instead of queueing without bound and answering everything too late.
 * Thread-safe.
 */
public final class QueryAdmission {
    /** The least "retry after" a busy answer suggests, ms. */
    static final long MIN_RETRY_AFTER_MS = 10;
    /** Weight of the newest query time in the running average. */
    private static final double SMOOTHING = 0.05;

    private final int max;
    private final Semaphore permits;
    private final LongAdder shed = new LongAdder();
    /** Recent average query time, ms. */
    private volatile double averageMs = MIN_RETRY_AFTER_MS;

    /** @param max queries in flight at most (query.max-in-flight), at least 1 */
    public QueryAdmission(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("query.max-in-flight must be at least 1, got " + max);
        }
        this.max = max;
        this.permits = new Semaphore(max);
    }

    /**
     * Admits one query, which must then call {@link #done}; or refuses it (busy) when
     * {@code max} are in flight, counting it as shed.
     */
    public void admit() throws QueryException {
        if (!permits.tryAcquire()) {
            shed.increment();
            long after = retryAfterMs();
            throw new QueryException(QueryException.Kind.BUSY, "busy: " + max + " queries in flight at the gateway"
                    + " (query.max-in-flight), retry after " + after + " ms", after);
        }
    }

    /** An admitted query ended after {@code micros}. */
    public void done(long micros) {
        permits.release();
        averageMs += SMOOTHING * (micros / 1000.0 - averageMs);
    }

    /** The "retry after" a busy answer suggests now, ms. */
    long retryAfterMs() {
        return Math.max(MIN_RETRY_AFTER_MS, (long) averageMs);
    }

    /** Queries in flight now. */
    public int inFlight() {
        return max - permits.availablePermits();
    }

    /** Queries refused busy since the start. */
    public long shed() {
        return shed.sum();
    }

    public int max() {
        return max;
    }
}
