package io.graphagent.coordinator.query;

import io.graphagent.protocol.v1.ShardLoad;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * One agent's load as the router weighs it: the requests the gateway has in flight to it
 * (exact), and what the agent reports in every answer, its requests in flight (of every
 * caller, the answered one included, which is no longer in flight once answered: it is not
 * counted) and its recent average service time. A report ages: the in-flight count is
 * ignored after {@link #STALE_MILLIS}, and the latency decays with time constant
 * {@link #LATENCY_DECAY_MILLIS}, so an agent that had one slow moment is tried again soon
 * rather than starved of the requests that would show it recovered. Thread-safe.
 */
final class AgentLoad {
    /**
     * A reported in-flight count older than this no longer counts, ms. An agent drains its
     * queue in milliseconds at the rates queries come, and the gateway's own
     * count, exact and current, covers its requests; a report counted longer (it was 1 s) kept
     * an agent that answered one burst looking busy, and without requests that would show it
     * idle again, while its replicas took everything: stale precisely under load.
     */
    static final long STALE_MILLIS = 100;
    /** Time constant of the decay of a reported latency, ms. */
    static final double LATENCY_DECAY_MILLIS = 2_000;
    /**
     * Added to every latency, ms: so that with no latency known yet, more requests in flight
     * still cost more (the cost is then the in-flight count).
     */
    static final double BASE_LATENCY_MILLIS = 0.1;

    private final String agentId;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final LongAdder requests = new LongAdder();
    private volatile int reportedInFlight;
    private volatile long reportedAt = Long.MIN_VALUE;
    private volatile double latencyMillis;
    private volatile long latencyAt;

    AgentLoad(String agentId) {
        this.agentId = agentId;
    }

    String agentId() {
        return agentId;
    }

    void sent() {
        inFlight.incrementAndGet();
        requests.increment();
    }

    void answered() {
        inFlight.decrementAndGet();
    }

    int inFlight() {
        return Math.max(0, inFlight.get());
    }

    /** Requests the gateway has sent it since the start (answered or not). */
    long requests() {
        return requests.sum();
    }

    /** What the agent reported in an answer at {@code nowMillis}. */
    void reported(ShardLoad load, long nowMillis) {
        reportedInFlight = Math.max(0, load.getInFlight() - 1);
        reportedAt = nowMillis;
        latencyMillis = load.getLatencyMicros() / 1000.0;
        latencyAt = nowMillis;
    }

    /** The reported in-flight count (the answered request not counted) while fresh, else 0. */
    int reportedInFlight(long nowMillis) {
        return nowMillis - reportedAt <= STALE_MILLIS ? reportedInFlight : 0;
    }

    /** The reported latency, decayed by its age, ms. */
    double latencyMillis(long nowMillis) {
        long age = Math.max(0, nowMillis - latencyAt);
        return latencyMillis * Math.exp(-age / LATENCY_DECAY_MILLIS);
    }

    /** Its requests in flight as best known: the gateway's own or the fresh report, the more. */
    int inFlight(long nowMillis) {
        return Math.max(inFlight(), reportedInFlight(nowMillis));
    }

    /**
     * Whether one more request would wait for a thread: {@code threads} (the agent's query
     * threads, one per core) or more requests already in flight.
     */
    boolean saturated(long nowMillis, int threads) {
        return inFlight(nowMillis) >= Math.max(1, threads);
    }

    /** The cost of one more request: (in flight + 1) x (latency + a base). */
    double cost(long nowMillis) {
        return (inFlight(nowMillis) + 1) * (latencyMillis(nowMillis) + BASE_LATENCY_MILLIS);
    }
}
