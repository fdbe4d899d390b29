package io.graphagent.agent.query;

import io.graphagent.net.time.Ticker;
import io.graphagent.protocol.v1.ShardLoad;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads that answer query requests on an agent, {@code agent-query-N}, one per core,
 * with a bound on work in flight: a request over {@code maxInFlight} (executing or queued) is
 * refused at once ({@link #tryRun} false) and its caller answers "busy, retry after", rather
 * than queueing without bound. Keeps what query routing weighs: requests in flight and an
 * average of recent service times (queue wait included), timed on the injected ticker. A request
 * is one {@link Task} object, timed in place: nothing else is allocated per request here beyond
 * the queue's node. Thread-safe.
 */
public final class QueryWorkers implements AutoCloseable {
    /**
     * Weight of each new service time in the average: about the last 10 requests count, so the
     * average follows a load change within a few milliseconds at the rates queries come.
     */
    static final double LATENCY_WEIGHT = 0.1;
    /** The least "retry after" a busy answer suggests, ms. */
    static final long MIN_RETRY_AFTER_MS = 10;

    private final int maxInFlight;
    private final int threads;
    private final Ticker ticker;
    private final ThreadPoolExecutor pool;
    private final AtomicInteger inFlight = new AtomicInteger();
    /** The average service time, microseconds; written under this object's lock. */
    private volatile double latencyMicros;

    /**
     * @param maxInFlight requests executing or queued at most (query.agent-max-in-flight)
     * @param ticker      times each request from its arrival to its end (the agent's ticker; a fake one in tests)
     */
    public QueryWorkers(int threads, int maxInFlight, Ticker ticker) {
        this.maxInFlight = maxInFlight;
        this.threads = threads;
        this.ticker = ticker;
        this.pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                Thread.ofPlatform().name("agent-query-", 0).daemon(true).factory()) {
            @Override
            protected void afterExecute(Runnable task, Throwable thrown) {
                served(QueryWorkers.this.ticker.nanos() - ((Task) task).queuedNanos);
            }
        };
    }

    /** One request's work, with the time it was queued: the caller's own object, so timing it allocates nothing. */
    public abstract static class Task implements Runnable {
        private long queuedNanos;

        /** A task that runs {@code work} (for callers without a task class of their own). */
        public static Task of(Runnable work) {
            return new Task() {
                @Override
                public void run() {
                    work.run();
                }
            };
        }
    }

    /**
     * Runs {@code work} on a query thread, unless {@code maxInFlight} requests are in flight:
     * then returns false at once and runs nothing.
     */
    public boolean tryRun(Task work) {
        if (inFlight.incrementAndGet() > maxInFlight) {
            inFlight.decrementAndGet();
            return false;
        }
        work.queuedNanos = ticker.nanos();
        try {
            pool.execute(work);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            inFlight.decrementAndGet();
            return false;
        }
        return true;
    }

    /** Counted after the task ran, whether it ended or threw; a negative time (none on a monotonic ticker) as 0. */
    private synchronized void served(long elapsedNanos) {
        double micros = Math.max(0, elapsedNanos) / 1_000.0;
        latencyMicros = latencyMicros == 0 ? micros : latencyMicros + LATENCY_WEIGHT * (micros - latencyMicros);
        inFlight.decrementAndGet();
    }

    /** Requests executing or queued now. */
    public int inFlight() {
        return inFlight.get();
    }

    /** The load a reply reports. */
    public ShardLoad load() {
        return ShardLoad.newBuilder().setInFlight(Math.max(0, inFlight.get())).setLatencyMicros((long) latencyMicros).build();
    }

    /** How long a refused caller should wait: the queue ahead of it, served by every thread. */
    public long retryAfterMs() {
        double ms = latencyMicros / 1000.0 * Math.max(1, inFlight.get()) / threads;
        return Math.max(MIN_RETRY_AFTER_MS, (long) Math.ceil(ms));
    }

    /** The most requests in flight. */
    public int maxInFlight() {
        return maxInFlight;
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
