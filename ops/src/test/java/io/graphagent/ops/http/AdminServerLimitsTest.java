package io.graphagent.ops.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.graphagent.config.HostPort;
import io.graphagent.ops.events.EventLog;
import io.graphagent.ops.metrics.ClusterMetrics;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The admin server under abuse, on a real socket: clients that send a request line and one
 * header and then nothing (two of them froze the JDK server's two threads: /healthz, /metrics,
 * the dashboard, events and log-level stopped answering), more of them than the connection
 * limit, oversized headers; and its token rules.
 */
class AdminServerLimitsTest {
    private static final Clock CLOCK = Clock.systemUTC();
    private static final String TOKEN = "limits-test-token-0123456789";
    private static final Duration ANSWER = Duration.ofSeconds(10);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(ANSWER).build();

    private AdminServer server;
    private final List<Socket> sockets = new ArrayList<>();

    @AfterEach
    void close() throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private AdminServer start(String token) throws IOException {
        server = AdminServer.start("coordinator", new HostPort("127.0.0.1", 0), token, new ClusterMetrics(CLOCK),
                EventLog.inMemory(CLOCK), new AdminServer.Views(Optional::empty, List::of, List::of));
        return server;
    }

    /** A client that sent the request line and one header of a request, and then stays silent. */
    private Socket silentAfterOneHeader() throws IOException {
        Socket s = new Socket("127.0.0.1", server.port());
        sockets.add(s);
        OutputStream out = s.getOutputStream();
        out.write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return s;
    }

    private HttpResponse<String> send(String method, String path, String token) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).timeout(ANSWER)
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            r.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void fiftyClientsSilentAfterOneHeaderDoNotStopHealthzMetricsOrTheApi() throws Exception {
        start(TOKEN);
        for (int i = 0; i < 50; i++) {
            silentAfterOneHeader();
        }

        assertThat(send("GET", "/healthz", null).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/metrics", TOKEN).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/api/loggers/ROOT", TOKEN).body()).contains("\"effective\"");
    }

    @Test
    void aSilentClientIsCutAtTheReadDeadline() throws Exception {
        start(TOKEN);
        Socket silent = silentAfterOneHeader();
        silent.setSoTimeout((int) ANSWER.toMillis());
        long t0 = System.nanoTime();

        InputStream in = silent.getInputStream();
        byte[] buffer = new byte[4096];
        int n;
        try {
            while ((n = in.read(buffer)) > 0) {
                // an error response (408), then the close
                assertThat(n).isPositive();
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server kept a silent connection open for " + ANSWER, e);
        } catch (IOException reset) {
            // closed by the server: as good as the end of stream
        }

        Duration held = Duration.ofNanos(System.nanoTime() - t0);
        assertThat(held).isLessThan(AdminLimits.IDLE_TIMEOUT.plus(Duration.ofSeconds(4)));
    }

    @Test
    void moreSilentClientsThanTheConnectionLimitStillLetHealthzThrough() throws Exception {
        start(TOKEN);
        for (int i = 0; i < AdminLimits.MAX_CONNECTIONS + 16; i++) {
            silentAfterOneHeader();
        }

        assertThat(send("GET", "/healthz", null).statusCode()).isEqualTo(200);
    }

    @Test
    void anOversizedHeaderIsRefusedWith431() throws Exception {
        start(TOKEN);
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/healthz"))
                .header("X-Junk", "x".repeat(AdminLimits.MAX_HEADER_BYTES + 1)).timeout(ANSWER).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(r.statusCode()).isEqualTo(431);
    }

    @Test
    void aNonLoopbackAddressWithoutATokenRefusesToStartWithTheFix() {
        assertThatThrownBy(() -> AdminServer.start("coordinator", new HostPort("0.0.0.0", 0), "", new ClusterMetrics(CLOCK),
                EventLog.inMemory(CLOCK), new AdminServer.Views(Optional::empty, List::of, List::of)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("would listen on 0.0.0.0:0 (coordinator.admin-listen)")
                .hasMessageContaining("Fix: set GRAPHAGENT_ADMIN_TOKEN (or admin.token)");
    }

    @Test
    void withoutATokenOnLoopbackReadsAreOpenButLogLevelsCannotBeChanged() throws Exception {
        start("");

        assertThat(send("GET", "/api/loggers/ROOT", null).statusCode()).isEqualTo(200);
        HttpResponse<String> off = send("PUT", "/api/loggers/ROOT?level=OFF", null);
        assertThat(off.statusCode()).isEqualTo(403);
        assertThat(off.body()).contains("changing state needs admin.token, also on loopback");
        assertThat(send("GET", "/api/loggers/ROOT", null).body()).doesNotContain("\"OFF\"");
    }

    @Test
    void withATokenAChangeWithoutItIs401AndAnUnknownLoggerIs404() throws Exception {
        start(TOKEN);

        assertThat(send("PUT", "/api/loggers/ROOT?level=OFF", null).statusCode()).isEqualTo(401);
        HttpResponse<String> unknown = send("GET", "/api/loggers/no.such.logger", TOKEN);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("no logger 'no.such.logger' in this process");
        assertThat(send("PUT", "/api/loggers/no.such.logger?level=DEBUG", TOKEN).statusCode()).isEqualTo(404);
    }

    @Test
    void theServerStopsItsThreads() throws Exception {
        start(TOKEN);
        await().atMost(ANSWER).until(() -> send("GET", "/healthz", null).statusCode() == 200);
        server.close();
        server = null;

        await().atMost(ANSWER).until(() -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().startsWith("coordinator-admin")));
    }
}
