package io.graphagent.ops.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.graphagent.config.CoordinatorConfig;
import io.graphagent.config.GraphagentConfig;
import io.graphagent.config.HostPort;
import io.graphagent.ops.metrics.ControlPlaneMetrics;
import io.graphagent.net.testing.FakeClock;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A coordinator standing by serves health, a 503 readiness naming the leader, and the
 * control-plane gauges as they are at each scrape, and gives its port back when closed.
 */
class StandbyAdminTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void aStandbyServesTheControlPlaneGaugesAndIsNotReady() throws Exception {
        Path state = Files.createTempDirectory("graphagent-standby-admin");
        GraphagentConfig d = GraphagentConfig.defaults();
        GraphagentConfig config = new GraphagentConfig(d.profile(), d.cluster(), new CoordinatorConfig(
                new HostPort("127.0.0.1", 7400), new HostPort("127.0.0.1", 0), state, d.coordinator().store(),
                d.coordinator().etcd()), d.agent(), d.session(), d.grpc(), d.tls(), d.network(), d.job(), d.admin(), d.query());
        AtomicBoolean quorum = new AtomicBoolean(true);
        AtomicInteger down = new AtomicInteger();
        AtomicLong term = new AtomicLong(3);
        int port;
        try (StandbyAdmin admin = StandbyAdmin.start(config, new ControlPlaneMetrics.Source(quorum::get, down::get,
                () -> false, term::get), () -> "standing by: the leader is c-1 at 10.0.0.1:7400", new FakeClock())) {
            port = admin.port();
            assertThat(get(port, "/healthz").statusCode()).isEqualTo(200);
            HttpResponse<String> ready = get(port, "/readyz");
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).contains("standing by: the leader is c-1 at 10.0.0.1:7400");
            assertThat(metrics(port)).contains("graphagent_etcd_quorum 1.0", "graphagent_etcd_members_down 0.0",
                    "graphagent_coordinator_leading 0.0", "graphagent_leader_term 3.0");

            quorum.set(false);
            down.set(2);
            term.set(0);
            assertThat(metrics(port)).contains("graphagent_etcd_quorum 0.0", "graphagent_etcd_members_down 2.0",
                    "graphagent_coordinator_leading 0.0", "graphagent_leader_term 0.0");
        }
        // The port is free again for the leader's admin server.
        try (java.net.ServerSocket again = new java.net.ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
            assertThat(again.getLocalPort()).isEqualTo(port);
        }
    }

    private static String metrics(int port) throws Exception {
        HttpResponse<String> r = get(port, "/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
