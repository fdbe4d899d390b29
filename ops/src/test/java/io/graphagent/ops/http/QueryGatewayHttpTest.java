package io.graphagent.ops.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.graphagent.agent.AgentMain;
import io.graphagent.agent.job.AgentJobs;
import io.graphagent.config.AdminConfig;
import io.graphagent.config.AgentConfig;
import io.graphagent.config.CoordinatorConfig;
import io.graphagent.config.GraphagentConfig;
import io.graphagent.config.HostPort;
import io.graphagent.config.Profile;
import io.graphagent.coordinator.CoordinatorServer;
import io.graphagent.coordinator.job.JobScheduler;
import io.graphagent.coordinator.query.QueryAdmission;
import io.graphagent.coordinator.query.QueryException;
import io.graphagent.net.tls.TransportSecurity;
import io.graphagent.protocol.v1.DegreeReply;
import io.graphagent.protocol.v1.DegreeRequest;
import io.graphagent.protocol.v1.LoadGraphRequest;
import io.graphagent.protocol.v1.QueryGrpc;
import io.graphagent.protocol.v1.ResidentState;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The coordinator's query gateway on real sockets: a coordinator (gateway, HTTP API, admin
 * server) and one agent in this JVM, a resident graph, and {@code query.max-in-flight} = 2.
 * The dashboard's heat view is the routing table. Load shedding:
 * The test holds both places of the gateway's admission itself, so the gateway is saturated
 * deterministically: a query is then answered busy with a retry-after over HTTP (503,
 * {@code Retry-After}, JSON) and gRPC (RESOURCE_EXHAUSTED, {@code retry-after-ms} trailer) and
 * counted shed; once the places are free the same queries answer normally.
 */
class QueryGatewayHttpTest {
    private static final Clock CLOCK = Clock.systemUTC();
    private static final String TOKEN = "test-token-0123456789abcdef";
    private static final int MAX_IN_FLIGHT = 2;
    private static final long VERTEX = 2;
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    private static CoordinatorServer coordinator;
    private static CoordinatorAdmin admin;
    private static CompletableFuture<Integer> agent;
    private static final CompletableFuture<String> stop = new CompletableFuture<>();
    private static ManagedChannel channel;
    private static Path graph;

    @BeforeAll
    static void start() throws Exception {
        GraphagentConfig base = Profile.TEST.defaults();
        GraphagentConfig config = new GraphagentConfig(base.profile(), base.cluster(),
                new CoordinatorConfig(new HostPort("127.0.0.1", 0), new HostPort("127.0.0.1", 0), dir.resolve("state")),
                base.agent(), base.session(), base.grpc(), base.tls(), base.network(), base.job(), new AdminConfig(TOKEN),
                base.query().withHttpListen(new HostPort("127.0.0.1", 0)).withInFlight(MAX_IN_FLIGHT,
                        base.query().agentMaxInFlight()));
        coordinator = CoordinatorServer.start(config, TransportSecurity.insecure(),
                directory -> new JobScheduler(directory, config, CLOCK), CLOCK);
        admin = CoordinatorAdmin.start(config, coordinator, TransportSecurity.insecure(), CLOCK);
        GraphagentConfig agentConfig = new GraphagentConfig(base.profile(), base.cluster(), base.coordinator(),
                new AgentConfig(new HostPort("127.0.0.1", coordinator.port()), new HostPort("127.0.0.1", 0),
                        Optional.empty(), "agent-1", dir.resolve("agent-1")),
                base.session(), base.grpc(), base.tls(), base.network(), base.job(), base.admin(), base.query());
        AgentJobs jobs = AgentJobs.start(agentConfig, TransportSecurity.insecure());
        agent = CompletableFuture.supplyAsync(() -> AgentMain.run(agentConfig, TransportSecurity.insecure(), jobs, CLOCK, stop));
        await().atMost(Duration.ofSeconds(30)).until(() -> coordinator.directory().alive().size() == 1);

        graph = Path.of(System.getProperty("graphagent.shared", "/work/shared"), "datasets", "graphalytics",
                "example-directed");
        var online = coordinator.online().orElseThrow();
        var reply = online.graphs().load(LoadGraphRequest.newBuilder().setName("ex").setGraph(graph.toString())
                .setDirected(true).build());
        assertThat(reply.getErrorsList()).isEmpty();
        await().atMost(Duration.ofSeconds(60)).until(() -> online.graphs().list().stream()
                .anyMatch(g -> g.getName().equals("ex") && g.getState() == ResidentState.GRAPH_READY));
        channel = NettyChannelBuilder.forAddress("127.0.0.1", coordinator.port()).usePlaintext().build();
    }

    @AfterAll
    static void stop() throws Exception {
        if (channel != null) {
            channel.shutdownNow();
        }
        stop.complete("test over");
        if (agent != null) {
            agent.get(30, TimeUnit.SECONDS);
        }
        if (admin != null) {
            admin.close();
        }
        if (coordinator != null) {
            coordinator.close();
        }
    }

    @Test
    void aSaturatedGatewayAnswersBusyWithARetryAfterOnHttpAndGrpcThenAnswersNormally() throws Exception {
        long expected = Files.readAllLines(graph.resolveSibling("example-directed.e")).stream()
                .filter(l -> l.startsWith(VERTEX + " ")).count();
        assertThat(expected).isPositive();
        QueryAdmission admission = coordinator.online().orElseThrow().gateway().admission();
        QueryGrpc.QueryBlockingStub stub = QueryGrpc.newBlockingStub(channel);
        DegreeRequest degree = DegreeRequest.newBuilder().setGraph("ex").setVertex(VERTEX).build();
        assertThat(stub.withDeadlineAfter(30, TimeUnit.SECONDS).degree(degree).getOutDegree()).isEqualTo(expected);

        for (int i = 0; i < MAX_IN_FLIGHT; i++) {
            admission.admit(); // the test's own queries "in flight": the gateway is full
        }
        long shedBefore = admission.shed();
        try {
            HttpResponse<String> busy = query();
            assertThat(busy.statusCode()).as(busy.body()).isEqualTo(503);
            assertThat(busy.headers().firstValue("Retry-After")).hasValue("1");
            JsonNode body = JSON.readTree(busy.body());
            assertThat(body.get("kind").asText()).isEqualTo("busy");
            assertThat(body.get("retry_after_ms").asLong()).isPositive();
            assertThat(body.get("error").asText()).startsWith("busy: 2 queries in flight at the gateway"
                    + " (query.max-in-flight), retry after ");

            assertThatThrownBy(() -> stub.withDeadlineAfter(30, TimeUnit.SECONDS).degree(degree))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
                        assertThat(e.getStatus().getDescription()).contains("query.max-in-flight", "retry after");
                        assertThat(Long.parseLong(e.getTrailers().get(QueryException.RETRY_AFTER_MS))).isPositive();
                    });
            assertThat(admission.shed() - shedBefore).isEqualTo(2);
            assertThat(metrics()).contains("graphagent_queries_shed_total{where=\"gateway\"} " + (double) admission.shed());
        } finally {
            for (int i = 0; i < MAX_IN_FLIGHT; i++) {
                admission.done(0);
            }
        }

        HttpResponse<String> ok = query();
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        assertThat(JSON.readTree(ok.body()).get("out_degree").asLong()).isEqualTo(expected);
        DegreeReply grpc = stub.withDeadlineAfter(30, TimeUnit.SECONDS).degree(degree);
        assertThat(grpc.getOutDegree()).isEqualTo(expected);
        assertThat(admission.inFlight()).isZero();
    }

    @Test
    void theDashboardCarriesTheRoutingTableForItsHeatView() throws Exception {
        HttpResponse<String> api = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.port()
                + "/api/dashboard")).header("Authorization", "Bearer " + TOKEN).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(api.statusCode()).isEqualTo(200);
        JsonNode routing = JSON.readTree(api.body()).get("routing");
        assertThat(routing.get("policy").asText()).isEqualTo("heat");
        int partitions = coordinator.online().orElseThrow().graphs().list().get(0).getPartitions();
        assertThat(routing.get("partitions").size()).isEqualTo(partitions).isPositive();
        for (JsonNode p : routing.get("partitions")) {
            assertThat(p.get("graph").asText()).isEqualTo("ex");
            assertThat(p.get("replicas").get(0).asText()).isEqualTo("agent-1");
            assertThat(p.get("routes_to").asText()).isEqualTo("agent-1");
            assertThat(p.get("hot").asBoolean()).isFalse();
        }
        assertThat(routing.get("agents").get(0).get("agent_id").asText()).isEqualTo("agent-1");
    }

    private static HttpResponse<String> query() throws Exception {
        int port = admin.queryPort().orElseThrow();
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/query/degree?graph=ex&vertex="
                + VERTEX)).header("Authorization", "Bearer " + TOKEN).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String metrics() throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.port() + "/metrics"))
                .header("Authorization", "Bearer " + TOKEN).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }
}
