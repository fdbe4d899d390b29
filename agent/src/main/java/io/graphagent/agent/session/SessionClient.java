package io.graphagent.agent.session;

import io.graphagent.agent.job.CommandHandler;
import io.graphagent.net.cause.CauseCounter;
import io.graphagent.net.time.Ticker;
import io.graphagent.net.tls.TransportSecurity;
import io.graphagent.protocol.v1.AgentMessage;
import io.graphagent.protocol.v1.Report;
import io.graphagent.protocol.v1.Welcome;
import io.graphagent.net.tls.HostAndPort;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's session with the coordinator: dials it (mutual TLS, connect and handshake
 * bounded), says Hello, heartbeats, hands commands to the {@link CommandHandler}, and when the
 * stream breaks reconnects with full-jitter backoff, offering to resume the session (the
 * coordinator resumes it while the lease runs; otherwise the job layer is told to drop its
 * state). It ends, completing {@link #exit()} exactly once, when {@link #close()} is called
 * (after a Goodbye: code 0), when the coordinator or its TLS refuses the agent in a way
 * retrying cannot fix (code 3, without a single retry), or when session.reconnect.max-attempts
 * run out (code 1).
 *
 * <p>Every state change happens on the session thread ({@link SessionThreads}), in the
 * {@link SessionLoop} this client drives; RTT and clock skew come from the heartbeat acks.
 * Thread-safe.
 */
public final class SessionClient implements CoordinatorLink, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SessionClient.class);

    /** How long {@link #close()} waits for the coordinator to end the stream after Goodbye. */
    public static final Duration GOODBYE_GRACE = Duration.ofSeconds(2);

    /** How often the job layer is asked whether it is broken for good. */
    static final Duration HANDLER_CHECK = Duration.ofSeconds(1);

    private final SessionSettings settings;
    private final SessionThreads threads;
    private final SessionLoop loop;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * @param settings what to dial and say
     * @param security mutual TLS, or plaintext for an explicit --insecure
     * @param handler  receives commands and fencing; its {@code dataAddress()} and
     *                 {@code heldPartitions()} go into each Hello (called on the session thread)
     * @param clock    the agent's wall clock: times in heartbeats, clock skew, ack silence
     * @param ticker   the agent's monotonic time: round trips and a lost stream's quiet time
     */
    public SessionClient(SessionSettings settings, TransportSecurity security, CommandHandler handler, Clock clock,
            Ticker ticker) {
        this(settings, security, handler, clock, ticker, new SessionThreads());
    }

    /**
     * A client on threads lent by {@code pool}, for a process holding many agents' sessions
     * (the reconnect-storm bench); otherwise as {@link #SessionClient(SessionSettings,
     * TransportSecurity, CommandHandler, Clock, Ticker)}.
     */
    public SessionClient(SessionSettings settings, TransportSecurity security, CommandHandler handler, Clock clock,
            Ticker ticker, SessionThreadPool pool) {
        this(settings, security, handler, clock, ticker, new SessionThreads(Objects.requireNonNull(pool, "pool")));
    }

    private SessionClient(SessionSettings settings, TransportSecurity security, CommandHandler handler, Clock clock,
            Ticker ticker, SessionThreads threads) {
        this.threads = threads;
        this.settings = Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(security, "security");
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(ticker, "ticker");
        this.loop = new SessionLoop(settings, security, handler, clock, ticker, threads, this);
    }

    /** Registers a callback told of every Welcome (on the session thread); call before {@link #start()}. */
    public void onWelcome(Consumer<Welcome> listener) {
        loop.listeners.onWelcome(listener);
    }

    /**
     * Registers a callback told of every heartbeat round trip measured (on the session thread; it
     * must not block), for the RTT histogram of the ops module.
     */
    public void onRoundTrip(Consumer<Duration> listener) {
        loop.listeners.onRoundTrip(listener);
    }

    /** Starts dialling the coordinator; returns at once. */
    public void start() {
        if (started.compareAndSet(false, true)) {
            threads.post(loop::connect);
            loop.startHandlerChecks(HANDLER_CHECK);
        }
    }

    /** Completes once, when the client ends: how the agent process should exit. */
    public CompletableFuture<AgentExit> exit() {
        return loop.exit.copy();
    }

    @Override
    public String agentId() {
        return settings.agentId();
    }

    @Override
    public long epoch() {
        SessionCall call = loop.open;
        return call == null ? 0 : call.epoch;
    }

    /** The id of the open session, or empty. */
    public String sessionId() {
        return loop.open == null ? "" : loop.sessionId;
    }

    /** Whether a session is open now. */
    public boolean connected() {
        return loop.open != null;
    }

    @Override
    public String coordinatorAddress() {
        HostAndPort at = loop.targets.current();
        return at.host() + ":" + at.port();
    }

    @Override
    public boolean report(Report report) {
        SessionCall call = loop.open;
        return call != null
                && call.send(AgentMessage.newBuilder().setReport(report.toBuilder().setSessionEpoch(call.epoch)).build());
    }

    /** Connection attempts so far (each sends one Hello). */
    public int attempts() {
        return loop.attempts.get();
    }

    /** Heartbeat acks received since start, over all sessions. */
    public long heartbeatsAcked() {
        return loop.acks.get();
    }

    /** Causes of failed attempts and lost sessions since start. */
    public CauseCounter causes() {
        return loop.causes;
    }

    /** Round trip of the last acknowledged heartbeat (zero before the first). */
    public Duration lastRtt() {
        return Duration.ofNanos(loop.meter.lastRttMicros() * 1_000);
    }

    /** Estimated coordinator clock minus this agent's clock (zero before the first ack). */
    public Duration clockOffset() {
        return Duration.ofMillis(loop.meter.clockOffsetMs());
    }

    /** Says Goodbye and stops; the same as {@code close("closed")}. */
    @Override
    public void close() {
        close("closed");
    }

    /**
     * Says Goodbye if a session is open (waiting up to {@link #GOODBYE_GRACE} for the
     * coordinator to end the stream), then stops every thread. {@link #exit()} completes with
     * code 0 unless the client had already ended. Idempotent; blocks up to a few seconds.
     */
    public void close(String reason) {
        if (closed.compareAndSet(false, true)) {
            CompletableFuture<Void> goodbye = new CompletableFuture<>();
            if (!threads.post(() -> loop.sayGoodbye(reason, goodbye))) {
                goodbye.complete(null);
            }
            try {
                goodbye.get(GOODBYE_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                log.warn("event=goodbye_unanswered agent={} detail=\"the coordinator did not end the stream within {} ms\"",
                        agentId(), GOODBYE_GRACE.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException e) {
                // Never completed exceptionally.
            }
            threads.post(() -> loop.finish(AgentExit.stopped(reason)));
        }
        threads.await();
        loop.exit.complete(AgentExit.stopped(reason));
    }

    /** Stops as a killed process would: no Goodbye, the stream just breaks. For tests of resuming. */
    void crash() {
        if (closed.compareAndSet(false, true)) {
            threads.post(() -> loop.finish(AgentExit.stopped("crashed")));
        }
        threads.await();
        loop.exit.complete(AgentExit.stopped("crashed"));
    }
}
