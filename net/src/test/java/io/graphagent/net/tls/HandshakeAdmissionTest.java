package io.graphagent.net.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.graphagent.net.cause.CauseCounter;
import io.graphagent.net.certs.ClusterCertificates;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A listener runs at most {@link HandshakeAdmission#MAX_CONCURRENT} TLS handshakes at once: a
 * connection beyond them is closed at once, unhandshaken, and a place given back lets the next
 * one in. Real sockets and real TLS on 127.0.0.1.
 */
class HandshakeAdmissionTest {

    @TempDir
    Path dir;

    @Test
    void placesAreTakenUpToTheLimitAndGivenBack() {
        HandshakeAdmission admission = new HandshakeAdmission(2);
        assertThat(admission.tryEnter()).isTrue();
        assertThat(admission.tryEnter()).isTrue();
        assertThat(admission.tryEnter()).isFalse();
        assertThat(admission.refused()).isEqualTo(1);
        admission.leave();
        assertThat(admission.tryEnter()).isTrue();
        assertThat(admission.inFlight()).isEqualTo(2);
        assertThatThrownBy(() -> new HandshakeAdmission(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aConnectionBeyondTheHandshakesRunningIsClosedAtOnceAndAFreedPlaceAdmitsAClientAgain() throws Exception {
        ClusterCertificates.init(dir, 1, List.of(), Duration.ofDays(1), Clock.systemUTC());
        List<Socket> silent = new ArrayList<>();
        try (NetworkThreads threads = NetworkThreads.start("admission-test", 2)) {
            Server server = Servers.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                    TransportSecurity.tls(TlsFiles.fromDir(dir, "coordinator")), Duration.ofSeconds(20), new CauseCounter(),
                    threads).addService(Echo.service()).build().start();
            try {
                // Clients that connect and say nothing hold a handshake each until the 20 s timeout.
                for (int i = 0; i < HandshakeAdmission.MAX_CONCURRENT; i++) {
                    Socket s = new Socket(InetAddress.getLoopbackAddress(), server.getPort());
                    s.setSoTimeout(300);
                    silent.add(s);
                }
                for (Socket s : silent) {
                    assertThat(stillOpen(s)).as("an admitted handshake waits for its ClientHello").isTrue();
                }
                try (Socket extra = new Socket(InetAddress.getLoopbackAddress(), server.getPort())) {
                    extra.setSoTimeout(10_000);
                    assertThat(extra.getInputStream().read()).as("closed at once, no handshake").isEqualTo(-1);
                }

                silent.removeFirst().close();
                ManagedChannel channel = null;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                byte[] answer = null;
                // The freed place is given back when the server sees the close: retry briefly, as a client's backoff would.
                while (answer == null && System.nanoTime() < deadline) {
                    channel = Channels.client(new HostAndPort("127.0.0.1", server.getPort()),
                            TransportSecurity.tls(TlsFiles.fromDir(dir, "agent-1")),
                            new Channels.ClientTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(5)),
                            threads);
                    try {
                        answer = Echo.call(channel, "hello".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                                Duration.ofSeconds(5));
                    } catch (RuntimeException e) {
                        channel.shutdownNow();
                    }
                }
                assertThat(answer).isEqualTo("hello".getBytes(java.nio.charset.StandardCharsets.UTF_8));
                channel.shutdownNow();
            } finally {
                for (Socket s : silent) {
                    s.close();
                }
                server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    private static boolean stillOpen(Socket socket) throws Exception {
        InputStream in = socket.getInputStream();
        try {
            return in.read() != -1;
        } catch (java.net.SocketTimeoutException e) {
            return true;
        }
    }
}
