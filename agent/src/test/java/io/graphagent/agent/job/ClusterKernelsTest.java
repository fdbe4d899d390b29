package io.graphagent.agent.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.graphagent.graph.csr.Graph;
import io.graphagent.graph.kernels.Algorithm;
import io.graphagent.graph.kernels.Kernel;
import io.graphagent.graph.kernels.KernelSettings;
import io.graphagent.graph.kernels.Kernels;
import io.graphagent.graph.load.GraphInput;
import io.graphagent.graph.load.GraphLoader;
import io.graphagent.graph.load.LoadProgress;
import io.graphagent.graph.output.ResultComparator;
import io.graphagent.graph.pregel.EngineOptions;
import io.graphagent.graph.pregel.PregelEngine;
import io.graphagent.graph.pregel.ProgressListener;
import io.graphagent.protocol.v1.JobProgress;
import io.graphagent.protocol.v1.JobSpec;
import io.graphagent.protocol.v1.JobState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A coordinator and three agents over mutual TLS on 127.0.0.1, in this JVM but on real
 * sockets, run every Graphalytics validation case: the output file equals, line for line,
 * what the single-process engine computes with the same partition count, and matches the
 * Graphalytics expected output.
 */
class ClusterKernelsTest {
    private static final int PARTITIONS = 7;
    private static final Clock CLOCK = Clock.systemUTC();

    @TempDir
    static Path dir;

    private static InProcessCluster cluster;

    static Path graphalytics() {
        return Path.of(System.getProperty("graphagent.shared", "/work/shared"), "datasets", "graphalytics");
    }

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = InProcessCluster.start(dir, 3);
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    static Stream<String> cases() throws Exception {
        try (Stream<Path> files = Files.list(graphalytics())) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.matches(".+-(BFS|PR|WCC|CDLP|LCC|SSSP)"))
                    .sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void clusterResultEqualsSingleProcessEngineAndGraphalytics(String caseName) throws Exception {
        int dash = caseName.lastIndexOf('-');
        Path prefix = graphalytics().resolve(caseName.substring(0, dash));
        Algorithm algorithm = Algorithm.parse(caseName.substring(dash + 1));
        Path output = dir.resolve("out-" + caseName);

        JobProgress last = cluster.submitAndWait(JobSpec.newBuilder()
                .setAlgorithm(io.graphagent.protocol.v1.Algorithm.valueOf(algorithm.name()))
                .setGraph(prefix.toString()).setOutputPath(output.toString()).setPartitions(PARTITIONS).build());

        assertThat(last.getState()).as(last.getMessage()).isEqualTo(JobState.SUCCEEDED);
        assertThat(last.getSummary().getAgents()).isEqualTo(3);
        Map<Long, String> cluster = ResultComparator.read(output);
        List<Long> ids = Files.readAllLines(output).stream().map(l -> Long.parseLong(l.substring(0, l.indexOf(' ')))).toList();
        assertThat(ids).as("output in ascending vertex id, as the single-process engine writes it").isSorted();
        assertThat(cluster).isEqualTo(singleProcess(prefix, algorithm));
        assertThat(ResultComparator.compare(graphalytics().resolve(caseName), cluster,
                ResultComparator.Rule.forKernel(algorithm.graphalyticsName()))).isEmpty();
    }

    private static Map<Long, String> singleProcess(Path prefix, Algorithm algorithm) throws Exception {
        GraphInput input = GraphInput.locate(prefix);
        Graph graph = GraphLoader.load(input.source(input.properties().directed().orElseThrow(), algorithm.needsWeights()),
                2, LoadProgress.NONE);
        Kernel kernel = Kernels.create(algorithm, graph, KernelSettings.resolve(algorithm, null, null, null, input));
        double[] values = PregelEngine.run(graph, kernel.program(), new EngineOptions(2, PARTITIONS), ProgressListener.NONE).values();
        Map<Long, String> expected = new HashMap<>();
        for (int v = 0; v < graph.numVertices(); v++) {
            expected.put(graph.originalId(v), kernel.format(values[v]));
        }
        return expected;
    }
}
