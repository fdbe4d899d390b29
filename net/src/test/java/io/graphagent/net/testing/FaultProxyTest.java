package io.graphagent.net.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link FaultProxy} in front of an echo server on 127.0.0.1. */
@Timeout(60)
class FaultProxyTest {
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

    private ServerSocket echo;
    private FaultProxy proxy;

    @BeforeEach
    void startEcho() throws IOException {
        echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::serveEcho, "echo-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        proxy = FaultProxy.start("test", new java.net.InetSocketAddress(echo.getInetAddress(), echo.getLocalPort()));
    }

    @AfterEach
    void stop() throws IOException {
        proxy.close();
        echo.close();
    }

    @Test
    void passForwardsBothWaysInOrder() throws IOException {
        try (Socket socket = dial()) {
            byte[] sent = pattern(200_000);
            byte[] got = roundTrip(socket, sent);
            assertThat(got).isEqualTo(sent);
        }
        assertThat(proxy.accepted()).isEqualTo(1);
    }

    @Test
    void latencyDelaysEveryChunkByAtLeastTheBaseEachWayAndKeepsOrder() throws IOException {
        Duration base = Duration.ofMillis(150);
        proxy.mode(new FaultProxy.Latency(base, Duration.ofMillis(50)));
        try (Socket socket = dial()) {
            for (int i = 0; i < 3; i++) {
                byte[] sent = pattern(10_000 + i);
                long t0 = System.nanoTime();
                byte[] got = roundTrip(socket, sent);
                Duration took = Duration.ofNanos(System.nanoTime() - t0);
                assertThat(got).isEqualTo(sent);
                // Through the proxy twice: out to the echo server and back.
                assertThat(took).isGreaterThanOrEqualTo(base.multipliedBy(2));
            }
            proxy.mode(FaultProxy.PASS);
            long t0 = System.nanoTime();
            roundTrip(socket, pattern(100));
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("latency off again").isLessThan(base.multipliedBy(2));
        }
    }

    @Test
    void blackHoleForwardsNothingAndResetsNothingUntilTheLinkIsRestored() throws IOException {
        try (Socket socket = dial()) {
            assertThat(roundTrip(socket, pattern(10))).isEqualTo(pattern(10));
            proxy.mode(FaultProxy.BLACK_HOLE);
            byte[] sent = pattern(1000);
            socket.getOutputStream().write(sent);
            socket.setSoTimeout(500);
            assertThatThrownBy(() -> socket.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);

            // A new connection is accepted but goes nowhere either.
            try (Socket second = dial()) {
                second.getOutputStream().write(1);
                second.setSoTimeout(300);
                assertThatThrownBy(() -> second.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
            }

            // Healed: what was held goes through, the connection was never reset.
            proxy.mode(FaultProxy.PASS);
            socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
            byte[] got = new byte[sent.length];
            new DataInputStream(socket.getInputStream()).readFully(got);
            assertThat(got).isEqualTo(sent);
        }
        assertThat(proxy.resets()).isZero();
    }

    @Test
    void resetEveryAbortsLiveConnectionsWithReset() throws IOException {
        try (Socket socket = dial()) {
            assertThat(roundTrip(socket, pattern(10))).isEqualTo(pattern(10));
            proxy.mode(new FaultProxy.ResetEvery(Duration.ofMillis(200)));
            socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
            assertThatThrownBy(() -> socket.getInputStream().read())
                    .isInstanceOf(SocketException.class).hasMessageContaining("reset");
        }
        // The client may see the RST a moment before the proxy counts it.
        await().atMost(Duration.ofSeconds(5)).until(() -> proxy.resets() >= 1);
        // A new connection is reset again at a later tick.
        try (Socket again = dial()) {
            again.getOutputStream().write(1);
            await().atMost(Duration.ofSeconds(10)).until(() -> proxy.resets() >= 2);
        }
        proxy.mode(FaultProxy.PASS);
        int resets = proxy.resets();
        try (Socket calm = dial()) {
            for (int i = 0; i < 5; i++) {
                assertThat(roundTrip(calm, pattern(10))).isEqualTo(pattern(10));
            }
        }
        assertThat(proxy.resets()).as("no resets once back to PASS").isEqualTo(resets);
    }

    @Test
    void cutAfterPassesSmallTrafficAndResetsTheConnectionThatExceedsItsBudget() throws IOException {
        proxy.mode(new FaultProxy.CutAfter(100_000));
        try (Socket socket = dial()) {
            assertThat(roundTrip(socket, pattern(60_000))).isEqualTo(pattern(60_000));
            assertThatThrownBy(() -> roundTrip(socket, pattern(60_000)))
                    .isInstanceOf(java.io.IOException.class);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> proxy.resets() == 1);
        try (Socket fresh = dial()) {
            assertThat(roundTrip(fresh, pattern(60_000))).as("the budget is per connection").isEqualTo(pattern(60_000));
        }
    }

    private Socket dial() throws IOException {
        Socket socket = new Socket(proxy.address().getAddress(), proxy.port());
        socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
        return socket;
    }

    /** Writes {@code bytes} and reads as many back. */
    private static byte[] roundTrip(Socket socket, byte[] bytes) throws IOException {
        OutputStream out = socket.getOutputStream();
        Thread writer = new Thread(() -> {
            try {
                out.write(bytes);
                out.flush();
            } catch (IOException e) {
                // The read below fails too and says why.
            }
        }, "echo-client-write");
        writer.start();
        byte[] got = new byte[bytes.length];
        new DataInputStream(socket.getInputStream()).readFully(got);
        return got;
    }

    private static byte[] pattern(int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (i * 31 + length);
        }
        return bytes;
    }

    private void serveEcho() {
        while (!echo.isClosed()) {
            try {
                Socket s = echo.accept();
                Thread t = new Thread(() -> {
                    try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                        byte[] buffer = new byte[8192];
                        for (int n; (n = in.read(buffer)) >= 0; ) {
                            out.write(buffer, 0, n);
                        }
                    } catch (IOException e) {
                        // The client went away or was reset.
                    }
                }, "echo");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }
}
