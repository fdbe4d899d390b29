package io.graphagent.agent.job;

import io.graphagent.agent.dataplane.BatchTarget;
import io.graphagent.net.cause.FailureClassifier;
import io.graphagent.net.time.Ticker;
import io.grpc.ManagedChannel;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warms the agent's data plane when it starts (config {@code agent.warmup}): runs a
 * {@link LoopbackExchange} through the agent's own data-plane server until
 * {@link #BATCHES} batches are filed, so that the exchange's code (gRPC-Netty's HTTP/2 framing
 * and flow control, TLS, protobuf, batch packing, checking and filing) has reached the JIT's
 * C2 before the first jobs rather than one job at a time during them (docs/performance.md).
 *
 * <p>Bounded in work, not in time: on a loaded machine it takes longer, but no more CPU. It
 * never holds a job back: the first command from the coordinator {@link #stop stops} it at once
 * (an exchange in flight is superseded, its streams cancelled). Its threads run at the lowest
 * Java priority (a hint the OS may ignore). A failure (this agent cannot dial its own data
 * address, say behind NAT) is logged and the agent goes on cold.
 *
 * <p>Thread-safety: {@link #stop}, {@link #state}, {@link #filed} and {@link #target} from any thread.
 */
final class DataPlaneWarmup {
    private static final Logger log = LoggerFactory.getLogger(DataPlaneWarmup.class);

    /**
     * Batches to file before the warm-up ends, both halves together: at 64 a superstep, about 95
     * supersteps and 45 MB through TLS each way, so the per-batch methods pass C2's thresholds
     * (5,000 calls, or 15,000 with loops) and the per-frame ones many times over. It costs each
     * agent start about 6-7 CPU seconds, much of it the JIT's compiles that the first jobs would
     * otherwise pay (docs/performance.md).
     */
    static final long BATCHES = 6_000;

    /**
     * Tries of the loopback exchange, each on a fresh channel, before the warm-up gives up. A cold
     * JVM's first TLS handshake with itself can miss {@code tls.handshake-timeout} on a loaded
     * machine (seen at load 30 on 2 cores); the next one, with the classes loaded, does not.
     */
    static final int ATTEMPTS = 3;

    /** Opens a new channel to this agent's own data address. */
    interface SelfDialer {
        ManagedChannel dial() throws Exception;
    }

    /** Where the warm-up is. */
    enum State { RUNNING, DONE, STOPPED, FAILED }

    private final String agentId;
    private final SelfDialer dialer;
    private final long bound;
    private final Ticker ticker;
    private final AtomicReference<State> state = new AtomicReference<>(State.RUNNING);
    private final ExecutorService compute =
            Executors.newSingleThreadExecutor(threads("agent-warmup-compute"));
    private final ExecutorService peer = Executors.newSingleThreadExecutor(threads("agent-warmup-peer"));
    private volatile LoopbackExchange exchange;
    /** Supersteps run by every try so far; the warm-up thread only. */
    private int supersteps;
    /** Batches filed by the attempts before the current one. */
    private volatile long filedBefore;
    private volatile String stopReason = "";

    /**
     * @param dialer opens channels to this agent's own data address (the warm-up shuts each down)
     * @param bound batches to file before it ends
     */
    DataPlaneWarmup(String agentId, SelfDialer dialer, long bound, Ticker ticker) {
        this.agentId = agentId;
        this.dialer = dialer;
        this.bound = bound;
        this.ticker = ticker;
    }

    /** Starts the warm-up on its own thread and returns at once; once only. */
    void start() {
        threads("agent-warmup").newThread(this::run).start();
    }

    private static java.util.concurrent.ThreadFactory threads(String name) {
        return Thread.ofPlatform().name(name).daemon(true).priority(Thread.MIN_PRIORITY).factory();
    }

    /** The batch target of {@code jobId} when it is the warm-up's, else null. */
    BatchTarget target(String jobId) {
        return LoopbackExchange.JOB_ID.equals(jobId) ? exchange : null;
    }

    State state() {
        return state.get();
    }

    /** Batches filed so far. */
    long filed() {
        LoopbackExchange running = exchange;
        return filedBefore + (running == null ? 0 : running.filed());
    }

    /** Ends the warm-up at once if it still runs (a command arrived, or the agent stops); does not wait. */
    void stop(String why) {
        if (state.compareAndSet(State.RUNNING, State.STOPPED)) {
            stopReason = why;
            LoopbackExchange running = exchange;
            if (running != null) {
                running.supersede();
            }
        }
    }

    private void run() {
        long t0 = ticker.nanos();
        log.info("event=warmup_started bound_batches={}", bound);
        try {
            for (int attempt = 1; state.get() == State.RUNNING; attempt++) {
                try {
                    attempt();
                    break;
                } catch (ExchangeFailedException e) {
                    if (state.get() != State.RUNNING || attempt >= ATTEMPTS) {
                        throw e;
                    }
                    log.info("event=warmup_retry attempt={} cause={} detail=\"{}\"", attempt,
                            FailureClassifier.classify(e.getCause()).label(), e.getMessage());
                }
            }
            if (state.compareAndSet(State.RUNNING, State.DONE)) {
                log.info("event=warmup_done batches={} supersteps={} ms={}", filed(), supersteps, millisSince(t0));
            }
        } catch (ExchangeFailedException e) {
            ended(e.getCause() != null ? e.getCause() : e, e.getMessage(), t0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop("interrupted");
            ended(e, e.getMessage(), t0);
        } catch (Exception | Error e) {
            ended(e, e.getMessage(), t0);
        } finally {
            peer.shutdownNow();
            compute.shutdownNow();
        }
    }

    /**
     * One try on a fresh channel: a new loopback job from superstep 0 until the bound (counting
     * what earlier tries filed) or a stop.
     */
    private void attempt() throws Exception {
        ManagedChannel self = dialer.dial();
        LoopbackExchange previous = exchange;
        if (previous != null) {
            // Late batches of the failed try are refused (UNKNOWN_JOB) until the new one is in place.
            exchange = null;
            filedBefore += previous.filed();
        }
        try {
            int cap = (int) Math.min(Integer.MAX_VALUE - 1, bound);
            LoopbackExchange current = LoopbackExchange.over(agentId, self, cap, compute, ticker);
            exchange = current;
            if (state.get() != State.RUNNING) {
                current.supersede();
            }
            for (int s = 0; state.get() == State.RUNNING && filed() < bound; s++) {
                current.superstep(s, peer);
                supersteps++;
            }
        } finally {
            LoopbackExchange ran = exchange;
            if (ran != null) {
                ran.close("warm-up over");
            }
            self.shutdownNow();
        }
    }

    /** Stopped (by a command: expected) or failed: one line, no stack trace. */
    private void ended(Throwable cause, String detail, long t0) {
        if (state.compareAndSet(State.RUNNING, State.FAILED)) {
            log.info("event=warmup_failed cause={} batches={} supersteps={} detail=\"{}\" effect=\"the first jobs run the"
                            + " data plane cold\"", FailureClassifier.classify(cause).label(), filed(), supersteps, detail);
        } else {
            log.info("event=warmup_stopped batches={} supersteps={} ms={} reason=\"{}\"", filed(), supersteps,
                    millisSince(t0), stopReason);
        }
    }

    private long millisSince(long t0) {
        return TimeUnit.NANOSECONDS.toMillis(ticker.nanos() - t0);
    }
}
