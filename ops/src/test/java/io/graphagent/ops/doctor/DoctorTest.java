package io.graphagent.ops.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import io.graphagent.config.AgentConfig;
import io.graphagent.config.CoordinatorConfig;
import io.graphagent.config.GraphagentConfig;
import io.graphagent.config.HostPort;
import io.graphagent.config.Profile;
import io.graphagent.coordinator.CoordinatorServer;
import io.graphagent.coordinator.job.JobScheduler;
import io.graphagent.net.cause.DisconnectCause;
import io.graphagent.net.certs.BadCertificates;
import io.graphagent.net.certs.ClusterCertificates;
import io.graphagent.net.path.PathProbe;
import io.graphagent.net.testing.FaultProxy;
import io.graphagent.net.time.Ticker;
import io.graphagent.net.tls.HostAndPort;
import io.graphagent.net.tls.TlsContexts;
import io.graphagent.net.tls.TlsFiles;
import io.graphagent.net.tls.TransportSecurity;
import io.graphagent.protocol.v1.Command;
import io.graphagent.agent.job.CommandHandler;
import io.graphagent.agent.session.CoordinatorLink;
import io.graphagent.agent.session.SessionClient;
import io.graphagent.agent.session.SessionSettings;
import io.graphagent.protocol.v1.AgentState;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import org.awaitility.Awaitility;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every FAIL class of doctor reproduced for real: a coordinator on 127.0.0.1 serving the bad
 * material (made by BadCertificates), a closed port, plaintext on either side, another
 * protocol version, a skewed clock. Each test asserts the exact verdict and cause.
 */
class DoctorTest {
    private static final Clock CLOCK = Clock.systemUTC();

    @TempDir
    static Path dir;
    static Path certs;
    static BadCertificates bad;
    static GraphagentConfig base;
    static Path proc;

    @BeforeAll
    static void certificates() throws Exception {
        certs = dir.resolve("certs");
        ClusterCertificates.init(certs, 2, List.of(), Duration.ofDays(365), CLOCK);
        bad = BadCertificates.in(certs, CLOCK);
        Profile profile = Profile.TEST;
        GraphagentConfig d = profile.defaults();
        base = new GraphagentConfig(d.profile(), d.cluster(),
                new CoordinatorConfig(new HostPort("127.0.0.1", 0), d.coordinator().adminListen(), dir.resolve("state")),
                new AgentConfig(d.agent().coordinator(), d.agent().dataListen(), Optional.empty(), "", dir.resolve("work")),
                d.session(), d.grpc(), d.tls(), d.network(),
                d.job().withCheckpointDir(dir.resolve("checkpoints")), d.admin());
        proc = dir.resolve("proc");
        Files.createDirectories(proc.resolve("self"));
        Files.writeString(proc.resolve("loadavg"), "0.10 0.20 0.30 1/100 4242\n");
        Files.writeString(proc.resolve("meminfo"), "MemTotal: 16000000 kB\nMemAvailable: 8000000 kB\n");
        Files.writeString(proc.resolve("self/limits"), "Limit Soft Limit Hard Limit Units\n"
                + "Max open files            65536                65536                files\n");
    }

    private static TlsFiles agent1() {
        return TlsFiles.fromDir(certs, ClusterCertificates.agentName(1));
    }

    private static CoordinatorServer coordinator(TransportSecurity security) throws Exception {
        return CoordinatorServer.start(base, security, directory -> new JobScheduler(directory, base, CLOCK), CLOCK);
    }

    private static TransportSecurity serving(TlsFiles files) {
        return new TransportSecurity.Tls(files, TlsContexts.Engine.DEFAULT, TlsContexts.FileCheck.LOAD_ONLY);
    }

    private static DoctorOptions options(int port, Optional<TlsFiles> tls) {
        return DoctorOptions.of(new HostAndPort("127.0.0.1", port), tls, base, true).withProcDir(proc);
    }

    private static DoctorReport doctorAgainst(TransportSecurity server, Optional<TlsFiles> ours) throws Exception {
        try (CoordinatorServer coordinator = coordinator(server)) {
            return Doctor.run(options(coordinator.port(), ours));
        }
    }

    private static void assertFail(DoctorReport report, String check, DisconnectCause cause) {
        System.out.println("doctor report for " + cause.label() + ":\n" + report.text());
        CheckResult result = report.result(check).orElseThrow();
        assertThat(result.verdict()).as(report.text()).isEqualTo(Verdict.FAIL);
        assertThat(result.cause()).as(report.text()).contains(cause);
        assertThat(report.exitCode()).isEqualTo(DoctorReport.EXIT_FAIL);
    }

    @Test
    void fullPassAgainstARealCoordinator() throws Exception {
        DoctorReport report = doctorAgainst(serving(TlsFiles.fromDir(certs, ClusterCertificates.COORDINATOR)),
                Optional.of(agent1()));
        assertThat(report.results()).as(report.text()).allMatch(r -> r.verdict() == Verdict.PASS);
        assertThat(report.exitCode()).isZero();
        assertThat(report.results()).extracting(CheckResult::check).containsSubsequence("resolve", "tcp-connect",
                "route", "path-mtu", "tls-handshake", "cert-expiry", "cert-role", "protocol", "clock-skew", "timing", "rtt",
                "large-message", "agent-ports",
                "cpu-load", "memory", "disk", "open-files");
        System.out.println(report.text());
    }

    @Test
    void anAgentCertificateServingAsTheCoordinatorIsNamed() throws Exception {
        DoctorReport report = doctorAgainst(serving(TlsFiles.fromDir(certs, ClusterCertificates.agentName(2))),
                Optional.of(agent1()));

        assertFail(report, "cert-role", DisconnectCause.IDENTITY_REFUSED);
        assertThat(report.result("cert-role").orElseThrow().measured()).startsWith("the server presents"
                + " CN=agent-2,OU=agent,O=graphagent, an agent certificate (OU=agent), not the coordinator's");
    }

    @Test
    void aCertificateWithoutARoleIsNamedWithTheFix() throws Exception {
        java.time.Instant now = CLOCK.instant();
        io.graphagent.net.certs.PemFiles.write(ClusterCertificates.readCa(certs).issueLeaf("norole",
                        ClusterCertificates.LOCAL_NAMES, List.of(io.graphagent.net.certs.CertificateAuthority.Usage.CLIENT),
                        now.minusSeconds(60), now.plus(Duration.ofDays(100))),
                certs.resolve("norole.pem"), certs.resolve("norole-key.pem"));

        DoctorReport report = doctorAgainst(serving(TlsFiles.fromDir(certs, ClusterCertificates.COORDINATOR)),
                Optional.of(TlsFiles.fromDir(certs, "norole")));

        CheckResult role = report.result("cert-role").orElseThrow();
        assertThat(role.verdict()).as(report.text()).isEqualTo(Verdict.FAIL);
        assertThat(role.measured()).isEqualTo("local CN=norole,O=graphagent is a certificate with no graphagent role"
                + " (no OU=agent, OU=coordinator or OU=client): the coordinator refuses it for agent sessions and for jobs");
        assertThat(role.fix()).contains("graphagent certs init");
    }

    @Test
    void closedPortIsRefusedAndLaterChecksAreSkipped() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        DoctorReport report = Doctor.run(options(port, Optional.of(agent1())));
        assertFail(report, "tcp-connect", DisconnectCause.CONNECTION_REFUSED);
        assertThat(report.result("tls-handshake").orElseThrow().verdict()).isEqualTo(Verdict.SKIPPED);
        assertThat(report.result("agent-ports").orElseThrow().measured()).isEqualTo("tcp-connect failed");
    }

    @Test
    void tlsToAPlaintextCoordinator() throws Exception {
        assertFail(doctorAgainst(new TransportSecurity.Insecure(), Optional.of(agent1())), "tls-handshake",
                DisconnectCause.TLS_TO_PLAINTEXT_PORT);
    }

    @Test
    void insecureDoctorToATlsCoordinator() throws Exception {
        assertFail(doctorAgainst(serving(TlsFiles.fromDir(certs, ClusterCertificates.COORDINATOR)), Optional.empty()),
                "tls-handshake", DisconnectCause.PLAINTEXT_TO_TLS_PORT);
    }

    @Test
    void serverCertificateFromAnotherCa() throws Exception {
        BadCertificates.Paths p = bad.fromAnotherCa("other-ca-server");
        assertFail(doctorAgainst(serving(new TlsFiles(p.ca(), p.cert(), p.key())), Optional.of(agent1())),
                "tls-handshake", DisconnectCause.TLS_UNKNOWN_CA);
    }

    @Test
    void serverChainMissingItsIntermediate() throws Exception {
        BadCertificates.Paths p = bad.intermediateChain("incomplete", BadCertificates.ChainLayout.MISSING_INTERMEDIATE);
        DoctorReport report = againstIntermediateChain(p);
        assertFail(report, "tls-handshake", DisconnectCause.TLS_CHAIN_INCOMPLETE);
        assertThat(report.result("tls-handshake").orElseThrow().measured()).contains("chain incomplete");
    }

    @Test
    void serverChainOutOfOrder() throws Exception {
        BadCertificates.Paths p = bad.intermediateChain("unordered", BadCertificates.ChainLayout.OUT_OF_ORDER);
        DoctorReport report = againstIntermediateChain(p);
        assertFail(report, "tls-handshake", DisconnectCause.TLS_CHAIN_INCOMPLETE);
        assertThat(report.result("tls-handshake").orElseThrow().measured()).contains("out of order");
    }

    /** Both sides trust the cluster CA and the chain's own root, so only the chain's layout matters. */
    private static DoctorReport againstIntermediateChain(BadCertificates.Paths p) throws Exception {
        Path bothCas = dir.resolve(p.cert().getFileName() + "-trust.pem");
        Files.writeString(bothCas, Files.readString(certs.resolve(ClusterCertificates.CA_CERT)) + Files.readString(p.ca()));
        Path trustNearCerts = certs.resolve(bothCas.getFileName());
        Files.copy(bothCas, trustNearCerts);
        // The JDK engine serves the chain as written; BoringSSL refuses to serve a misordered one at all.
        TransportSecurity server = new TransportSecurity.Tls(new TlsFiles(trustNearCerts, p.cert(), p.key()),
                TlsContexts.Engine.JDK, TlsContexts.FileCheck.LOAD_ONLY);
        return doctorAgainst(server, Optional.of(new TlsFiles(trustNearCerts, agent1().cert(), agent1().key())));
    }

    @Test
    void expiredServerCertificate() throws Exception {
        BadCertificates.Paths p = bad.expired("expired-server");
        assertFail(doctorAgainst(serving(new TlsFiles(p.ca(), p.cert(), p.key())), Optional.of(agent1())),
                "tls-handshake", DisconnectCause.TLS_CERT_EXPIRED);
    }

    @Test
    void notYetValidServerCertificateGivesTheClockSkewHint() throws Exception {
        BadCertificates.Paths p = bad.notYetValid("future-server");
        DoctorReport report = doctorAgainst(serving(new TlsFiles(p.ca(), p.cert(), p.key())), Optional.of(agent1()));
        assertFail(report, "tls-handshake", DisconnectCause.TLS_CERT_NOT_YET_VALID);
        assertThat(report.result("tls-handshake").orElseThrow().measured()).contains("clock-skew hint");
    }

    @Test
    void serverCertificateForAnotherHostname() throws Exception {
        BadCertificates.Paths p = bad.wrongHostname("elsewhere-server", "elsewhere.example");
        assertFail(doctorAgainst(serving(new TlsFiles(p.ca(), p.cert(), p.key())), Optional.of(agent1())),
                "tls-handshake", DisconnectCause.TLS_HOSTNAME_MISMATCH);
    }

    @Test
    void clientCertificateTheServerRefuses() throws Exception {
        BadCertificates.Paths p = bad.fromAnotherCa("stranger-client");
        assertFail(doctorAgainst(serving(TlsFiles.fromDir(certs, ClusterCertificates.COORDINATOR)),
                Optional.of(new TlsFiles(p.ca(), p.cert(), p.key()))), "tls-handshake", DisconnectCause.TLS_CLIENT_CERT_REFUSED);
    }

    @Test
    void coordinatorOfAnotherProtocolVersion() throws Exception {
        try (CoordinatorServer coordinator = coordinator(serving(TlsFiles.fromDir(certs, ClusterCertificates.COORDINATOR)))) {
            DoctorReport report = Doctor.run(options(coordinator.port(), Optional.of(agent1())).withProtocolRange(90, 91));
            assertFail(report, "protocol", DisconnectCause.PROTOCOL_VERSION_UNSUPPORTED);
            assertThat(report.result("clock-skew").orElseThrow().verdict()).isEqualTo(Verdict.SKIPPED);
        }
    }

    @Test
    void skewedClockFails() throws Exception {
        try (CoordinatorServer coordinator = coordinator(serving(TlsFiles.fromDir(certs, ClusterCertificates.COORDINATOR)))) {
            DoctorReport report = Doctor.run(options(coordinator.port(), Optional.of(agent1()))
                    .withClock(Clock.offset(CLOCK, Duration.ofSeconds(5))));
            System.out.println(report.text());
            CheckResult skew = report.result("clock-skew").orElseThrow();
            assertThat(skew.verdict()).as(report.text()).isEqualTo(Verdict.FAIL);
            assertThat(skew.measured()).containsPattern("behind ours by (49\\d\\d|50\\d\\d) ms");
            DoctorReport slight = Doctor.run(options(coordinator.port(), Optional.of(agent1()))
                    .withClock(Clock.offset(CLOCK, Duration.ofMillis(-700))));
            assertThat(slight.result("clock-skew").orElseThrow().verdict()).as(slight.text()).isEqualTo(Verdict.WARN);
        }
    }

    @Test
    void unresolvableHostFailsNameResolution() {
        DoctorReport report = Doctor.run(DoctorOptions.of(new HostAndPort("doctor-test.invalid", 7400),
                Optional.of(agent1()), base, true).withProcDir(proc));
        assertFail(report, "resolve", DisconnectCause.NAME_RESOLUTION_FAILED);
        assertThat(report.result("tcp-connect").orElseThrow().verdict()).isEqualTo(Verdict.SKIPPED);
    }

    @Test
    void localTimingThatDisagreesWithTheCoordinatorWarnsNamingBothValues() throws Exception {
        try (CoordinatorServer coordinator = coordinator(serving(TlsFiles.fromDir(certs, ClusterCertificates.COORDINATOR)))) {
            io.graphagent.config.SessionConfig s = base.session();
            GraphagentConfig local = new GraphagentConfig(base.profile(), base.cluster(), base.coordinator(), base.agent(),
                    new io.graphagent.config.SessionConfig(s.heartbeatInterval().multipliedBy(2), s.leaseTtl(),
                            s.suspectAfter(), s.reconnect()),
                    base.grpc(), base.tls(), base.network(), base.job(), base.admin());
            DoctorOptions options = new DoctorOptions(new HostAndPort("127.0.0.1", coordinator.port()), Optional.of(agent1()),
                    local, true, CLOCK, DoctorOptions.CONNECT_TIMEOUT, base.tls().handshakeTimeout(),
                    DoctorOptions.CALL_DEADLINE, 1, 1, proc);
            DoctorReport report = Doctor.run(options);
            System.out.println(report.text());
            CheckResult timing = report.result("timing").orElseThrow();
            assertThat(timing.verdict()).as(report.text()).isEqualTo(Verdict.WARN);
            assertThat(timing.measured()).contains("session.heartbeat-interval").contains("250ms").contains("500ms");
            assertThat(report.exitCode()).isEqualTo(DoctorReport.EXIT_WARN);
        }
    }

    @Test
    void aListenerThatDropsConnectionAttemptsIsAConnectTimeoutNotARefusal() throws Exception {
        // A full accept queue makes Linux drop further SYNs without an answer: on 127.0.0.1,
        // exactly what a firewall dropping packets looks like to the dialling side.
        Duration timeout = Duration.ofMillis(300);
        try (ServerSocket deaf = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            List<Socket> queued = new ArrayList<>();
            try {
                boolean full = false;
                for (int i = 0; i < 16 && !full; i++) {
                    Socket socket = new Socket();
                    queued.add(socket);
                    try {
                        socket.connect(deaf.getLocalSocketAddress(), (int) timeout.toMillis());
                    } catch (SocketTimeoutException e) {
                        full = true;
                    }
                }
                assertThat(full).as("the accept queue filled up").isTrue();
                DoctorReport report = Doctor.run(options(deaf.getLocalPort(), Optional.of(agent1())).withConnectTimeout(timeout));
                assertFail(report, "tcp-connect", DisconnectCause.CONNECT_TIMEOUT);
                assertThat(report.result("tcp-connect").orElseThrow().measured()).contains("no answer within 300 ms");
                assertThat(report.result("tls-handshake").orElseThrow().verdict()).isEqualTo(Verdict.SKIPPED);
            } finally {
                for (Socket socket : queued) {
                    socket.close();
                }
            }
        }
    }

    @Test
    void aServerThatAcceptsButNeverAnswersTheHandshakeTimesOut() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 16, InetAddress.getLoopbackAddress())) {
            List<Socket> held = new java.util.concurrent.CopyOnWriteArrayList<>();
            Thread acceptor = Thread.ofVirtual().start(() -> {
                try {
                    while (true) {
                        held.add(silent.accept());
                    }
                } catch (java.io.IOException closed) {
                    // the test is over
                }
            });
            try {
                long start = System.nanoTime();
                DoctorReport report = Doctor.run(options(silent.getLocalPort(), Optional.of(agent1())));
                Duration took = Duration.ofNanos(System.nanoTime() - start);
                assertThat(report.result("tcp-connect").orElseThrow().verdict()).as(report.text()).isEqualTo(Verdict.PASS);
                assertFail(report, "tls-handshake", DisconnectCause.TLS_HANDSHAKE_TIMEOUT);
                assertThat(took).as("bounded by the handshake deadline, not hanging")
                        .isLessThan(base.tls().handshakeTimeout().plusSeconds(5));
            } finally {
                silent.close();
                acceptor.join();
                for (Socket socket : held) {
                    socket.close();
                }
            }
        }
    }

    @Test
    void anAgentWhoseDataPortIsClosedFailsTheAgentPortsCheckNamingIt() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        try (CoordinatorServer coordinator = coordinator(serving(TlsFiles.fromDir(certs, ClusterCertificates.COORDINATOR)))) {
            GraphagentConfig agentConfig = new GraphagentConfig(base.profile(), base.cluster(), base.coordinator(),
                    new AgentConfig(new HostPort("127.0.0.1", coordinator.port()), base.agent().dataListen(),
                            Optional.empty(), "", dir.resolve("work")),
                    base.session(), base.grpc(), base.tls(), base.network(), base.job(), base.admin());
            String agent = ClusterCertificates.agentName(1);
            try (SessionClient client = new SessionClient(SessionSettings.from(agentConfig, agent), serving(agent1()),
                    new ClosedDataPort("127.0.0.1:" + closed), CLOCK, Ticker.system())) {
                client.start();
                Awaitility.await().atMost(Duration.ofSeconds(10))
                        .until(() -> coordinator.directory().state(agent) == AgentState.ALIVE);
                DoctorReport report = Doctor.run(options(coordinator.port(), Optional.of(agent1())));
                assertFail(report, "agent-ports", DisconnectCause.CONNECTION_REFUSED);
                assertThat(report.result("agent-ports").orElseThrow().measured())
                        .contains(agent + "@127.0.0.1:" + closed + " connection_refused");
            }
        }
    }

    /** An agent's job layer that advertises a data port nothing listens on and runs no command. */
    private record ClosedDataPort(String dataAddress) implements CommandHandler {
        @Override
        public java.util.Map<String, List<Integer>> heldPartitions() {
            return java.util.Map.of();
        }

        @Override
        public void onCommand(Command command, CoordinatorLink link) {
            throw new AssertionError("no job runs in this test: " + command);
        }

        @Override
        public void onFenced(String reason) {
        }

        @Override
        public void close() {
        }
    }

    @Test
    void aCoordinatorAcceptingSmallerMessagesThanOurConfigWarnsNamingBothLimits() throws Exception {
        io.graphagent.config.GrpcConfig g = base.grpc();
        long small = 256 * 1024;
        GraphagentConfig smaller = new GraphagentConfig(base.profile(), base.cluster(), base.coordinator(), base.agent(),
                base.session(), new io.graphagent.config.GrpcConfig(g.keepaliveTime(), g.keepaliveTimeout(),
                        g.permitKeepaliveTime(), small), base.tls(), base.network(), base.job(), base.admin());
        assertThat(g.maxMessageSize()).isGreaterThan(small);
        try (CoordinatorServer coordinator = CoordinatorServer.start(smaller,
                serving(TlsFiles.fromDir(certs, ClusterCertificates.COORDINATOR)),
                directory -> new JobScheduler(directory, smaller, CLOCK), CLOCK)) {
            DoctorReport report = Doctor.run(options(coordinator.port(), Optional.of(agent1())));
            System.out.println(report.text());
            CheckResult large = report.result("large-message").orElseThrow();
            assertThat(large.verdict()).as(report.text()).isEqualTo(Verdict.WARN);
            assertThat(large.measured()).contains("the coordinator accepts only 256KiB");
            assertThat(large.fix()).contains("grpc.max-message-size");
        }
    }

    @Test
    void aMiddleboxThatBreaksLargeMessagesFailsTheLargeMessageCheckNamingTheSize() throws Exception {
        try (CoordinatorServer coordinator = coordinator(serving(TlsFiles.fromDir(certs, ClusterCertificates.COORDINATOR)));
             FaultProxy middlebox = FaultProxy.start("middlebox",
                     new java.net.InetSocketAddress("127.0.0.1", coordinator.port()))) {
            middlebox.mode(new FaultProxy.CutAfter(768 * 1024));
            DoctorReport report = Doctor.run(options(middlebox.port(), Optional.of(agent1())));
            System.out.println(report.text());
            CheckResult large = report.result("large-message").orElseThrow();
            assertThat(large.verdict()).as(report.text()).isEqualTo(Verdict.FAIL);
            assertThat(large.measured()).contains("a probe of 1048576 bytes both ways broke after [64KiB, 256KiB] passed");
            assertThat(large.fix()).contains("lower grpc.max-message-size below 1048576 bytes");
            assertThat(report.result("protocol").orElseThrow().verdict()).as("small messages pass").isEqualTo(Verdict.PASS);
        }
    }

    @Test
    void aQuietConnectionThatOutlivesTheWaitPassesTheIdleConnectionCheck() throws Exception {
        try (CoordinatorServer coordinator = coordinator(serving(TlsFiles.fromDir(certs, ClusterCertificates.COORDINATOR)))) {
            DoctorReport report = Doctor.run(options(coordinator.port(), Optional.of(agent1())).withIdleWait(Duration.ofSeconds(1)));
            CheckResult idle = report.result(IdleConnectionCheck.NAME).orElseThrow();
            assertThat(idle.verdict()).as(report.text()).isEqualTo(Verdict.PASS);
            assertThat(idle.measured()).startsWith("a quiet connection stayed open for 1.0 s (the wait asked for; the keepalive"
                    + " time is 10s)");
        }
    }

    @Test
    void largePacketsLostWhileSmallOnesPassAreAnMtuBlackHoleThatExplainsAStalledHandshake() {
        BiFunction<Integer, Boolean, PathProbe.Exchange> probe = (bytes, answered) ->
                new PathProbe.Exchange(new PathProbe.Header(bytes, 16),
                        answered ? PathProbe.Outcome.ANSWERED : PathProbe.Outcome.SILENT,
                        Duration.ofMillis(answered ? 1 : 1500), Optional.empty(), answered ? "" : "received 0 of 16 bytes in 1500 ms");
        List<Integer> packets = List.of(576, 1280, 1400, 1500, 9000);
        List<PathProbe.Exchange> lostAbove1400 = packets.stream().map(p -> probe.apply(p - 52, p <= 1400)).toList();
        CheckResult result = PathMtuCheck.judge(packets, lostAbove1400, lostAbove1400, 9000, Duration.ofMillis(1500));
        assertThat(result.line()).isEqualTo("FAIL    path-mtu        toward the coordinator packets up to 1400 bytes pass, [1500, 9000]"
                + " bytes are lost; back packets up to 1400 bytes pass, [1500, 9000] bytes are lost; this host's link MTU is 9000"
                + " (lost: no answer within 1500 ms) [cause=path_mtu_blackhole] -- fix: "
                + DisconnectCause.PATH_MTU_BLACKHOLE.explanation());
        List<PathProbe.Exchange> allPass = packets.stream().map(p -> probe.apply(p - 52, true)).toList();
        assertThat(PathMtuCheck.judge(packets, allPass, allPass, 9000, Duration.ofMillis(1500)).verdict()).isEqualTo(Verdict.PASS);
    }

    @Test
    void aHandshakeThatTakesSecondsOnAFastConnectIsAWarningNotAPass() throws Exception {
        try (CoordinatorServer coordinator = coordinator(serving(TlsFiles.fromDir(certs, ClusterCertificates.COORDINATOR)));
             FaultProxy slow = FaultProxy.start("slow", new java.net.InetSocketAddress("127.0.0.1", coordinator.port()))) {
            // Each way 400 ms: the TCP connect (to the proxy) is instant, the handshake and first read take 1.6 s or more.
            slow.mode(new FaultProxy.Latency(Duration.ofMillis(400), Duration.ZERO));
            DoctorOptions options = options(slow.port(), Optional.of(agent1()));
            TlsCheck.Result tls = TlsCheck.run(options, new java.net.InetSocketAddress("127.0.0.1", slow.port()), agent1(),
                    agent1().load());
            System.out.println(tls.verdict().line());
            assertThat(tls.verdict().verdict()).as(tls.verdict().line()).isEqualTo(Verdict.WARN);
            assertThat(tls.verdict().measured()).contains("slower than 1000 ms (half the handshake timeout 1500 ms, at least 1 s)");
            assertThat(tls.verdict().fix()).contains("packets were lost and sent again");
        }
    }
}
