package io.graphagent.net.path;

import static org.assertj.core.api.Assertions.assertThat;

import io.graphagent.net.cause.CauseCounter;
import io.graphagent.net.cause.DisconnectCause;
import io.graphagent.net.cause.FailureClassifier.Classification;
import io.graphagent.net.certs.ClusterCertificates;
import io.graphagent.net.tls.NetworkThreads;
import io.graphagent.net.tls.Servers;
import io.graphagent.net.tls.TlsContexts;
import io.graphagent.net.tls.TlsFiles;
import io.graphagent.net.tls.TransportSecurity;
import io.grpc.Server;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The path probe against real graphagent listeners on 127.0.0.1 (TLS and plaintext): answered
 * at every size both ways, never counted as a failed handshake; against a port that accepts and
 * never answers it is silent, against a closed port the connect's cause is kept. (Lost large
 * packets need a real path: see the network lab, NetworkLabTest.)
 */
class PathProbeTest {
    private static final Duration CONNECT = Duration.ofSeconds(2);
    private static final Duration WAIT = Duration.ofSeconds(3);

    @TempDir
    static Path dir;
    static NetworkThreads threads;
    static Server tls;
    static Server plain;
    static CauseCounter tlsFailures = new CauseCounter();
    static CauseCounter plainFailures = new CauseCounter();

    @BeforeAll
    static void servers() throws Exception {
        ClusterCertificates.init(dir, 1, List.of(), Duration.ofDays(1), Clock.systemUTC());
        threads = NetworkThreads.start("probe-test", 1);
        TransportSecurity security = new TransportSecurity.Tls(TlsFiles.fromDir(dir, "coordinator"),
                TlsContexts.Engine.DEFAULT, TlsContexts.FileCheck.LOAD_ONLY);
        tls = Servers.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), security, Duration.ofSeconds(5),
                tlsFailures, threads).build().start();
        plain = Servers.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), new TransportSecurity.Insecure(),
                Duration.ofSeconds(5), plainFailures, threads).build().start();
    }

    @AfterAll
    static void stop() throws Exception {
        tls.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        plain.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        threads.close();
    }

    private static InetSocketAddress at(Server server) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getPort());
    }

    @Test
    void everySizeIsAnsweredBothWaysByTlsAndPlaintextListenersWithoutCountingAFailedHandshake() {
        for (Server server : List.of(tls, plain)) {
            for (int size : new int[] {PathProbe.HEADER_BYTES, 1400, 9000, PathProbe.MAX_BYTES}) {
                PathProbe.Exchange up = PathProbe.exchange(at(server), size, PathProbe.HEADER_BYTES, CONNECT, WAIT);
                assertThat(up.outcome()).as("%d bytes up: %s", size, up).isEqualTo(PathProbe.Outcome.ANSWERED);
                PathProbe.Exchange down = PathProbe.exchange(at(server), PathProbe.HEADER_BYTES, size, CONNECT, WAIT);
                assertThat(down.outcome()).as("%d bytes down: %s", size, down).isEqualTo(PathProbe.Outcome.ANSWERED);
            }
        }
        PacketSizes sizes = PacketSizes.test(at(tls), CONNECT, WAIT);
        assertThat(sizes.blackHole()).as(sizes.describe()).isFalse();
        assertThat(sizes.all()).allMatch(PathProbe.Exchange::answered);
        assertThat(tlsFailures.snapshot()).isEmpty();
        assertThat(plainFailures.snapshot()).isEmpty();
    }

    @Test
    void aPortThatAcceptsAndNeverAnswersIsSilentAndAClosedPortKeepsTheConnectCause() throws Exception {
        try (ServerSocket mute = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
            PathProbe.Exchange silent = PathProbe.exchange(new InetSocketAddress(InetAddress.getLoopbackAddress(),
                    mute.getLocalPort()), 64, 64, CONNECT, Duration.ofMillis(300));
            assertThat(silent.outcome()).isEqualTo(PathProbe.Outcome.SILENT);
            assertThat(silent.detail()).contains("received 0 of 64 bytes in 300 ms");
        }
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        PathProbe.Exchange refused = PathProbe.exchange(new InetSocketAddress(InetAddress.getLoopbackAddress(), closed),
                64, 64, CONNECT, WAIT);
        assertThat(refused.outcome()).isEqualTo(PathProbe.Outcome.CONNECT_FAILED);
        assertThat(refused.connectCause()).contains(DisconnectCause.CONNECTION_REFUSED);
        Classification stalled = new Classification(DisconnectCause.TLS_HANDSHAKE_TIMEOUT, "handshake timed out");
        assertThat(PathDiagnosis.refine(stalled, new InetSocketAddress(InetAddress.getLoopbackAddress(), closed), CONNECT,
                WAIT, Path.of("/proc")).cause()).as("the port now refuses").isEqualTo(DisconnectCause.CONNECTION_REFUSED);
        assertThat(PathDiagnosis.refine(stalled, at(tls), CONNECT, WAIT, Path.of("/proc")))
                .as("a path that carries every size says nothing new").isEqualTo(stalled);
    }

    @Test
    void headersOutsideTheLimitsAreRefused() {
        byte[] header = PathProbe.message(new PathProbe.Header(64, 64), 64);
        header[PathProbe.MAGIC.length + 1] = 0x7f;
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> PathProbe.parse(header))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("outside");
    }
}
