package io.graphagent.agent.session;

import io.graphagent.net.testing.FakeClock;
import io.graphagent.net.testing.LogCapture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import io.graphagent.agent.AgentMain;
import io.graphagent.config.GraphagentConfig;
import io.graphagent.config.Profile;
import io.graphagent.coordinator.CoordinatorServer;
import io.graphagent.net.cause.DisconnectCause;
import io.graphagent.net.certs.BadCertificates;
import io.graphagent.net.certs.ClusterCertificates;
import io.graphagent.net.time.Ticker;
import io.graphagent.net.tls.TlsContexts;
import io.graphagent.net.tls.TlsFiles;
import io.graphagent.net.tls.TransportSecurity;
import io.graphagent.protocol.v1.AgentState;
import io.graphagent.protocol.v1.Command;
import io.graphagent.protocol.v1.LoadPartitions;
import io.graphagent.protocol.v1.RejectReason;
import io.graphagent.protocol.v1.Report;
import io.graphagent.coordinator.membership.AgentView;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Session clients against a real coordinator over mutual TLS on 127.0.0.1. Timing rules are
 * those of the test profile (heartbeat 250ms, suspect-after 750ms, lease 2s); where a test is
 * about lease expiry the coordinator's clock is fake and moves when the test says.
 */
class SessionClientTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    static Path certs;
    @TempDir
    Path work;

    private final List<String> transitions = new CopyOnWriteArrayList<>();
    private final List<AutoCloseable> resources = new ArrayList<>();
    private CoordinatorServer coordinator;

    @BeforeAll
    static void cluster(@TempDir Path warmupWork) throws Exception {
        ClusterCertificates.init(certs, 4, List.of(), Duration.ofDays(1), Clock.systemUTC());
        // One session end to end first, so timing assertions measure handshakes, not class loading.
        try (CoordinatorServer warm = CoordinatorServer.start(Configs.coordinator(),
                TransportSecurity.tls(TlsFiles.fromDir(certs, "coordinator")), directory -> new FixedJobs(),
                Clock.systemUTC());
             SessionClient client = new SessionClient(SessionSettings.from(
                     Configs.agent(Profile.TEST, warm.port(), "agent-1", warmupWork), "agent-1"),
                     TransportSecurity.tls(TlsFiles.fromDir(certs, "agent-1")), new RecordingHandler(), Clock.systemUTC(), Ticker.system())) {
            client.start();
            await().atMost(WAIT).until(client::connected);
        }
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable resource : resources.reversed()) {
            resource.close();
        }
        if (coordinator != null) {
            coordinator.close();
        }
    }

    private void startCoordinator(Clock clock) throws Exception {
        coordinator = CoordinatorServer.start(Configs.coordinator(),
                TransportSecurity.tls(TlsFiles.fromDir(certs, "coordinator")), directory -> new FixedJobs(), clock);
        coordinator.directory().addListener((agent, from, to, cause) -> transitions.add(agent + " " + to + " " + cause));
    }

    private SessionSettings settings(String agentId) {
        return SessionSettings.from(Configs.agent(Profile.TEST, coordinator.port(), agentId, work), agentId);
    }

    private SessionClient client(SessionSettings settings, TransportSecurity security, RecordingHandler handler) {
        SessionClient client = new SessionClient(settings, security, handler, Clock.systemUTC(), Ticker.system());
        resources.add(client);
        client.start();
        return client;
    }

    private SessionClient client(String agentId, RecordingHandler handler) {
        return client(settings(agentId), TransportSecurity.tls(TlsFiles.fromDir(certs, agentId)), handler);
    }

    private AgentState state(String agentId) {
        return coordinator.directory().state(agentId);
    }

    @Test
    void threeAgentsJoinAreAliveAndLeaveWithGoodbye() throws Exception {
        startCoordinator(Clock.systemUTC());
        List<SessionClient> clients = new ArrayList<>();
        List<RecordingHandler> handlers = new ArrayList<>();
        for (int n = 1; n <= 3; n++) {
            handlers.add(new RecordingHandler());
            clients.add(client(ClusterCertificates.agentName(n), handlers.get(n - 1)));
        }

        await().atMost(WAIT).until(() -> coordinator.directory().alive().size() == 3);
        List<AgentView> alive = coordinator.directory().alive();
        assertThat(alive).extracting(AgentView::agentId).containsExactly("agent-1", "agent-2", "agent-3");
        assertThat(alive).extracting(AgentView::epoch).doesNotHaveDuplicates();
        for (int i = 0; i < 3; i++) {
            assertThat(clients.get(i).epoch()).isEqualTo(alive.get(i).epoch().value());
        }
        await().atMost(WAIT).until(() -> clients.stream().allMatch(c -> c.heartbeatsAcked() >= 2));
        assertThat(clients.get(0).lastRtt()).isPositive();

        // Commands reach the handler on the command thread, stamped with the epoch; reports come back.
        List<Report> reports = new CopyOnWriteArrayList<>();
        coordinator.directory().setReportSink((agent, report) -> reports.add(report));
        assertThat(coordinator.directory().send("agent-2", Command.newBuilder().setCommandId(5).setJobId("j")
                .setLoadPartitions(LoadPartitions.newBuilder().addPartitionIds(1)).build())).isTrue();
        await().atMost(WAIT).until(() -> handlers.get(1).commands.size() == 1);
        assertThat(handlers.get(1).commands.get(0).getSessionEpoch()).isEqualTo(alive.get(1).epoch().value());
        assertThat(handlers.get(1).threads).containsExactly("agent-commands");
        assertThat(clients.get(1).report(Report.newBuilder().setCommandId(5).setJobId("j").build())).isTrue();
        await().atMost(WAIT).until(() -> reports.size() == 1);
        assertThat(reports.get(0).getSessionEpoch()).isEqualTo(alive.get(1).epoch().value());

        for (SessionClient client : clients) {
            client.close("test over");
            assertThat(client.exit().get()).extracting(AgentExit::code).isEqualTo(AgentExit.STOPPED);
        }
        assertThat(List.of(state("agent-1"), state("agent-2"), state("agent-3"))).containsOnly(AgentState.LEFT);
        assertThat(transitions).filteredOn(t -> t.contains("LEFT")).allMatch(t -> t.endsWith("goodbye")).hasSize(3);
        assertThat(coordinator.causes().snapshot()).isEmpty();
    }

    @Test
    void aCertificateFromAnotherCaIsRefusedWithinASecondNamedOnBothSidesAndNotRetried() throws Exception {
        startCoordinator(Clock.systemUTC());
        BadCertificates.Paths stranger = BadCertificates.in(certs, Clock.systemUTC()).fromAnotherCa("agent-4");
        TransportSecurity security = new TransportSecurity.Tls(new TlsFiles(stranger.ca(), stranger.cert(), stranger.key()),
                TlsContexts.Engine.DEFAULT, TlsContexts.FileCheck.LOAD_ONLY);

        try (LogCapture agentLog = new LogCapture(SessionClient.class);
             LogCapture serverLog = new LogCapture(Class.forName("io.graphagent.net.tls.ServerHandshakeObserver"))) {
            long start = System.nanoTime();
            SessionClient client = client(settings("agent-4"), security, new RecordingHandler());
            AgentExit exit = client.exit().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

            assertThat(elapsed).isLessThan(Duration.ofSeconds(1));
            assertThat(exit.code()).isEqualTo(AgentExit.REFUSED);
            assertThat(exit.cause()).hasValueSatisfying(cause -> assertThat(cause.isTls()).isTrue());
            assertThat(exit.diagnosis()).startsWith(exit.cause().get().label() + ": ").contains("Fix:");
            assertThat(client.attempts()).isEqualTo(1);
            assertThat(client.causes().count(exit.cause().get())).isEqualTo(1);
            assertThat(agentLog.containing("event=session_ended code=3")).singleElement()
                    .satisfies(e -> assertThat(e.getLevel()).isEqualTo(Level.ERROR));
            await().atMost(WAIT).until(() -> coordinator.causes().count(DisconnectCause.TLS_UNKNOWN_CA) == 1);
            assertThat(serverLog.containing("cause=tls_unknown_ca event=tls_handshake_failed side=server")).hasSize(1);
            assertThat(coordinator.sessionStats().hellos()).isZero();
        }
    }

    @Test
    void anUnsupportedProtocolRangeIsRejectedAndTheClientExitsWithCode3Once() throws Exception {
        startCoordinator(Clock.systemUTC());
        SessionClient client = client(settings("agent-1").withProtocolRange(7, 9),
                TransportSecurity.tls(TlsFiles.fromDir(certs, "agent-1")), new RecordingHandler());

        AgentExit exit = client.exit().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);

        assertThat(exit.code()).isEqualTo(AgentExit.REFUSED);
        assertThat(exit.cause()).contains(DisconnectCause.PROTOCOL_VERSION_UNSUPPORTED);
        assertThat(exit.diagnosis()).startsWith("protocol_version_unsupported: ")
                .contains("VERSION_UNSUPPORTED", "[7,9]", "Upgrade the coordinator");
        // Well past several reconnect delays of the test profile (50 ms growing): nobody came back.
        await().during(Duration.ofMillis(700)).atMost(Duration.ofSeconds(2))
                .until(() -> coordinator.sessionStats().hellos() == 1 && client.attempts() == 1);
        assertThat(coordinator.sessionStats().rejected(RejectReason.VERSION_UNSUPPORTED)).isEqualTo(1);
    }

    @Test
    void aSecondAgentWithTheSameIdIsRejectedAsDuplicateAndTheFirstKeepsItsSession() throws Exception {
        startCoordinator(Clock.systemUTC());
        SessionClient first = client("agent-1", new RecordingHandler());
        await().atMost(WAIT).until(() -> state("agent-1") == AgentState.ALIVE);
        long epoch = first.epoch();

        SessionClient second = client("agent-1", new RecordingHandler());

        // The coordinator counts a Reject before the client reads it: wait for both sides.
        await().atMost(WAIT).until(() -> coordinator.sessionStats().rejected(RejectReason.DUPLICATE_AGENT) >= 2
                && second.causes().count(DisconnectCause.DUPLICATE_AGENT) >= 2);
        assertThat(second.exit()).as("retryable: the duplicate keeps trying").isNotDone();
        assertThat(second.connected()).isFalse();
        assertThat(state("agent-1")).isEqualTo(AgentState.ALIVE);
        assertThat(first.epoch()).isEqualTo(epoch);
        assertThat(first.connected()).isTrue();
    }

    @Test
    void anAgentRestartedWithinItsLeaseResumesWithTheSameEpochAndIsNeverDead() throws Exception {
        startCoordinator(Clock.systemUTC());
        SessionClient before = client("agent-1", new RecordingHandler());
        await().atMost(WAIT).until(() -> state("agent-1") == AgentState.ALIVE && before.connected());
        long epoch = before.epoch();
        String sessionId = before.sessionId();

        before.crash();
        await().atMost(WAIT).until(() -> state("agent-1") == AgentState.SUSPECT);
        RecordingHandler handler = new RecordingHandler();
        SessionClient after = client(settings("agent-1").withResumeSessionId(sessionId),
                TransportSecurity.tls(TlsFiles.fromDir(certs, "agent-1")), handler);

        await().atMost(WAIT).until(after::connected);
        assertThat(after.epoch()).isEqualTo(epoch);
        assertThat(after.sessionId()).isEqualTo(sessionId);
        assertThat(state("agent-1")).isEqualTo(AgentState.ALIVE);
        assertThat(coordinator.sessionStats().sessionsResumed()).isEqualTo(1);
        assertThat(handler.fenced).isEmpty();
        assertThat(transitions).containsExactly("agent-1 JOINING hello", "agent-1 ALIVE first_heartbeat",
                "agent-1 SUSPECT stream_broken", "agent-1 ALIVE resumed");
    }

    @Test
    void aLeaseExpiredOnTheCoordinatorClockFencesTheAgentWhichRejoinsWithANewEpoch() throws Exception {
        FakeClock clock = new FakeClock();
        startCoordinator(clock);
        RecordingHandler handler = new RecordingHandler();
        SessionClient client = client("agent-1", handler);
        await().atMost(WAIT).until(() -> state("agent-1") == AgentState.ALIVE && client.connected());
        long epoch = client.epoch();

        clock.advance(Duration.ofMillis(2_100));

        await().atMost(WAIT).until(() -> client.connected() && client.epoch() > epoch);
        assertThat(handler.fenced).singleElement().asString().contains("lease expired");
        assertThat(transitions).containsSubsequence("agent-1 DEAD lease_expired", "agent-1 JOINING hello");
        assertThat(client.causes().count(DisconnectCause.FENCED)).isEqualTo(1);
        assertThat(coordinator.causes().count(DisconnectCause.LEASE_EXPIRED)).isEqualTo(1);
        assertThat(client.exit()).isNotDone();
    }

    @Test
    void heartbeatsKeepFlowingWhileComputeSaturatesEveryCore() throws Exception {
        startCoordinator(Clock.systemUTC());
        List<SessionClient> clients = new ArrayList<>();
        for (int n = 1; n <= 3; n++) {
            clients.add(client(ClusterCertificates.agentName(n), new RecordingHandler()));
        }
        await().atMost(WAIT).until(() -> coordinator.directory().alive().size() == 3);
        long[] acksBefore = clients.stream().mapToLong(SessionClient::heartbeatsAcked).toArray();

        Duration busy = Duration.ofSeconds(3);
        int cores = Runtime.getRuntime().availableProcessors();
        AtomicBoolean sink = new AtomicBoolean();
        List<Thread> compute = new ArrayList<>();
        for (int i = 0; i < cores; i++) {
            Thread thread = Thread.ofPlatform().name("test-compute-" + i).start(() -> spin(busy, sink));
            compute.add(thread);
        }
        for (Thread thread : compute) {
            thread.join();
        }

        assertThat(coordinator.causes().count(DisconnectCause.LEASE_EXPIRED)).isZero();
        assertThat(transitions).noneMatch(t -> t.contains("DEAD"));
        assertThat(coordinator.directory().alive()).hasSize(3);
        for (int i = 0; i < clients.size(); i++) {
            // 12 heartbeats are due in 3 s at 250 ms; a starved heartbeat thread would send none.
            assertThat(clients.get(i).heartbeatsAcked() - acksBefore[i]).as("acks of agent-%d while busy", i + 1)
                    .isGreaterThanOrEqualTo(6);
        }
    }

    /** Integer work on registers only: no allocation, so no GC pause helps the heartbeats. */
    private static void spin(Duration duration, AtomicBoolean sink) {
        long end = System.nanoTime() + duration.toNanos();
        long x = Thread.currentThread().threadId() | 1;
        while (System.nanoTime() < end) {
            for (int i = 0; i < 10_000; i++) {
                x ^= x << 13;
                x ^= x >>> 7;
                x ^= x << 17;
            }
        }
        if (x == 0) {
            sink.set(true);
        }
    }

    @Test
    void timingThatDisagreesWithTheCoordinatorsIsLoggedNamingBothValues() throws Exception {
        startCoordinator(Clock.systemUTC());
        SessionSettings lan = SessionSettings.from(Configs.agent(Profile.LAN, coordinator.port(), "agent-1", work), "agent-1");
        try (LogCapture log = new LogCapture(SessionClient.class)) {
            SessionClient client = client(lan, TransportSecurity.tls(TlsFiles.fromDir(certs, "agent-1")),
                    new RecordingHandler());
            await().atMost(WAIT).until(client::connected);

            assertThat(log.containing("event=timing_mismatch agent=agent-1 key=session.lease-ttl"))
                    .singleElement().satisfies(e -> {
                        assertThat(e.getLevel()).isEqualTo(Level.WARN);
                        assertThat(e.getFormattedMessage()).contains("coordinator uses 2s", "config says 5s");
                    });
        }
    }

    @Test
    void agentMainSaysGoodbyeOnStopAndExitsZero() throws Exception {
        startCoordinator(Clock.systemUTC());
        GraphagentConfig config = Configs.agent(Profile.TEST, coordinator.port(), "", work);
        CompletableFuture<String> stop = new CompletableFuture<>();
        RecordingHandler handler = new RecordingHandler();
        CompletableFuture<Integer> code = CompletableFuture.supplyAsync(() -> AgentMain.run(config,
                TransportSecurity.tls(TlsFiles.fromDir(certs, "agent-2")), handler, Clock.systemUTC(), stop));

        await().atMost(WAIT).until(() -> state("agent-2") == AgentState.ALIVE);
        assertThat(Files.readString(work.resolve("session-agent-2.id")).trim())
                .isEqualTo(coordinator.directory().statuses().get(0).getSessionId());
        stop.complete("SIGTERM");

        assertThat(code.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isZero();
        assertThat(state("agent-2")).isEqualTo(AgentState.LEFT);
        assertThat(coordinator.directory().statuses().get(0).getStateCause()).isEqualTo("goodbye: AGENT_STOPPING: SIGTERM");
        assertThat(handler.closed).isTrue();
        assertThat(work.resolve("session-agent-2.id")).doesNotExist();
    }

    @Test
    void agentMainExitsWithCode3WhenItsClusterIsNotTheCoordinators() throws Exception {
        startCoordinator(Clock.systemUTC());
        GraphagentConfig config = Configs.withCluster(Configs.agent(Profile.TEST, coordinator.port(), "agent-3", work), "other");

        int code = AgentMain.run(config, TransportSecurity.tls(TlsFiles.fromDir(certs, "agent-3")), new RecordingHandler(),
                Clock.systemUTC(), new CompletableFuture<>());

        assertThat(code).isEqualTo(AgentExit.REFUSED);
        assertThat(coordinator.sessionStats().rejected(RejectReason.CLUSTER_MISMATCH)).isEqualTo(1);
    }
}
