package io.graphagent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.graphagent.graph.generate.RmatGenerator;
import io.graphagent.protocol.v1.DegreeReply;
import io.graphagent.protocol.v1.DegreeRequest;
import io.graphagent.protocol.v1.Direction;
import io.graphagent.protocol.v1.KHopReply;
import io.graphagent.protocol.v1.KHopRequest;
import io.graphagent.protocol.v1.ListGraphsRequest;
import io.graphagent.protocol.v1.NeighboursReply;
import io.graphagent.protocol.v1.NeighboursRequest;
import io.graphagent.protocol.v1.PathReply;
import io.graphagent.protocol.v1.PathRequest;
import io.graphagent.protocol.v1.PartitionRoute;
import io.graphagent.protocol.v1.ResidentGraph;
import io.graphagent.protocol.v1.ResidentState;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Online queries on a resident graph over a real cluster (coordinator and 3 agent processes,
 * one start for the class): `graph load` with 2 replicas, every kind of query against a plain
 * BFS over the edge file in the test, a vertex not in the graph, an agent killed (its replicas'
 * queries go to the survivors, the lost replicas are re-created), the coordinator SIGKILLed and
 * restarted under a job on the graph by name (the graph comes back as it was, the job ends
 * exact), `graph drop`.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ResidentQueriesTest {
    private static final Duration START = Duration.ofSeconds(120);
    private static final int SCALE = 10;
    private static final String NAME = "rmat";
    private static final Duration CALL = Duration.ofSeconds(30);
    /** Enough supersteps that the job still runs when an agent is killed under it. */
    private static final int JOB_ITERATIONS = 150;
    /**
     * Heat settings of this cluster: a partition over 150 requests/s (1 s average) is hot, and
     * cool 1 s after it fell under 75/s; the hot-partition case sends the most to one
     * partition. Threads of degree queries on one vertex in that case. A 10 s query deadline.
     */
    private static final java.util.Map<String, String> HEAT = java.util.Map.of("GRAPHAGENT_QUERY_HOT_RATE", "150",
            "GRAPHAGENT_QUERY_HEAT_WINDOW", "1s", "GRAPHAGENT_QUERY_COOL_AFTER", "1s",
            // Agents retry at least every second while the restarted coordinator is away (lan: up to 10 s).
            "GRAPHAGENT_SESSION_RECONNECT_MAX", "1s",
            // The answers are checked, not their time: the first query after a (re)start dials and shakes hands
            // with the agents on a cold JVM, which took over the 2 s default on a loaded machine (load 20+).
            "GRAPHAGENT_QUERY_DEADLINE", "10s");
    private static final int HOT_THREADS = 4;

    private Path dir;

    private LocalCluster cluster;
    /** One client for the class: a TLS handshake per query would be most of the test's time. */
    private CoordinatorClient client;
    private final StringWriter log = new StringWriter();
    private Path state;
    private Path prefix;
    private List<Set<Long>> out;
    private List<Set<Long>> in;
    private long[] outDegree;
    private long[] inDegree;

    @BeforeAll
    void startClusterAndLoad(@TempDir Path tmp) throws Exception {
        dir = tmp;
        prefix = dir.resolve("rmat-" + SCALE);
        RmatGenerator.generate(new RmatGenerator.Parameters(SCALE, 8, 11, false), prefix, 1, RmatGenerator.Progress.NONE);
        readEdges();
        state = dir.resolve("state");
        cluster = LocalCluster.prepare(new LocalState(state), 3, 0, false, new PrintWriter(log, true),
                LocalCommand.jvmOptions());
        cluster.environment(HEAT);
        cluster.startCoordinator(START);
        cluster.startAgents();
        cluster.awaitAlive(START);

        Cli.Result load = Cli.run("graph", "load", "--state-dir", state.toString(), "--name", NAME, "--graph",
                prefix.toString(), "--directed", "--replicas", "2", "--partitions", "6", "--timeout", "2m");
        assertThat(load.exitCode()).as(load + "\n" + log).isZero();
        assertThat(load.out()).contains(NAME, "READY");
    }

    @AfterAll
    void stop() {
        if (client != null) {
            client.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    private void readEdges() throws IOException {
        int n = 1 << SCALE;
        out = new ArrayList<>();
        in = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new TreeSet<>());
            in.add(new TreeSet<>());
        }
        outDegree = new long[n];
        inDegree = new long[n];
        for (String line : Files.readAllLines(prefix.resolveSibling(prefix.getFileName() + ".e"))) {
            String[] f = line.trim().split("\\s+");
            int s = Integer.parseInt(f[0]);
            int t = Integer.parseInt(f[1]);
            out.get(s).add((long) t);
            in.get(t).add((long) s);
            outDegree[s]++;
            inDegree[t]++;
        }
    }

    private Set<Long> neighbours(long v, Direction d) {
        Set<Long> s = new TreeSet<>();
        if (d != Direction.EDGES_IN) {
            s.addAll(out.get((int) v));
        }
        if (d != Direction.EDGES_OUT) {
            s.addAll(in.get((int) v));
        }
        return s;
    }

    /** Distances from {@code v} by a plain BFS, -1 where unreached within {@code max}. */
    private int[] bfs(long v, Direction d, int max) {
        int[] dist = new int[out.size()];
        java.util.Arrays.fill(dist, -1);
        dist[(int) v] = 0;
        ArrayDeque<Long> queue = new ArrayDeque<>(List.of(v));
        while (!queue.isEmpty()) {
            long u = queue.poll();
            if (dist[(int) u] == max) {
                continue;
            }
            for (long w : neighbours(u, d)) {
                if (dist[(int) w] < 0) {
                    dist[(int) w] = dist[(int) u] + 1;
                    queue.add(w);
                }
            }
        }
        return dist;
    }

    /** Vertices with edges, picked by a seeded choice. */
    private List<Long> sample(int count, long seed) {
        Random random = new Random(seed);
        List<Long> picked = new ArrayList<>();
        while (picked.size() < count) {
            long v = random.nextInt(out.size());
            if (outDegree[(int) v] + inDegree[(int) v] > 0) {
                picked.add(v);
            }
        }
        return picked;
    }

    private <T> T query(java.util.function.Function<io.graphagent.protocol.v1.QueryGrpc.QueryBlockingStub, T> call)
            throws Exception {
        if (client == null) {
            client = cluster.client();
        }
        return client.query("query", CALL, call);
    }

    @Test
    @Order(1)
    void neighboursAndDegreesEqualTheEdgeFile() throws Exception {
        for (long v : sample(12, 1)) {
            for (Direction d : List.of(Direction.EDGES_OUT, Direction.EDGES_IN, Direction.EDGES_BOTH)) {
                NeighboursReply r = query(s -> s.neighbours(NeighboursRequest.newBuilder().setGraph(NAME).setVertex(v)
                        .setDirection(d).setLimit(100_000).build()));
                assertThat(r.getFound()).isTrue();
                assertThat(r.getNeighboursList()).as("%s of %d", d, v).containsExactlyElementsOf(neighbours(v, d));
                assertThat(r.getCount()).isEqualTo(neighbours(v, d).size());
            }
            DegreeReply deg = query(s -> s.degree(DegreeRequest.newBuilder().setGraph(NAME).setVertex(v).build()));
            assertThat(deg.getFound()).isTrue();
            assertThat(deg.getOutDegree()).as("out-degree of %d", v).isEqualTo(outDegree[(int) v]);
            assertThat(deg.getInDegree()).as("in-degree of %d", v).isEqualTo(inDegree[(int) v]);
        }
    }

    @Test
    @Order(2)
    void kHopCountsAndVerticesEqualAPlainBfs() throws Exception {
        for (long v : sample(8, 2)) {
            for (int k = 1; k <= 3; k++) {
                for (Direction d : List.of(Direction.EDGES_OUT, Direction.EDGES_BOTH)) {
                    int kk = k;
                    KHopReply r = query(s -> s.kHop(KHopRequest.newBuilder().setGraph(NAME).setVertex(v).setK(kk)
                            .setDirection(d).setLimit(1_000_000).build()));
                    int[] dist = bfs(v, d, k);
                    long[] perHop = new long[k + 1];
                    Set<Long> within = new HashSet<>();
                    for (int u = 0; u < dist.length; u++) {
                        if (dist[u] > 0) {
                            perHop[dist[u]]++;
                            within.add((long) u);
                        }
                    }
                    assertThat(r.getFound()).isTrue();
                    assertThat(r.getCount()).as("k=%d %s from %d", k, d, v).isEqualTo(within.size());
                    for (int h = 1; h <= k; h++) {
                        assertThat(r.getPerHop(h - 1)).as("hop %d", h).isEqualTo(perHop[h]);
                    }
                    assertThat(r.getVerticesList()).containsExactlyInAnyOrderElementsOf(within);
                    assertThat(r.getTruncated()).isFalse();
                    // Count only (limit 0): the last hop is merged as bit sets at the gateway, never listed.
                    KHopReply counted = query(s -> s.kHop(KHopRequest.newBuilder().setGraph(NAME).setVertex(v).setK(kk)
                            .setDirection(d).build()));
                    assertThat(counted.getCount()).as("count only, k=%d %s from %d", k, d, v).isEqualTo(within.size());
                    for (int h = 1; h <= k; h++) {
                        assertThat(counted.getPerHop(h - 1)).as("count only, hop %d", h).isEqualTo(perHop[h]);
                    }
                    assertThat(counted.getVerticesList()).isEmpty();
                    assertThat(counted.getTruncated()).isEqualTo(!within.isEmpty());
                }
            }
        }
        KHopReply limited = query(s -> s.kHop(KHopRequest.newBuilder().setGraph(NAME).setVertex(sample(1, 2).get(0))
                .setK(3).setDirection(Direction.EDGES_BOTH).setLimit(5).build()));
        assertThat(limited.getVerticesCount()).isEqualTo((int) Math.min(5, limited.getCount()));
        assertThat(limited.getTruncated()).isEqualTo(limited.getCount() > 5);
    }

    @Test
    @Order(3)
    void shortestPathsHaveTheBfsLengthAndFollowEdges() throws Exception {
        List<Long> from = sample(6, 3);
        List<Long> to = sample(6, 4);
        int connected = 0;
        for (int i = 0; i < from.size(); i++) {
            long a = from.get(i);
            long b = to.get(i);
            for (Direction d : List.of(Direction.EDGES_OUT, Direction.EDGES_BOTH)) {
                PathReply r = query(s -> s.shortestPath(PathRequest.newBuilder().setGraph(NAME).setFrom(a).setTo(b)
                        .setDirection(d).setMaxDepth(8).build()));
                int expected = bfs(a, d, 8)[(int) b];
                assertThat(r.getFound()).isTrue();
                assertThat(r.getConnected()).as("%s path %d -> %d: %s", d, a, b, r.getMessage()).isEqualTo(expected >= 0);
                if (expected >= 0) {
                    connected++;
                    assertThat(r.getLength()).isEqualTo(expected);
                    assertThat(r.getPathList()).hasSize(expected + 1).startsWith(a).endsWith(b);
                    for (int h = 0; h < expected; h++) {
                        assertThat(neighbours(r.getPath(h), d)).as("edge %d of the path", h).contains(r.getPath(h + 1));
                    }
                }
            }
        }
        assertThat(connected).as("some sampled pairs are connected").isPositive();
    }

    @Test
    @Order(4)
    void aVertexNotInTheGraphIsNotFoundNotAnError() throws Exception {
        long missing = (1L << SCALE) + 17;
        NeighboursReply n = query(s -> s.neighbours(NeighboursRequest.newBuilder().setGraph(NAME).setVertex(missing).build()));
        assertThat(n.getFound()).isFalse();
        assertThat(n.getMessage()).isEqualTo("vertex " + missing + " is not in graph " + NAME);
        PathReply p = query(s -> s.shortestPath(PathRequest.newBuilder().setGraph(NAME).setFrom(0).setTo(missing).build()));
        assertThat(p.getFound()).isFalse();

        Cli.Result cli = Cli.run("query", "degree", "--state-dir", state.toString(), "--graph", NAME,
                "--vertex", Long.toString(missing));
        assertThat(cli.exitCode()).as(cli.toString()).isEqualTo(QueryCommand.EXIT_NOT_FOUND);
        assertThat(cli.out()).contains("not found: vertex " + missing + " is not in graph " + NAME);

        Cli.Result noGraph = Cli.run("query", "khop", "--state-dir", state.toString(), "--graph", "nosuch", "--vertex", "1");
        assertThat(noGraph.exitCode()).as(noGraph.toString()).isNotZero();
        assertThat(noGraph.err()).contains("no resident graph nosuch");
    }

    @Test
    @Order(5)
    void cliAnswersAsTheGrpcApi() {
        long v = sample(1, 5).get(0);
        Cli.Result r = Cli.run("query", "neighbours", "--state-dir", state.toString(), "--graph", NAME,
                "--vertex", Long.toString(v), "--direction", "both");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).startsWith("count " + neighbours(v, Direction.EDGES_BOTH).size());
        Cli.Result status = Cli.run("status", "--state-dir", state.toString());
        assertThat(status.exitCode()).as(status.toString()).isZero();
        assertThat(status.out()).contains("resident graphs: 1", "query routing: heat", "ROUTES-TO");
        assertThat(status.out().lines().filter(l -> l.startsWith(NAME + " ")).count()).as(status.out())
                .isEqualTo(1 + 6); // the graph's row and one per partition
        Cli.Result list = Cli.run("graph", "list", "--state-dir", state.toString());
        assertThat(list.exitCode()).as(list.toString()).isZero();
        assertThat(list.out()).contains(NAME, "READY", Long.toString(out.size()));
    }

    @Test
    @Order(5)
    void httpJsonApiAnswersWithTheTokenAndSays404ForAMissingVertex() throws Exception {
        io.graphagent.config.HostPort http = cluster.queryHttp().orElseThrow();
        java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        long v = sample(1, 8).get(0);
        java.util.function.BiFunction<String, Boolean, java.net.http.HttpResponse<String>> get = (path, token) -> {
            var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://" + http + path))
                    .timeout(CALL);
            if (token) {
                request.header("Authorization", "Bearer " + cluster.adminToken());
            }
            try {
                return client.send(request.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            } catch (IOException | InterruptedException e) {
                throw new AssertionError(e);
            }
        };
        var json = new com.fasterxml.jackson.databind.ObjectMapper();

        var noToken = get.apply("/api/query/degree?graph=" + NAME + "&vertex=" + v, false);
        assertThat(noToken.statusCode()).isEqualTo(401);

        var khop = get.apply("/api/query/khop?graph=" + NAME + "&vertex=" + v + "&k=2&direction=both", true);
        assertThat(khop.statusCode()).as(khop.body()).isEqualTo(200);
        long expected = java.util.Arrays.stream(bfs(v, Direction.EDGES_BOTH, 2)).filter(x -> x > 0).count();
        assertThat(json.readTree(khop.body()).get("count").asLong()).isEqualTo(expected);

        var neighbours = get.apply("/api/query/neighbours?graph=" + NAME + "&vertex=" + v + "&direction=in", true);
        List<Long> listed = new ArrayList<>();
        json.readTree(neighbours.body()).get("neighbours").forEach(n -> listed.add(n.asLong()));
        assertThat(listed).containsExactlyElementsOf(neighbours(v, Direction.EDGES_IN));

        var missing = get.apply("/api/query/degree?graph=" + NAME + "&vertex=" + ((1L << SCALE) + 3), true);
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(json.readTree(missing.body()).get("found").asBoolean()).isFalse();

        var badK = get.apply("/api/query/khop?graph=" + NAME + "&vertex=" + v + "&k=4", true);
        assertThat(badK.statusCode()).isEqualTo(400);
        assertThat(json.readTree(badK.body()).get("error").asText()).contains("k = 4");

        var partitions = get.apply("/api/partitions", true);
        assertThat(partitions.statusCode()).isEqualTo(200);
        var table = json.readTree(partitions.body());
        assertThat(table.get("policy").asText()).isEqualTo("heat");
        assertThat(table.get("partitions").size()).isEqualTo(6);
        long sent = 0;
        for (var agent : table.get("agents")) {
            sent += agent.get("requests").asLong();
        }
        assertThat(sent).as("requests the router sent the agents for the queries above").isPositive();
    }

    @Test
    @Order(5)
    void aBatchJobOnTheResidentGraphByNameReadsNoInputAndWritesTheEnginesResult() throws Exception {
        // The input moved away while the jobs run: a job that read it again would fail.
        Path moved = Files.createDirectories(dir.resolve("moved"));
        List<String> files = List.of(".v", ".e");
        for (String ext : files) {
            Files.move(prefix.resolveSibling(prefix.getFileName() + ext), moved.resolve(prefix.getFileName() + ext));
        }
        long source = sample(1, 9).get(0);
        Path pagerank = dir.resolve("pagerank-resident.txt");
        Path bfs = dir.resolve("bfs-resident.txt");
        Cli.Result pr;
        Cli.Result bf;
        try {
            pr = Cli.run("submit", "--state-dir", state.toString(), "--algorithm", "pagerank", "--graph-name", NAME,
                    "--iterations", "10", "--damping", "0.85", "--output", pagerank.toString());
            bf = Cli.run("submit", "--state-dir", state.toString(), "--algorithm", "bfs", "--graph-name", NAME,
                    "--source", Long.toString(source), "--output", bfs.toString());
        } finally {
            for (String ext : files) {
                Files.move(moved.resolve(prefix.getFileName() + ext), prefix.resolveSibling(prefix.getFileName() + ext));
            }
        }
        assertThat(pr.exitCode()).as(pr + "\n" + log).isZero();
        assertThat(pr.out()).contains("input_bytes_read=0 ", "partitions=6 ", "edges_shipped=0 ");
        assertThat(bf.exitCode()).as(bf + "\n" + log).isZero();
        assertThat(bf.out()).contains("input_bytes_read=0 ");
        new KernelReference(prefix, true, io.graphagent.graph.kernels.Algorithm.PAGERANK,
                new io.graphagent.graph.kernels.KernelParameters(-1, 10, 0.85), 6).assertEngineWrites(pagerank);
        new KernelReference(prefix, true, io.graphagent.graph.kernels.Algorithm.BFS,
                new io.graphagent.graph.kernels.KernelParameters(source, 0, 0.85), 6).assertEngineWrites(bfs);

        Cli.Result unknown = Cli.run("submit", "--state-dir", state.toString(), "--algorithm", "wcc",
                "--graph-name", "nosuch", "--output", dir.resolve("never.txt").toString());
        assertThat(unknown.exitCode()).as(unknown.toString()).isEqualTo(FailureHandler.EXIT_BAD_INPUT);
        assertThat(unknown.err()).contains("graph_name: no resident graph nosuch is loaded (loaded: " + NAME + ")");
        Cli.Result both = Cli.run("submit", "--state-dir", state.toString(), "--algorithm", "wcc", "--graph-name", NAME,
                "--graph", prefix.toString(), "--output", dir.resolve("never.txt").toString());
        assertThat(both.exitCode()).as(both.toString()).isEqualTo(2);
        assertThat(both.err()).contains("mutually exclusive");
    }

    @Test
    @Order(6)
    void aHotPartitionGainsAReplicaOnTheAgentLackingItAndGivesItBackWhenCool() throws Exception {
        long v = sample(1, 11).get(0);
        int want = (int) (outDegree[(int) v]);
        java.util.concurrent.atomic.AtomicBoolean hammer = new java.util.concurrent.atomic.AtomicBoolean(true);
        java.util.concurrent.atomic.AtomicReference<Throwable> wrong = new java.util.concurrent.atomic.AtomicReference<>();
        List<Thread> load = new ArrayList<>();
        query(s -> s.listGraphs(ListGraphsRequest.getDefaultInstance()));
        for (int t = 0; t < HOT_THREADS; t++) {
            load.add(Thread.ofPlatform().name("hot-load-" + t).start(() -> {
                while (hammer.get()) {
                    try {
                        DegreeReply d = query(s -> s.degree(DegreeRequest.newBuilder().setGraph(NAME).setVertex(v).build()));
                        assertThat(d.getOutDegree()).isEqualTo(want);
                    } catch (Throwable e) {
                        wrong.compareAndSet(null, e);
                        hammer.set(false);
                    }
                }
            }));
        }
        PartitionRoute hot;
        try {
            // Heat over query.hot-rate: the one agent lacking the partition gets a third replica.
            hot = Awaitility.await().atMost(START).pollInterval(Duration.ofMillis(200)).until(() -> query(
                    s -> s.routing(io.graphagent.protocol.v1.RoutingRequest.getDefaultInstance())).getPartitionsList()
                    .stream().filter(p -> p.getHot() && p.getReplicasCount() == 3).findFirst(),
                    found -> found.isPresent() || wrong.get() != null)
                    .orElse(null);
        } finally {
            hammer.set(false);
            for (Thread t : load) {
                t.join();
            }
        }
        assertThat(wrong.get()).as("every degree answer under load is the edge file's").isNull();
        assertThat(hot.getReplicasList()).containsExactlyInAnyOrder("agent-1", "agent-2", "agent-3");
        // Quiet: under half the hot rate for query.cool-after, the extra replica is given back.
        Awaitility.await().atMost(START).pollInterval(Duration.ofMillis(300)).untilAsserted(() -> {
            var table = query(s -> s.routing(io.graphagent.protocol.v1.RoutingRequest.getDefaultInstance()));
            assertThat(table.getPartitionsList()).hasSize(6).allSatisfy(p -> {
                assertThat(p.getHot()).isFalse();
                assertThat(p.getReplicasList()).hasSize(2);
            });
        });
    }

    @Test
    @Order(7)
    void aKilledAgentsReplicasAnswerFromTheSurvivorsAndAreRecreated() throws Exception {
        // A batch job by name runs while the agent dies: it rolls back and attaches again on the survivors' replicas.
        Path pagerank = dir.resolve("pagerank-recovered.txt");
        if (client == null) {
            client = cluster.client();
        }
        String job = submitPageRankOnTheGraph(pagerank);
        Awaitility.await().atMost(START).pollInterval(Duration.ofMillis(50)).until(() -> jobStatus(job).getSuperstep() >= 3);
        assertThat(jobStatus(job).getState()).isEqualTo(io.graphagent.protocol.v1.JobState.RUNNING);

        ProcessHandle.of(cluster.child("agent-2").orElseThrow().pid()).orElseThrow().destroyForcibly();
        // Queries keep their answers while the coordinator finds the agent dead (retries on the other replica).
        for (long v : sample(10, 6)) {
            assertTwoHopCountIsTheBfs(v);
        }
        // The dead agent's partitions get their second replica again on the two survivors.
        Awaitility.await().atMost(START).pollInterval(Duration.ofMillis(300)).untilAsserted(() -> {
            ResidentGraph g = query(s -> s.listGraphs(ListGraphsRequest.getDefaultInstance())).getGraphs(0);
            assertThat(g.getState()).as(g.getMessage()).isEqualTo(ResidentState.GRAPH_READY);
            assertThat(g.getMemoryList()).allSatisfy(m -> assertThat(m.getAgentId()).isNotEqualTo("agent-2"));
            var table = query(s -> s.routing(io.graphagent.protocol.v1.RoutingRequest.getDefaultInstance()));
            assertThat(table.getPartitionsList()).hasSize(6).allSatisfy(p -> {
                assertThat(p.getReplicasList()).hasSize(2).doesNotContain("agent-2");
                assertThat(p.getReplicasList()).contains(p.getRoutesTo());
            });
        });
        long v = sample(1, 7).get(0);
        NeighboursReply r = query(s -> s.neighbours(NeighboursRequest.newBuilder().setGraph(NAME).setVertex(v)
                .setDirection(Direction.EDGES_BOTH).build()));
        assertThat(r.getNeighboursList()).containsExactlyElementsOf(neighbours(v, Direction.EDGES_BOTH));

        assertRecoveredJobSucceededExact(job, pagerank, "the job lost agent-2 mid-run");
    }

    /** Submits PageRank by graph name ({@value #JOB_ITERATIONS} iterations, a checkpoint every 5) writing to {@code output}; its job id. */
    private String submitPageRankOnTheGraph(Path output) {
        var submitted = client.submit(io.graphagent.protocol.v1.SubmitRequest.newBuilder().setJob(
                io.graphagent.protocol.v1.JobSpec.newBuilder().setAlgorithm(io.graphagent.protocol.v1.Algorithm.PAGERANK)
                        .setGraphName(NAME).setIterations(JOB_ITERATIONS).setDamping(0.85).setCheckpointEvery(5)
                        .setOutputPath(output.toString())).build());
        assertThat(submitted.getErrorsList()).isEmpty();
        return submitted.getJobId();
    }

    /** The 2-hop count (both directions) of {@code v} equals the vertices a BFS reaches within 2 hops. */
    private void assertTwoHopCountIsTheBfs(long v) throws Exception {
        KHopReply r = query(s -> s.kHop(KHopRequest.newBuilder().setGraph(NAME).setVertex(v).setK(2)
                .setDirection(Direction.EDGES_BOTH).build()));
        int[] dist = bfs(v, Direction.EDGES_BOTH, 2);
        assertThat(r.getCount()).isEqualTo(java.util.Arrays.stream(dist).filter(x -> x > 0).count());
    }

    /**
     * Waits for the PageRank job on the resident graph to end, then: it succeeded, it recovered at
     * least once ({@code recovery} says why it must have), it read no input, and its output equals
     * the engine's.
     */
    private void assertRecoveredJobSucceededExact(String job, Path pagerank, String recovery) throws Exception {
        Awaitility.await().atMost(START).pollInterval(Duration.ofMillis(300)).until(() -> switch (jobStatus(job).getState()) {
            case SUCCEEDED, FAILED, CANCELLED -> true;
            default -> false;
        });
        var done = jobStatus(job);
        assertThat(done.getState()).as(done.getMessage() + "\n" + log).isEqualTo(io.graphagent.protocol.v1.JobState.SUCCEEDED);
        assertThat(done.getRecoveries()).as(recovery).isPositive();
        assertThat(done.getSummary().getInputBytesRead()).isZero();
        new KernelReference(prefix, true, io.graphagent.graph.kernels.Algorithm.PAGERANK,
                new io.graphagent.graph.kernels.KernelParameters(-1, JOB_ITERATIONS, 0.85), 6).assertEngineWrites(pagerank);
    }

    private io.graphagent.protocol.v1.JobStatus jobStatus(String job) {
        return client.status(true).getJobsList().stream().filter(j -> j.getJobId().equals(job)).findFirst().orElseThrow();
    }

    @Test
    @Order(8)
    void aRestartedCoordinatorTakesTheGraphBackAndAJobOnItByNameResumesExact() throws Exception {
        if (client == null) {
            client = cluster.client();
        }
        ResidentGraph before = query(s -> s.listGraphs(ListGraphsRequest.getDefaultInstance())).getGraphs(0);
        assertThat(before.getState()).as(before.getMessage()).isEqualTo(ResidentState.GRAPH_READY);
        Path pagerank = dir.resolve("pagerank-restarted.txt");
        String job = submitPageRankOnTheGraph(pagerank);
        Awaitility.await().atMost(START).pollInterval(Duration.ofMillis(50))
                .until(() -> jobStatus(job).getLastCheckpointSuperstep() >= 5);
        assertThat(jobStatus(job).getState()).isEqualTo(io.graphagent.protocol.v1.JobState.RUNNING);

        Process coordinator = cluster.child("coordinator").orElseThrow().process();
        coordinator.destroyForcibly();
        assertThat(coordinator.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)).as("coordinator killed").isTrue();
        client.close();
        client = null;
        cluster.restartCoordinator(START);
        afterRestart(before, job, pagerank);
    }

    /** The graph as it was before the restart, queries equal to the BFS, the job on it exact. */
    private void afterRestart(ResidentGraph before, String job, Path pagerank) throws Exception {
        // The agents' Hellos give the graph back as it was: same cut, generation, replicas and memory per agent.
        Awaitility.await().atMost(START).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            ResidentGraph after = query(s -> s.listGraphs(ListGraphsRequest.getDefaultInstance())).getGraphs(0);
            assertThat(after).as(after.getMessage()).isEqualTo(before);
        });
        for (long v : sample(6, 8)) {
            assertTwoHopCountIsTheBfs(v);
            NeighboursReply n = query(s -> s.neighbours(NeighboursRequest.newBuilder().setGraph(NAME).setVertex(v)
                    .setDirection(Direction.EDGES_OUT).build()));
            assertThat(n.getNeighboursList()).containsExactlyElementsOf(neighbours(v, Direction.EDGES_OUT));
        }

        assertRecoveredJobSucceededExact(job, pagerank, "the restart counts as a recovery");
    }

    @Test
    @Order(9)
    void droppedGraphIsGone() {
        Cli.Result drop = Cli.run("graph", "drop", "--state-dir", state.toString(), NAME);
        assertThat(drop.exitCode()).as(drop.toString()).isZero();
        assertThat(drop.out()).contains("dropped graph " + NAME);
        Cli.Result list = Cli.run("graph", "list", "--state-dir", state.toString());
        assertThat(list.out()).contains("no resident graphs");
        Cli.Result again = Cli.run("graph", "drop", "--state-dir", state.toString(), NAME);
        assertThat(again.exitCode()).isEqualTo(FailureHandler.EXIT_BAD_INPUT);
        assertThat(again.err()).contains("no resident graph " + NAME);
    }
}
