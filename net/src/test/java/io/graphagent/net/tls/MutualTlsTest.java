package io.graphagent.net.tls;

import io.graphagent.net.testing.LogCapture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.graphagent.net.cause.CauseCounter;
import io.graphagent.net.cause.DisconnectCause;
import io.graphagent.net.cause.FailureClassifier;
import io.graphagent.net.certs.BadCertificates;
import io.graphagent.net.certs.ClusterCertificates;
import io.graphagent.net.tls.Channels.ClientTimeouts;
import io.graphagent.net.tls.TlsContexts.Engine;
import io.graphagent.net.tls.TlsContexts.FileCheck;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.netty.handler.ssl.OpenSsl;
import io.grpc.stub.ClientCalls;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Real sockets, real TLS on 127.0.0.1, both TLS engines gRPC can use. Each failure is checked
 * where it shows: the client's classified status and the server's counter and log line. Where
 * the engines differ (a JDK server always answers a refused client certificate with the alert
 * certificate_unknown) the expectation says so.
 */
class MutualTlsTest {

    /** Generous for handshakes that should work: a cold JDK TLS stack needs over a second. */
    private static final ClientTimeouts CLIENT =
            new ClientTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(5));
    private static final Duration SERVER_HANDSHAKE = Duration.ofSeconds(5);
    private static final Duration CALL_DEADLINE = Duration.ofSeconds(5);

    @TempDir
    static Path dir;

    private static NetworkThreads threads;
    private static BadCertificates bad;
    private static TlsFiles coordinator;
    private static TlsFiles agent;

    private final List<AutoCloseable> resources = new ArrayList<>();

    @BeforeAll
    static void cluster() throws Exception {
        ClusterCertificates.init(dir, 2, List.of(), Duration.ofDays(1), Clock.systemUTC());
        bad = BadCertificates.in(dir, Clock.systemUTC());
        coordinator = TlsFiles.fromDir(dir, "coordinator");
        agent = TlsFiles.fromDir(dir, "agent-1");
        threads = NetworkThreads.start("test", 2);
        // Warm both TLS stacks up, so the timing assertions measure steady state, not class loading.
        for (Engine engine : availableEngines()) {
            new MutualTlsTest().mutualTlsCallSucceedsAndTheServerSeesTheAgentsSubject(engine);
        }
    }

    @AfterAll
    static void stopThreads() {
        threads.close();
    }

    @AfterEach
    void closeResources() throws Exception {
        for (AutoCloseable resource : resources.reversed()) {
            resource.close();
        }
    }

    private static List<Engine> availableEngines() {
        return OpenSsl.isAvailable() ? List.of(Engine.JDK, Engine.OPENSSL) : List.of(Engine.JDK);
    }

    private static void assumeAvailable(Engine engine) {
        assumeTrue(engine != Engine.OPENSSL || OpenSsl.isAvailable(), "BoringSSL does not load on this platform");
    }

    private static TransportSecurity tls(TlsFiles files, Engine engine) {
        return new TransportSecurity.Tls(files, engine, FileCheck.LOAD_ONLY);
    }

    private static TlsFiles files(BadCertificates.Paths paths) {
        return new TlsFiles(paths.ca(), paths.cert(), paths.key());
    }

    private record Running(Server server, CauseCounter counter) {
        int port() {
            return server.getPort();
        }
    }

    private Running serve(TransportSecurity security, Duration handshakeTimeout) throws Exception {
        CauseCounter counter = new CauseCounter();
        Server server = Servers.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), security,
                        handshakeTimeout, counter, threads)
                .addService(Echo.service())
                .build()
                .start();
        resources.add(() -> server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
        return new Running(server, counter);
    }

    private ManagedChannel dial(int port, TransportSecurity security, ClientTimeouts timeouts) throws Exception {
        ManagedChannel channel = Channels.client(new HostAndPort("127.0.0.1", port), security, timeouts, threads);
        resources.add(() -> channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
        return channel;
    }

    /** A failed echo call and how long it took to fail. */
    private record Failure(StatusRuntimeException exception, Duration elapsed) {
        DisconnectCause cause() {
            return FailureClassifier.classify(exception);
        }
    }

    private static Failure failedCall(ManagedChannel channel) {
        long start = System.nanoTime();
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
                () -> Echo.call(channel, new byte[] {1}, CALL_DEADLINE));
        assertThat(e).as("the call must fail").isNotNull();
        return new Failure(e, Duration.ofNanos(System.nanoTime() - start));
    }

    private static void awaitServerCount(Running server, DisconnectCause cause) {
        await().atMost(Duration.ofSeconds(3)).until(() -> server.counter().count(cause) == 1);
        assertThat(server.counter().snapshot()).containsOnlyKeys(cause);
    }

    @ParameterizedTest
    @EnumSource(names = {"JDK", "OPENSSL"})
    void mutualTlsCallSucceedsAndTheServerSeesTheAgentsSubject(Engine engine) throws Exception {
        assumeAvailable(engine);
        try {
            Running server = serve(tls(coordinator, engine), SERVER_HANDSHAKE);
            ManagedChannel channel = dial(server.port(), tls(agent, engine), CLIENT);

            byte[] answer = ClientCalls.blockingUnaryCall(channel, Echo.WHO_AM_I,
                    CallOptions.DEFAULT.withDeadlineAfter(CALL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS), new byte[0]);

            assertThat(new String(answer, StandardCharsets.UTF_8)).isEqualTo("CN=agent-1,OU=agent,O=graphagent TLSv1.3");
            assertThat(server.counter().snapshot()).isEmpty();
        } finally {
            closeResources();
            resources.clear();
        }
    }

    @Test
    void strictDefaultsWorkEndToEnd() throws Exception {
        Running server = serve(TransportSecurity.tls(coordinator), SERVER_HANDSHAKE);
        ManagedChannel channel = dial(server.port(), TransportSecurity.tls(agent), CLIENT);
        assertThat(Echo.call(channel, new byte[] {7, 8}, CALL_DEADLINE)).containsExactly(7, 8);
    }

    @ParameterizedTest
    @EnumSource(names = {"JDK", "OPENSSL"})
    void clientCertificateFromAnotherCaIsRefusedWithinASecondAndNamedOnBothSides(Engine engine) throws Exception {
        assumeAvailable(engine);
        try (LogCapture log = new LogCapture(ServerHandshakeObserver.class)) {
            Running server = serve(tls(coordinator, engine), SERVER_HANDSHAKE);
            ManagedChannel channel = dial(server.port(), tls(files(bad.fromAnotherCa("stranger")), engine), CLIENT);

            Failure failure = failedCall(channel);

            assertThat(failure.elapsed()).isLessThan(Duration.ofSeconds(1));
            assertThat(failure.exception().getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
            // BoringSSL sends the alert unknown_ca; the JDK server always sends certificate_unknown.
            assertThat(failure.cause()).isEqualTo(engine == Engine.OPENSSL
                    ? DisconnectCause.TLS_UNKNOWN_CA : DisconnectCause.TLS_CLIENT_CERT_REFUSED);
            awaitServerCount(server, DisconnectCause.TLS_UNKNOWN_CA);

            String local = "local=127.0.0.1:" + server.port();
            await().atMost(Duration.ofSeconds(3)).until(() -> !log.containing(local).isEmpty());
            ILoggingEvent line = log.containing(local).get(0);
            assertThat(line.getLevel()).isEqualTo(Level.WARN);
            assertThat(line.getThrowableProxy()).as("no stack trace for an expected failure").isNull();
            assertThat(line.getFormattedMessage())
                    .startsWith("cause=tls_unknown_ca event=tls_handshake_failed side=server peer=127.0.0.1:")
                    .contains("detail=\"client certificate CN=stranger,O=graphagent is issued by CN=other CA for stranger")
                    .doesNotContain("\n");
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"JDK", "OPENSSL"})
    void clientWithoutCertificateIsToldTheCertificateIsRequired(Engine engine) throws Exception {
        assumeAvailable(engine);
        Running server = serve(tls(coordinator, engine), SERVER_HANDSHAKE);
        ManagedChannel channel = dial(server.port(),
                new TransportSecurity.Prebuilt(TlsContexts.clientWithoutCertificate(agent, engine)), CLIENT);

        // TLS 1.3 has a certificate_required alert, so the client learns the real reason.
        assertThat(failedCall(channel).cause()).isEqualTo(DisconnectCause.TLS_CLIENT_CERT_MISSING);
        awaitServerCount(server, DisconnectCause.TLS_CLIENT_CERT_MISSING);
    }

    @ParameterizedTest
    @EnumSource(names = {"JDK", "OPENSSL"})
    void expiredServerCertificateIsNamedExpiredOnBothSides(Engine engine) throws Exception {
        assumeAvailable(engine);
        Running server = serve(tls(files(bad.expired("expired-server")), engine), SERVER_HANDSHAKE);
        ManagedChannel channel = dial(server.port(), tls(agent, engine), CLIENT);

        Failure failure = failedCall(channel);
        assertThat(failure.cause()).isEqualTo(DisconnectCause.TLS_CERT_EXPIRED);
        assertThat(failure.exception()).hasStackTraceContaining("server certificate CN=expired-server,O=graphagent expired at");
        awaitServerCount(server, DisconnectCause.TLS_CERT_EXPIRED);
    }

    @ParameterizedTest
    @EnumSource(names = {"JDK", "OPENSSL"})
    void expiredClientCertificateIsNamedExpiredByTheServer(Engine engine) throws Exception {
        assumeAvailable(engine);
        Running server = serve(tls(coordinator, engine), SERVER_HANDSHAKE);
        ManagedChannel channel = dial(server.port(), tls(files(bad.expired("expired-agent")), engine), CLIENT);

        assertThat(failedCall(channel).cause()).isEqualTo(engine == Engine.OPENSSL
                ? DisconnectCause.TLS_CERT_EXPIRED : DisconnectCause.TLS_CLIENT_CERT_REFUSED);
        awaitServerCount(server, DisconnectCause.TLS_CERT_EXPIRED);
    }

    @ParameterizedTest
    @EnumSource(names = {"JDK", "OPENSSL"})
    void notYetValidServerCertificateIsNamedByTheClient(Engine engine) throws Exception {
        assumeAvailable(engine);
        Running server = serve(tls(files(bad.notYetValid("early-server")), engine), SERVER_HANDSHAKE);
        ManagedChannel channel = dial(server.port(), tls(agent, engine), CLIENT);

        assertThat(failedCall(channel).cause()).isEqualTo(DisconnectCause.TLS_CERT_NOT_YET_VALID);
        // TLS has no "not yet valid" alert: the JDK sends bad_certificate, BoringSSL certificate_expired.
        await().atMost(Duration.ofSeconds(3)).until(() -> !server.counter().snapshot().isEmpty());
        assertThat(server.counter().snapshot()).containsOnlyKeys(engine == Engine.OPENSSL
                ? DisconnectCause.TLS_CERT_EXPIRED : DisconnectCause.TLS_SERVER_CERT_REFUSED);
    }

    @ParameterizedTest
    @EnumSource(names = {"JDK", "OPENSSL"})
    void serverCertificateForAnotherHostIsAHostnameMismatch(Engine engine) throws Exception {
        assumeAvailable(engine);
        Running server = serve(tls(files(bad.wrongHostname("elsewhere", "elsewhere.example")), engine),
                SERVER_HANDSHAKE);
        ManagedChannel channel = dial(server.port(), tls(agent, engine), CLIENT);

        Failure failure = failedCall(channel);
        assertThat(failure.cause()).isEqualTo(DisconnectCause.TLS_HOSTNAME_MISMATCH);
        assertThat(failure.exception()).hasStackTraceContaining("127.0.0.1");
        awaitServerCount(server, DisconnectCause.TLS_SERVER_CERT_REFUSED);
    }

    @ParameterizedTest
    @EnumSource(names = {"JDK", "OPENSSL"})
    void serverChainWithItsIntermediateIsTrusted(Engine engine) throws Exception {
        assumeAvailable(engine);
        BadCertificates.Paths chain = bad.intermediateChain("chained", BadCertificates.ChainLayout.COMPLETE);
        // The server trusts the cluster CA for clients; the client trusts the other PKI's root.
        Running server = serve(tls(new TlsFiles(dir.resolve("ca.pem"), chain.cert(), chain.key()), engine),
                SERVER_HANDSHAKE);
        ManagedChannel channel = dial(server.port(), tls(new TlsFiles(chain.ca(), agent.cert(), agent.key()), engine),
                CLIENT);

        assertThat(Echo.call(channel, new byte[] {3}, CALL_DEADLINE)).containsExactly(3);
    }

    @ParameterizedTest
    @EnumSource(names = {"JDK", "OPENSSL"})
    void serverChainWithoutItsIntermediateLooksLikeAnUnknownCaToTheClient(Engine engine) throws Exception {
        assumeAvailable(engine);
        BadCertificates.Paths chain = bad.intermediateChain("partial", BadCertificates.ChainLayout.MISSING_INTERMEDIATE);
        Running server = serve(tls(new TlsFiles(dir.resolve("ca.pem"), chain.cert(), chain.key()), engine),
                SERVER_HANDSHAKE);
        ManagedChannel channel = dial(server.port(), tls(new TlsFiles(chain.ca(), agent.cert(), agent.key()), engine),
                CLIENT);

        // A verifier cannot tell a missing intermediate from a foreign CA; the detail mentions both,
        // and TlsFiles.validate on the server's files names the missing intermediate exactly.
        Failure failure = failedCall(channel);
        assertThat(failure.cause()).isEqualTo(DisconnectCause.TLS_UNKNOWN_CA);
        assertThat(failure.exception()).hasStackTraceContaining("(or its intermediate CA was not sent)");
    }

    @ParameterizedTest
    @EnumSource(names = {"JDK", "OPENSSL"})
    void serverChainOutOfOrderFailsTheHandshake(Engine engine) throws Exception {
        assumeAvailable(engine);
        BadCertificates.Paths chain = bad.intermediateChain("shuffled", BadCertificates.ChainLayout.OUT_OF_ORDER);
        Running server = serve(tls(new TlsFiles(dir.resolve("ca.pem"), chain.cert(), chain.key()), engine),
                SERVER_HANDSHAKE);
        ManagedChannel channel = dial(server.port(), tls(new TlsFiles(chain.ca(), agent.cert(), agent.key()), engine),
                CLIENT);

        // A JDK server sends the chain as written and the client names the disorder; BoringSSL
        // cannot even sign with a key that is not the first certificate's, so both ends see a
        // generic failure. STRICT file checks refuse such files before any handshake.
        assertThat(failedCall(channel).cause()).isEqualTo(engine == Engine.JDK
                ? DisconnectCause.TLS_CHAIN_INCOMPLETE : DisconnectCause.TLS_HANDSHAKE_FAILED);
    }

    @ParameterizedTest
    @EnumSource(names = {"JDK", "OPENSSL"})
    void plaintextClientOnATlsPortIsNamedOnBothSides(Engine engine) throws Exception {
        assumeAvailable(engine);
        Running server = serve(tls(coordinator, engine), SERVER_HANDSHAKE);
        ManagedChannel channel = dial(server.port(), TransportSecurity.insecure(), CLIENT);

        Failure failure = failedCall(channel);
        assertThat(failure.cause()).isEqualTo(DisconnectCause.PLAINTEXT_TO_TLS_PORT);
        assertThat(failure.elapsed()).isLessThan(Duration.ofSeconds(1));
        awaitServerCount(server, DisconnectCause.PLAINTEXT_TO_TLS_PORT);
    }

    @ParameterizedTest
    @EnumSource(names = {"JDK", "OPENSSL"})
    void tlsClientOnAPlaintextPortIsNamedOnBothSides(Engine engine) throws Exception {
        assumeAvailable(engine);
        try (LogCapture log = new LogCapture(Servers.class)) {
            Running server = serve(TransportSecurity.insecure(), SERVER_HANDSHAKE);
            assertThat(log.containing("event=plaintext_listener")).hasSize(1);
            ManagedChannel channel = dial(server.port(), tls(agent, engine), CLIENT);

            assertThat(failedCall(channel).cause()).isEqualTo(DisconnectCause.TLS_TO_PLAINTEXT_PORT);
            awaitServerCount(server, DisconnectCause.TLS_TO_PLAINTEXT_PORT);
        }
    }

    @Test
    void closedPortIsConnectionRefused() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        ManagedChannel channel = dial(port, tls(agent, Engine.DEFAULT), CLIENT);

        Failure failure = failedCall(channel);
        assertThat(failure.cause()).isEqualTo(DisconnectCause.CONNECTION_REFUSED);
        assertThat(failure.elapsed()).isLessThan(Duration.ofSeconds(1));
    }

    @ParameterizedTest
    @EnumSource(names = {"JDK", "OPENSSL"})
    void serverThatNeverAnswersTheHandshakeTimesOutWithinTheConfiguredTime(Engine engine) throws Exception {
        assumeAvailable(engine);
        Duration handshake = Duration.ofMillis(500);
        try (ServerSocket silent = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            ManagedChannel channel = dial(silent.getLocalPort(), tls(agent, engine),
                    new ClientTimeouts(Duration.ofSeconds(2), handshake, CALL_DEADLINE));

            Failure failure = failedCall(channel);

            assertThat(failure.cause()).isEqualTo(DisconnectCause.TLS_HANDSHAKE_TIMEOUT);
            assertThat(failure.exception().getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
            assertThat(failure.elapsed()).isBetween(handshake.minusMillis(50), handshake.plusMillis(1000));
        }
    }

    @Test
    void clientThatNeverStartsTheHandshakeIsCutOffAndCountedByTheServer() throws Exception {
        Duration handshake = Duration.ofMillis(500);
        Running server = serve(tls(coordinator, Engine.DEFAULT), handshake);
        try (Socket idle = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            idle.setSoTimeout(5000);
            long start = System.nanoTime();
            InputStream in = idle.getInputStream();
            assertThat(in.read()).as("the server closes the connection").isEqualTo(-1);
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            assertThat(elapsed).isBetween(handshake.minusMillis(50), handshake.plusMillis(1000));
        }
        awaitServerCount(server, DisconnectCause.TLS_HANDSHAKE_TIMEOUT);
    }

    @Test
    void portProbeThatClosesAtOnceIsNotCountedAsAFailure() throws Exception {
        Running server = serve(tls(coordinator, Engine.DEFAULT), SERVER_HANDSHAKE);
        try (Socket probe = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            assertThat(probe.isConnected()).isTrue();
        }
        ManagedChannel channel = dial(server.port(), tls(agent, Engine.DEFAULT), CLIENT);
        assertThat(Echo.call(channel, new byte[] {1}, CALL_DEADLINE)).containsExactly(1);
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(1))
                .until(() -> server.counter().snapshot().isEmpty());
    }

    @Test
    void unaryCallWithoutADeadlineGetsTheDefaultOne() throws Exception {
        Running server = serve(tls(coordinator, Engine.DEFAULT), SERVER_HANDSHAKE);
        ManagedChannel channel = dial(server.port(), tls(agent, Engine.DEFAULT),
                new ClientTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofMillis(300)));
        // Connect first, so the measured time is the call's own.
        assertThat(Echo.call(channel, new byte[] {1}, CALL_DEADLINE)).containsExactly(1);

        long start = System.nanoTime();
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
                () -> ClientCalls.blockingUnaryCall(channel, Echo.HANG, CallOptions.DEFAULT, new byte[0]));
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

        assertThat(FailureClassifier.classify(e)).isEqualTo(DisconnectCause.DEADLINE_EXCEEDED);
        assertThat(elapsed).isBetween(Duration.ofMillis(250), Duration.ofSeconds(2));
    }

    @Test
    void plaintextClientChannelIsLoggedAsARisk() throws Exception {
        try (LogCapture log = new LogCapture(Channels.class)) {
            dial(1, TransportSecurity.insecure(), CLIENT);
            assertThat(log.containing("event=plaintext_channel target=127.0.0.1:1 risk=")).hasSize(1);
        }
    }

    @Test
    void strictServerRefusesToStartWithExpiredFiles() throws IOException {
        TlsFiles expired = files(bad.expired("expired-strict"));
        TlsFilesException e = catchThrowableOfType(TlsFilesException.class,
                () -> serve(TransportSecurity.tls(expired), SERVER_HANDSHAKE));
        assertThat(e.problem().kind()).isEqualTo(TlsProblem.Kind.EXPIRED);
    }
}
