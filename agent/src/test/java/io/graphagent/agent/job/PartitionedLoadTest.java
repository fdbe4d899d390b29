package io.graphagent.agent.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.graphagent.config.GraphagentConfig;
import io.graphagent.config.InputTransfer;
import io.graphagent.config.Rebalance;
import io.graphagent.graph.csr.Graph;
import io.graphagent.graph.kernels.Algorithm;
import io.graphagent.graph.kernels.Kernel;
import io.graphagent.graph.kernels.KernelParameters;
import io.graphagent.graph.kernels.Kernels;
import io.graphagent.graph.load.GraphLoader;
import io.graphagent.graph.load.GraphSource;
import io.graphagent.graph.load.LoadProgress;
import io.graphagent.graph.output.ResultComparator;
import io.graphagent.graph.pregel.EngineOptions;
import io.graphagent.graph.pregel.PregelEngine;
import io.graphagent.graph.pregel.ProgressListener;
import io.graphagent.protocol.v1.JobProgress;
import io.graphagent.protocol.v1.JobSpec;
import io.graphagent.protocol.v1.JobState;
import io.graphagent.protocol.v1.PartitionPlacement;
import io.graphagent.graph.partition.GraphShare;
import java.lang.ref.WeakReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three agents over mutual TLS load a graph partitioned: each parses only its splits, ships
 * records to their owners and holds only its partitions; results equal the single-process
 * engine's to the last bit, with ids that are not 0..n-1 (so agents ask each other for dense
 * ids, and for the original ids of the labels they print). Errors in the input name the file
 * and line as the single-process loader does.
 */
class PartitionedLoadTest {
    private static final int VERTICES = 3000;
    private static final int EDGES = 24_000;

    @TempDir
    static Path dir;

    private static InProcessCluster cluster;
    private static Path graph;

    @BeforeAll
    static void start() throws Exception {
        graph = randomGraph(dir.resolve("g"), 11);
        cluster = InProcessCluster.start(dir.resolve("shared"), 3);
    }

    @AfterAll
    static void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** Ids 5, 12, 19, ...: far from 0..n-1, with a hub at the smallest and a tail at the largest. */
    private static Path randomGraph(Path prefix, long seed) throws Exception {
        SplittableRandom random = new SplittableRandom(seed);
        StringBuilder v = new StringBuilder();
        for (int i = 0; i < VERTICES; i++) {
            v.append(id(i)).append('\n');
        }
        StringBuilder e = new StringBuilder();
        for (int i = 0; i < EDGES; i++) {
            int a = random.nextInt(VERTICES);
            int b = random.nextInt(8) == 0 ? 0 : random.nextInt(VERTICES);
            e.append(id(a)).append(' ').append(id(b)).append('\n');
        }
        Files.writeString(Path.of(prefix + ".v"), v);
        Files.writeString(Path.of(prefix + ".e"), e);
        return prefix;
    }

    private static long id(int i) {
        return 7L * i + 5;
    }

    @Test
    void eachAgentHoldsOnlyItsShareTheAgentsReadTheInputOnceAndResultsAreExact() throws Exception {
        for (Algorithm algorithm : new Algorithm[] {Algorithm.PAGERANK, Algorithm.WCC, Algorithm.CDLP, Algorithm.BFS}) {
            Path output = dir.resolve("out-" + algorithm);
            JobProgress last = run(cluster, algorithm, output);
            assertThat(last.getState()).as(last.getMessage()).isEqualTo(JobState.SUCCEEDED);
            assertThat(ResultComparator.read(output)).as("%s equals the engine", algorithm)
                    .isEqualTo(engine(algorithm));
            long inputBytes = Files.size(Path.of(graph + ".v")) + Files.size(Path.of(graph + ".e"));
            assertThat(last.getSummary().getInputBytesRead()).as("the agents together read the input once")
                    .isEqualTo(inputBytes);
            assertThat(last.getSummary().getEdgesShipped()).as("records reach their owners over the data plane").isPositive();
        }
        JobProgress last = run(cluster, Algorithm.PAGERANK, dir.resolve("out-shares"));
        Map<String, Long> verticesByAgent = new TreeMap<>();
        long vertices = 0;
        long edges = 0;
        for (PartitionPlacement p : cluster.status().getJobsList().stream()
                .filter(j -> j.getJobId().equals(last.getJobId())).findFirst().orElseThrow().getPartitionsList()) {
            verticesByAgent.merge(p.getAgentId(), p.getVertices(), Long::sum);
            vertices += p.getVertices();
            edges += p.getEdges();
            assertThat(p.getEdges()).as("partition %d holds edges", p.getPartitionId()).isPositive();
        }
        assertThat(vertices).isEqualTo(VERTICES);
        assertThat(edges).as("PageRank's shares hold each edge once, as an in-edge (out-edges only as out-degrees)")
                .isEqualTo(EDGES);
        assertThat(verticesByAgent).hasSize(3);
        assertThat(verticesByAgent.values()).allSatisfy(n -> assertThat(n).isBetween(VERTICES / 6L, VERTICES / 2L));
    }

    @Test
    void agentsThatCannotReadTheInputGetTheirSplitsStreamedByTheCoordinator() throws Exception {
        try (InProcessCluster streaming = InProcessCluster.start(dir.resolve("stream"), 2,
                config -> withTransfer(config, InputTransfer.STREAM))) {
            Path output = dir.resolve("out-streamed");
            JobProgress last = run(streaming, Algorithm.WCC, output);
            assertThat(last.getState()).as(last.getMessage()).isEqualTo(JobState.SUCCEEDED);
            assertThat(ResultComparator.read(output)).isEqualTo(engine(Algorithm.WCC));
            assertThat(last.getSummary().getInputBytesRead())
                    .isEqualTo(Files.size(Path.of(graph + ".v")) + Files.size(Path.of(graph + ".e")));
        }
    }

    @Test
    void aMalformedLineFailsTheJobNamingTheFileAndLine() throws Exception {
        Path bad = dir.resolve("bad");
        Files.copy(Path.of(graph + ".v"), Path.of(bad + ".v"));
        StringBuilder e = new StringBuilder(Files.readString(Path.of(graph + ".e")));
        e.append("12 x7\n");
        Files.writeString(Path.of(bad + ".e"), e);
        JobProgress last = cluster.submitAndWait(spec(Algorithm.PAGERANK, bad, dir.resolve("out-bad")));
        assertThat(last.getState()).isEqualTo(JobState.FAILED);
        assertThat(last.getMessage()).contains(bad + ".e:" + (EDGES + 1)).contains("target id").contains("Fix:");
    }

    @Test
    void anEdgeToAVertexTheVertexFileLacksFailsTheJobNamingTheVertex() throws Exception {
        Path bad = dir.resolve("missing");
        Files.copy(Path.of(graph + ".v"), Path.of(bad + ".v"));
        Files.writeString(Path.of(bad + ".e"), Files.readString(Path.of(graph + ".e")) + id(3) + " 6\n");
        JobProgress last = cluster.submitAndWait(spec(Algorithm.PAGERANK, bad, dir.resolve("out-missing")));
        assertThat(last.getState()).isEqualTo(JobState.FAILED);
        assertThat(last.getMessage()).contains("vertex 6, which is not in " + bad + ".v").contains("Fix:");
    }

    /**
     * The rebalance builds every agent's share again at a newer job epoch (from the partitions'
     * structure files, written at the first checkpoint). An agent releases its previous share
     * before it builds the new one (so a rebuild needs no more heap than the first load): when
     * agent-1 begins the new share it holds no share of the job and nothing references the old
     * one any more (it is collected); the restore from the checkpoint that follows works on the
     * new share, and the result is exact.
     */
    @Test
    void anAgentThatJoinsARunningJobTakesItsShareAtTheNextCheckpointAndTheResultIsExact() throws Exception {
        try (InProcessCluster growing = InProcessCluster.withSpares(dir.resolve("grow"), 2, 1,
                config -> withJob(config, config.job().withCheckpointEvery(2).withRebalance(Rebalance.ON_JOIN)))) {
            AgentJobs first = growing.jobs(1);
            AtomicReference<WeakReference<GraphShare>> oldShare = new AtomicReference<>();
            CompletableFuture<String> atReload = new CompletableFuture<>();
            first.beforeMemoryCheck(jobId -> {
                WeakReference<GraphShare> old = oldShare.get();
                if (old != null && !atReload.isDone()) {
                    atReload.complete(whatIsHeld(first, jobId, old));
                }
            });
            Path output = dir.resolve("out-grown");
            JobSpec spec = spec(Algorithm.PAGERANK, graph, output).toBuilder().setIterations(ITERATIONS_WHILE_JOINING).build();
            CompletableFuture<JobProgress> job = CompletableFuture.supplyAsync(() -> growing.submitAndWait(spec));
            await().atMost(Duration.ofSeconds(30)).until(() -> growing.status().getJobsList().stream()
                    .anyMatch(j -> j.getState() == JobState.RUNNING && j.getSuperstep() > 0));
            String jobId = growing.status().getJobsList().stream().filter(j -> j.getState() == JobState.RUNNING)
                    .findFirst().orElseThrow().getJobId();
            oldShare.set(weakShare(first, jobId));
            growing.startAgent(3);
            JobProgress last = job.get(120, TimeUnit.SECONDS);
            assertThat(last.getState()).as(last.getMessage()).isEqualTo(JobState.SUCCEEDED);
            assertThat(last.getSummary().getAgents()).as("the job ended on all three agents").isEqualTo(3);
            assertThat(last.getSummary().getRecoveries()).as("a rebalance is not a recovery").isZero();
            assertThat(ResultComparator.read(output)).isEqualTo(engine(Algorithm.PAGERANK, ITERATIONS_WHILE_JOINING));
            assertThat(atReload.getNow("agent-1 was never loaded again"))
                    .as("at the new load's memory check agent-1 holds no share of the job, the old one is collected")
                    .isEqualTo("old share released");
        }
    }

    /** A weak reference to the share an agent holds for a job (no strong one is kept by the caller). */
    private static WeakReference<GraphShare> weakShare(AgentJobs jobs, String jobId) {
        return new WeakReference<>(jobs.heldShare(jobId).orElseThrow());
    }

    /** On the agent's job thread, at a reload's memory check: whether the old share is still held or referenced. */
    private static String whatIsHeld(AgentJobs jobs, String jobId, WeakReference<GraphShare> old) {
        if (jobs.heldShare(jobId).isPresent()) {
            return "the job's holder still has a share";
        }
        try {
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
                System.gc();
                return old.get() == null;
            });
            return "old share released";
        } catch (ConditionTimeoutException e) {
            return "the old share is still referenced";
        }
    }

    /** Enough supersteps that an agent joins before the end, few enough for a short test. */
    private static final int ITERATIONS_WHILE_JOINING = 400;

    private static GraphagentConfig withJob(GraphagentConfig c, io.graphagent.config.JobConfig job) {
        return new GraphagentConfig(c.profile(), c.cluster(), c.coordinator(), c.agent(), c.session(), c.grpc(), c.tls(),
                c.network(), job, c.admin());
    }

    private static GraphagentConfig withTransfer(GraphagentConfig c, InputTransfer transfer) {
        return new GraphagentConfig(c.profile(), c.cluster(), c.coordinator(), c.agent(), c.session(), c.grpc(), c.tls(),
                c.network(), c.job().withInputTransfer(transfer), c.admin());
    }

    private static JobProgress run(InProcessCluster on, Algorithm algorithm, Path output) {
        return on.submitAndWait(spec(algorithm, graph, output));
    }

    private static JobSpec spec(Algorithm algorithm, Path prefix, Path output) {
        JobSpec.Builder spec = JobSpec.newBuilder().setAlgorithm(io.graphagent.protocol.v1.Algorithm.valueOf(algorithm.name()))
                .setGraph(prefix.toString()).setDirected(true).setOutputPath(output.toString()).setPartitions(6);
        if (algorithm == Algorithm.BFS) {
            spec.setSourceVertex(id(0));
        } else if (algorithm != Algorithm.WCC) {
            spec.setIterations(10);
        }
        return spec.build();
    }

    private static Map<Long, String> engine(Algorithm algorithm) throws Exception {
        return engine(algorithm, 10);
    }

    private static Map<Long, String> engine(Algorithm algorithm, int iterations) throws Exception {
        Graph g = GraphLoader.load(new GraphSource(Path.of(graph + ".v"), Path.of(graph + ".e"), true, false), 2,
                LoadProgress.NONE);
        Kernel kernel = Kernels.create(algorithm, g, new KernelParameters(id(0), iterations, 0.85));
        double[] values = PregelEngine.run(g, kernel.program(), new EngineOptions(2, 4), ProgressListener.NONE).values();
        Map<Long, String> expected = new HashMap<>();
        for (int v = 0; v < g.numVertices(); v++) {
            expected.put(g.originalId(v), kernel.format(values[v]));
        }
        return expected;
    }
}
