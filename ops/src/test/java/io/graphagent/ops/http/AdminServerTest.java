package io.graphagent.ops.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import ch.qos.logback.classic.LoggerContext;
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
import io.graphagent.net.tls.TransportSecurity;
import io.graphagent.ops.events.EventLog;
import io.graphagent.protocol.v1.Algorithm;
import io.graphagent.protocol.v1.JobSpec;
import io.graphagent.protocol.v1.JobState;
import io.graphagent.protocol.v1.SubmitRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A coordinator with its admin server and one real agent, in this JVM on real sockets
 * (plaintext: TLS is covered elsewhere; here the subject is the admin HTTP API).
 */
class AdminServerTest {
    private static final Clock CLOCK = Clock.systemUTC();
    private static final String TOKEN = "test-token-0123456789abcdef";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    private static CoordinatorServer coordinator;
    private static CoordinatorAdmin admin;
    private static CompletableFuture<Integer> agent;
    private static final CompletableFuture<String> stop = new CompletableFuture<>();

    @BeforeAll
    static void start() throws Exception {
        GraphagentConfig base = Profile.TEST.defaults();
        GraphagentConfig config = new GraphagentConfig(base.profile(), base.cluster(),
                new CoordinatorConfig(new HostPort("127.0.0.1", 0), new HostPort("127.0.0.1", 0), dir.resolve("state")),
                base.agent(), base.session(), base.grpc(), base.tls(), base.network(), base.job(), new AdminConfig(TOKEN))
                // The query HTTP API on any free port, not the default 7490 something else on the machine may hold.
                .withQuery(base.query().withHttpListen(new HostPort("127.0.0.1", 0)));
        coordinator = CoordinatorServer.start(config, TransportSecurity.insecure(),
                directory -> new JobScheduler(directory, config, CLOCK), CLOCK);
        admin = CoordinatorAdmin.start(config, coordinator, TransportSecurity.insecure(), CLOCK);
        GraphagentConfig agentConfig = new GraphagentConfig(base.profile(), base.cluster(), base.coordinator(),
                new AgentConfig(new HostPort("127.0.0.1", coordinator.port()), new HostPort("127.0.0.1", 0),
                        Optional.empty(), "agent-1", dir.resolve("agent-1")),
                base.session(), base.grpc(), base.tls(), base.network(), base.job(), base.admin());
        AgentJobs jobs = AgentJobs.start(agentConfig, TransportSecurity.insecure());
        agent = CompletableFuture.supplyAsync(() -> AgentMain.run(agentConfig, TransportSecurity.insecure(), jobs, CLOCK, stop));
        await().atMost(Duration.ofSeconds(30)).until(() -> coordinator.directory().alive().size() == 1);

        Path graph = Path.of(System.getProperty("graphagent.shared", "/work/shared"), "datasets", "graphalytics",
                "example-directed");
        String id = coordinator.jobs().submit(SubmitRequest.newBuilder().setJob(JobSpec.newBuilder()
                .setAlgorithm(Algorithm.WCC).setGraph(graph.toString()).setOutputPath(dir.resolve("wcc.txt").toString())
                .build()).build()).getJobId();
        await().atMost(Duration.ofSeconds(60)).until(() -> coordinator.jobs().jobs(true).stream()
                .anyMatch(j -> j.getJobId().equals(id) && j.getState() == JobState.SUCCEEDED));
    }

    @AfterAll
    static void stop() throws Exception {
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
    void metricsCarryEveryGraphagentName() throws Exception {
        await().atMost(Duration.ofSeconds(10)).until(() -> get("/metrics", TOKEN).body()
                .contains("graphagent_heartbeat_rtt_seconds_count"));
        String body = get("/metrics", TOKEN).body();
        // Labelled counters and gauges appear in the text once they have a value: check those are registered.
        List<String> registered = admin.metrics().registry().scrape().stream().map(m -> m.getMetadata().getName()).toList();
        assertThat(registered).contains("graphagent_lease_expiries", "graphagent_reconnects",
                "graphagent_tls_handshake_failures", "graphagent_certificate_expiry_timestamp_seconds",
                "graphagent_checkpoint_bytes", "graphagent_supersteps_redone", "graphagent_detection_seconds");
        for (String name : List.of("graphagent_agents{state=\"ALIVE\"} 1", "graphagent_agent_state_transitions_total",
                "graphagent_heartbeat_rtt_seconds_bucket", "graphagent_clock_skew_seconds{agent=\"agent-1\"}",
                "graphagent_superstep_duration_seconds_bucket", "graphagent_messages_sent_total",
                "graphagent_bytes_sent_total", "graphagent_messages_received_total", "graphagent_bytes_received_total",
                "graphagent_checkpoint_duration_seconds", "graphagent_recovery_duration_seconds",
                "graphagent_job_superstep{job=", "graphagent_job_last_progress_timestamp_seconds{job=",
                "graphagent_job_running", "graphagent_fenced_reports_total 0", "jvm_gc_collection_seconds", "jvm_memory_used_bytes", "jvm_threads_current")) {
            assertThat(body).as(name).contains(name);
        }
    }

    @Test
    void apiNeedsTheTokenButHealthDoesNot() throws Exception {
        assertThat(get("/metrics", null).statusCode()).isEqualTo(401);
        assertThat(get("/api/agents", "wrong").statusCode()).isEqualTo(401);
        assertThat(get("/api/agents", TOKEN).statusCode()).isEqualTo(200);
        assertThat(get("/healthz", null).statusCode()).isEqualTo(200);
        assertThat(get("/readyz", null).statusCode()).isEqualTo(200);
    }

    @Test
    void agentsListTheAgentAlive() throws Exception {
        assertThat(get("/api/agents", TOKEN).body()).contains("\"agent\":\"agent-1\"").contains("\"state\":\"ALIVE\"");
        assertThat(get("/api/jobs", TOKEN).body()).contains("\"state\":\"SUCCEEDED\"");
    }

    @Test
    void jobEventsAreInTheApiAndTheFile() throws Exception {
        assertThat(get("/api/events?since=0", TOKEN).body()).contains("\"kind\":\"job_state\"").contains("SUCCEEDED")
                .contains("\"kind\":\"agent_state\"");
        assertThat(Files.readString(dir.resolve("state").resolve(EventLog.FILE_NAME))).contains("\"cause\":\"SUCCEEDED\"");
    }

    @Test
    void logLevelSetThroughTheApiTakesEffect() throws Exception {
        HttpResponse<String> set = HTTP.send(HttpRequest.newBuilder(uri("/api/loggers/graphagent.wire"))
                .header("Authorization", "Bearer " + TOKEN)
                .PUT(HttpRequest.BodyPublishers.ofString("{\"level\":\"DEBUG\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(set.statusCode()).isEqualTo(200);
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        assertThat(context.getLogger("graphagent.wire").getLevel()).isEqualTo(Level.DEBUG);
        assertThat(get("/api/loggers/graphagent.wire", TOKEN).body()).contains("\"effective\":\"DEBUG\"");
        HttpResponse<String> bad = HTTP.send(HttpRequest.newBuilder(uri("/api/loggers/graphagent.wire?level=LOUD"))
                .header("Authorization", "Bearer " + TOKEN).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(bad.statusCode()).isEqualTo(400);
        context.getLogger("graphagent.wire").setLevel(null);
    }

    @Test
    void aStoppedAgentsLeftEventIsInTheApiAndTheFile() throws Exception {
        GraphagentConfig base = Profile.TEST.defaults();
        GraphagentConfig config = new GraphagentConfig(base.profile(), base.cluster(), base.coordinator(),
                new AgentConfig(new HostPort("127.0.0.1", coordinator.port()), new HostPort("127.0.0.1", 0),
                        Optional.empty(), "agent-leaving", dir.resolve("agent-leaving")),
                base.session(), base.grpc(), base.tls(), base.network(), base.job(), base.admin());
        CompletableFuture<String> leave = new CompletableFuture<>();
        AgentJobs jobs = AgentJobs.start(config, TransportSecurity.insecure());
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(
                () -> AgentMain.run(config, TransportSecurity.insecure(), jobs, CLOCK, leave));
        await().atMost(Duration.ofSeconds(30)).until(() -> get("/api/agents", TOKEN).body()
                .contains("{\"agent\":\"agent-leaving\",\"state\":\"ALIVE\""));
        leave.complete("test: leaving");
        assertThat(exit.get(30, TimeUnit.SECONDS)).isZero();

        String left = "\"kind\":\"agent_state\",\"agent\":\"agent-leaving\"";
        await().atMost(Duration.ofSeconds(10)).until(() -> get("/api/events?since=0", TOKEN).body().lines()
                .anyMatch(l -> l.contains(left) && l.contains("-> LEFT")));
        assertThat(Files.readAllLines(dir.resolve("state").resolve(EventLog.FILE_NAME)))
                .anyMatch(l -> l.contains(left) && l.contains("-> LEFT"));
        long last = admin.events().last().orElseThrow().seq();
        assertThat(get("/api/events?since=" + last, TOKEN).body()).isEqualTo("[]");
    }

    @Test
    void anAgentsReadyzIs200WhileItsSessionIsAliveAnd503WhileItCannotReachTheCoordinator() throws Exception {
        int closed;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        try (AgentWithAdmin lost = AgentWithAdmin.start("agent-lost", closed);
             AgentWithAdmin alive = AgentWithAdmin.start("agent-ready", coordinator.port())) {
            await().atMost(Duration.ofSeconds(30)).until(() -> get(alive.admin(), "/readyz", null).statusCode() == 200);
            assertThat(get(alive.admin(), "/readyz", null).body()).isEqualTo("ready\n");
            assertThat(get(alive.admin(), "/api/agents", TOKEN).body())
                    .contains("\"agent\":\"agent-ready\"", "\"state\":\"ALIVE\"");
            assertThat(get(alive.admin(), "/api/agents", null).statusCode()).isEqualTo(401);
            await().atMost(Duration.ofSeconds(10)).until(() -> get(alive.admin(), "/metrics", TOKEN).body()
                    .contains("graphagent_heartbeat_rtt_seconds_count"));

            await().atMost(Duration.ofSeconds(10)).until(() -> get(lost.admin(), "/api/events?since=0", TOKEN).body()
                    .contains("connection_refused"));
            HttpResponse<String> notReady = get(lost.admin(), "/readyz", null);
            assertThat(notReady.statusCode()).isEqualTo(503);
            assertThat(notReady.body()).isEqualTo("not ready: session not ALIVE (dialling or reconnecting)\n");
            assertThat(get(lost.admin(), "/healthz", null).statusCode()).isEqualTo(200);
            assertThat(get(lost.admin(), "/metrics", TOKEN).body())
                    .contains("graphagent_reconnects_total{cause=\"connection_refused\"}");
        }
    }

    @Test
    void dashboardPagesAreServedWithoutTheTokenAndTheirTypesAndPolicy() throws Exception {
        for (String path : List.of("/", "/dashboard", "/dashboard/")) {
            HttpResponse<String> page = get(path, null);
            assertThat(page.statusCode()).as(path).isEqualTo(200);
            assertThat(page.headers().firstValue("Content-Type")).as(path).hasValue("text/html; charset=utf-8");
            assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow()).startsWith("default-src 'self'");
            assertThat(page.body()).contains("<script src=\"/dashboard/dashboard.js\"").doesNotContainPattern("(src|href)=\"(https?:)?//");
        }
        assertThat(get("/dashboard/dashboard.js", null).headers().firstValue("Content-Type"))
                .hasValue("text/javascript; charset=utf-8");
        assertThat(get("/dashboard/dashboard.css", null).headers().firstValue("Content-Type"))
                .hasValue("text/css; charset=utf-8");
        assertThat(get("/dashboard/secret.txt", null).statusCode()).isEqualTo(404);
        assertThat(get("/api/dashboard", null).statusCode()).isEqualTo(401);
    }

    @Test
    void dashboardApiShowsTheCoordinatorsLeaderAndStandbysWithTermAndSince() throws Exception {
        JsonNode local = JSON.readTree(get("/api/dashboard", TOKEN).body()).path("control_plane");
        assertThat(local.path("store").asText()).isEqualTo("local");
        assertThat(local.path("coordinators").size()).isZero();

        // The etcd store's control plane as EtcdControlPlane reports it (LeaderFailoverTest and EtcdClientsTest run the real one).
        io.graphagent.protocol.v1.ControlPlane plane = io.graphagent.protocol.v1.ControlPlane.newBuilder()
                .setLeading(true).setLeaderTerm(3).setLeaderId("coordinator-2").setLeaderAddress("127.0.0.1:7402")
                .setLeaderSinceMs(1_700_000_005_000L).setEtcdHealthy(true)
                .addMembers(io.graphagent.protocol.v1.ControlPlaneMember.newBuilder().setCoordinatorId("coordinator-2")
                        .setRole("leader").setAddress("127.0.0.1:7402").setStartedTimeMs(1_700_000_000_000L))
                .addMembers(io.graphagent.protocol.v1.ControlPlaneMember.newBuilder().setCoordinatorId("coordinator-1")
                        .setRole("standby").setAddress("127.0.0.1:7401").setStartedTimeMs(1_700_000_001_000L))
                .build();
        coordinator.service().useControlPlane(new io.graphagent.coordinator.session.ControlPlaneView() {
            @Override
            public io.graphagent.protocol.LeaderTerm term() {
                return io.graphagent.protocol.LeaderTerm.of(3);
            }

            @Override
            public String store() {
                return "etcd";
            }

            @Override
            public io.graphagent.protocol.v1.ControlPlane controlPlane() {
                return plane;
            }
        });
        try {
            JsonNode d = JSON.readTree(get("/api/dashboard", TOKEN).body()).path("control_plane");
            assertThat(d.path("store").asText()).isEqualTo("etcd");
            assertThat(d.path("leader_term").asLong()).isEqualTo(3);
            JsonNode leader = d.path("coordinators").path(0);
            assertThat(leader.path("coordinator_id").asText()).isEqualTo("coordinator-2");
            assertThat(leader.path("role").asText()).isEqualTo("leader");
            assertThat(leader.path("term").asLong()).isEqualTo(3);
            assertThat(leader.path("since_ms").asLong()).as("a leader is shown since its election").isEqualTo(1_700_000_005_000L);
            JsonNode standby = d.path("coordinators").path(1);
            assertThat(standby.path("role").asText()).isEqualTo("standby");
            assertThat(standby.path("term").asLong()).isZero();
            assertThat(standby.path("since_ms").asLong()).as("a standby since its start").isEqualTo(1_700_000_001_000L);
            assertThat(standby.path("address").asText()).isEqualTo("127.0.0.1:7401");
        } finally {
            coordinator.service().useControlPlane(io.graphagent.coordinator.session.ControlPlaneView.LOCAL);
        }
    }

    @Test
    void dashboardApiHasTheAgentsHistoryAndTheFinishedJobsPartitionsAndSummary() throws Exception {
        await().atMost(Duration.ofSeconds(10)).until(() -> JSON.readTree(get("/api/dashboard", TOKEN).body())
                .path("agents").path(0).path("history").path("t").size() >= 2);
        JsonNode d = JSON.readTree(get("/api/dashboard", TOKEN).body());
        assertThat(d.path("timing").path("lease_ttl_ms").asLong()).isPositive();
        JsonNode agent = d.path("agents").path(0);
        assertThat(agent.path("agent").asText()).isEqualTo("agent-1");
        assertThat(agent.path("late").asBoolean()).isFalse();
        assertThat(agent.path("lease_margin_ms").asLong()).isPositive();
        assertThat(agent.path("session_age_ms").asLong()).isPositive();
        assertThat(agent.path("reconnects").asInt()).isZero();
        JsonNode job = d.path("jobs").path(0);
        assertThat(job.path("summary").path("output_path").asText()).isEqualTo(dir.resolve("wcc.txt").toString());
        assertThat(job.path("partitions").size()).isPositive();
        long vertices = 0;
        for (JsonNode p : job.path("partitions")) {
            assertThat(p.path("agent").asText()).isEqualTo("agent-1");
            assertThat(p.path("moves").asInt()).isZero();
            vertices += p.path("vertices").asLong();
        }
        assertThat(vertices).as("partition sizes add up to the graph").isEqualTo(job.path("summary").path("vertices").asLong());
    }

    /** An agent in this JVM with its admin server on a free port, dialling {@code coordinatorPort}. */
    private record AgentWithAdmin(CompletableFuture<String> stop, CompletableFuture<Integer> exit,
                                  CompletableFuture<AgentAdmin> adminServer) implements AutoCloseable {

        static AgentWithAdmin start(String id, int coordinatorPort) throws Exception {
            GraphagentConfig base = Profile.TEST.defaults();
            GraphagentConfig config = new GraphagentConfig(base.profile(), base.cluster(), base.coordinator(),
                    new AgentConfig(new HostPort("127.0.0.1", coordinatorPort), new HostPort("127.0.0.1", 0),
                            Optional.empty(), id, dir.resolve(id)),
                    base.session(), base.grpc(), base.tls(), base.network(), base.job(), new AdminConfig(TOKEN));
            CompletableFuture<String> stop = new CompletableFuture<>();
            CompletableFuture<AgentAdmin> admin = new CompletableFuture<>();
            AgentJobs jobs = AgentJobs.start(config, TransportSecurity.insecure());
            CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> AgentMain.run(config,
                    TransportSecurity.insecure(), jobs, CLOCK, stop, client -> {
                        try {
                            admin.complete(AgentAdmin.start(new HostPort("127.0.0.1", 0), TOKEN, client,
                                    TransportSecurity.insecure(), CLOCK));
                        } catch (java.io.IOException e) {
                            admin.completeExceptionally(e);
                        }
                    }));
            admin.get(30, TimeUnit.SECONDS);
            return new AgentWithAdmin(stop, exit, admin);
        }

        int admin() {
            return adminServer.join().port();
        }

        @Override
        public void close() throws Exception {
            stop.complete("test over");
            exit.get(30, TimeUnit.SECONDS);
            adminServer.join().close();
        }
    }

    private static HttpResponse<String> get(int port, String path, String token) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET();
        if (token != null) {
            r.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + admin.port() + path);
    }

    private static HttpResponse<String> get(String path, String token) throws Exception {
        return get(admin.port(), path, token);
    }
}
