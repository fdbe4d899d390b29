package io.graphagent.agent.fleet;

import io.graphagent.agent.session.SessionClient;
import io.graphagent.agent.session.SessionSettings;
import io.graphagent.agent.session.SessionThreadPool;
import io.graphagent.net.cause.DisconnectCause;
import io.graphagent.net.time.Ticker;
import io.graphagent.net.tls.TransportSecurity;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Function;

/**
 * Many agents' sessions in one process: the real {@link SessionClient} (Hello, heartbeats,
 * reconnect with full-jitter backoff, resume, leader redirects) for each agent id, all on the
 * threads of one {@link SessionThreadPool}, with an {@link IdleAgent} as job layer. Used to load
 * the control plane with thousands of agents (the reconnect-storm test and bench/failover.sh)
 * without thousands of processes. Counts what a storm is measured by: dials (each sends a
 * Hello), Welcomes, leader redirects, and which leader term each session is open on.
 * Thread-safe.
 */
public final class SessionFleet implements AutoCloseable {

    /** What the fleet has done so far; counters are totals since start. */
    public record Progress(int sessions, int open, int openOnTerm, long dials, long welcomes, long redirects) {
    }

    private final List<SessionClient> clients = new ArrayList<>();
    private final AtomicLongArray terms;
    private final AtomicLong welcomes = new AtomicLong();
    private final ScheduledExecutorService starter = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("fleet-starter").daemon(true).factory());

    /**
     * @param settings one agent's settings per session (distinct agent ids)
     * @param security the transport security of an agent id (its own certificate)
     * @param pool     the threads every session runs on; the caller closes it after the fleet
     * @param clock    the agents' wall clock
     * @param ticker   the agents' monotonic time
     */
    public SessionFleet(List<SessionSettings> settings, Function<String, TransportSecurity> security,
            SessionThreadPool pool, Clock clock, Ticker ticker) {
        Objects.requireNonNull(pool, "pool");
        this.terms = new AtomicLongArray(settings.size());
        for (int i = 0; i < settings.size(); i++) {
            SessionSettings s = settings.get(i);
            SessionClient client = new SessionClient(s, security.apply(s.agentId()), new IdleAgent(), clock, ticker, pool);
            int index = i;
            client.onWelcome(welcome -> {
                welcomes.incrementAndGet();
                terms.set(index, welcome.getLeaderTerm());
            });
            clients.add(client);
        }
    }

    /**
     * Starts the sessions, {@code perSecond} of them a second (0: all at once): a ramp keeps the
     * fleet's own first handshakes from being the storm being measured. Returns at once.
     */
    public void start(int perSecond) {
        if (perSecond <= 0) {
            clients.forEach(SessionClient::start);
            return;
        }
        long gapNanos = TimeUnit.SECONDS.toNanos(1) / perSecond;
        for (int i = 0; i < clients.size(); i++) {
            starter.schedule(clients.get(i)::start, gapNanos * i, TimeUnit.NANOSECONDS);
        }
    }

    /** The counters now, with the sessions open on leader term {@code term} or later. */
    public Progress progress(long term) {
        int open = 0;
        int onTerm = 0;
        long dials = 0;
        long redirects = 0;
        for (int i = 0; i < clients.size(); i++) {
            SessionClient client = clients.get(i);
            dials += client.attempts();
            redirects += client.causes().count(DisconnectCause.NOT_LEADER);
            if (client.connected()) {
                open++;
                if (terms.get(i) >= term) {
                    onTerm++;
                }
            }
        }
        return new Progress(clients.size(), open, onTerm, dials, welcomes.get(), redirects);
    }

    /** The highest leader term any session of the fleet was welcomed with (0 before any Welcome). */
    public long highestTerm() {
        long highest = 0;
        for (int i = 0; i < terms.length(); i++) {
            highest = Math.max(highest, terms.get(i));
        }
        return highest;
    }

    /** The clients, in the order of the settings (for tests that look at one). */
    public List<SessionClient> clients() {
        return List.copyOf(clients);
    }

    /** Closes every session (a Goodbye each, all at once on virtual threads), then returns. */
    @Override
    public void close() {
        starter.shutdownNow();
        try (var closing = Executors.newVirtualThreadPerTaskExecutor()) {
            clients.forEach(client -> closing.execute(client::close));
        }
    }

    /** How long a fleet of {@code sessions} takes to start at {@code perSecond}. */
    public static Duration rampTime(int sessions, int perSecond) {
        return perSecond <= 0 ? Duration.ZERO : Duration.ofMillis(1000L * sessions / perSecond);
    }
}
