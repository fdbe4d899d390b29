package io.graphagent.coordinator.query;

import io.graphagent.protocol.v1.QueryStats;
import io.grpc.Deadline;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * One query in progress at the gateway: its deadline, what it did (hops, requests, retries)
 * for its stats, and the pooled arrays its agents' answers lie in ({@link ReplyPool}), given
 * back when it ends ({@link #close}). Used by the one thread that runs the query.
 */
final class QueryRun implements AutoCloseable {
    final String graph;
    final Deadline deadline;
    final long deadlineMs;
    int hops;
    int requests;
    int retries;
    private ReplyPool pool;
    private byte[][] kept;
    private int keptCount;

    QueryRun(String graph, long deadlineMs) {
        this.graph = graph;
        this.deadlineMs = deadlineMs;
        this.deadline = Deadline.after(deadlineMs, TimeUnit.MILLISECONDS);
    }

    /**
     * The deadline of one request: the query's, or half of what is left when another replica
     * could take a retry, so that a replica that hangs leaves time to ask another.
     */
    Deadline attempt(boolean retryPossible) {
        long left = deadline.timeRemaining(TimeUnit.MILLISECONDS);
        return retryPossible && left > 50 ? Deadline.after(left / 2, TimeUnit.MILLISECONDS) : deadline;
    }

    void checkDeadline() throws QueryException {
        if (deadline.isExpired()) {
            throw expired();
        }
    }

    QueryException expired() {
        return new QueryException(QueryException.Kind.DEADLINE, "the query on graph " + graph + " passed its deadline of "
                + deadlineMs + " ms after " + hops + " hop" + (hops == 1 ? "" : "s") + " (" + requests + " requests, "
                + retries + " retries): ask for a longer deadline_ms, or a smaller neighbourhood");
    }

    /** Its stats: {@code visited} vertices, and the time since {@code t0} on {@code clock}. */
    QueryStats stats(long visited, Instant t0, Clock clock) {
        return QueryStats.newBuilder().setHops(hops).setRequests(requests).setRetries(retries).setVerticesVisited(visited)
                .setElapsedMicros(microsSince(t0, clock)).build();
    }

    static long microsSince(Instant t0, Clock clock) {
        return Duration.between(t0, clock.instant()).toNanos() / 1000;
    }

    /** Keeps {@code bytes} of {@code pool} (one pool per gateway) until the query ends. */
    void keep(ReplyPool pool, byte[] bytes) {
        if (kept == null) {
            kept = new byte[4][];
            this.pool = pool;
        } else if (keptCount == kept.length) {
            kept = java.util.Arrays.copyOf(kept, 2 * keptCount);
        }
        kept[keptCount++] = bytes;
    }

    /** The query ended: nothing of its agents' answers is read any more, their arrays go back to the pool. */
    @Override
    public void close() {
        for (int i = 0; i < keptCount; i++) {
            pool.giveBack(kept[i]);
            kept[i] = null;
        }
        keptCount = 0;
    }
}
