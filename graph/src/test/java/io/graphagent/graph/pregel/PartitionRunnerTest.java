package io.graphagent.graph.pregel;

import static org.assertj.core.api.Assertions.assertThat;

import io.graphagent.api.VertexProgram;
import io.graphagent.graph.csr.Graph;
import io.graphagent.graph.kernels.Algorithm;
import io.graphagent.graph.kernels.Kernel;
import io.graphagent.graph.kernels.KernelParameters;
import io.graphagent.graph.kernels.Kernels;
import io.graphagent.graph.load.GraphProperties;
import io.graphagent.graph.testing.Datasets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Three runners that split the partitions between them, exchanging outboxes and broadcasts
 * by hand the way agents do over the network, give exactly the single-process result.
 */
class PartitionRunnerTest {
    private static final int PARTITIONS = 7;
    private final ExecutorService pool = Executors.newFixedThreadPool(2);

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void runnersSplittingThePartitionsMatchTheSingleProcessEngine(Algorithm algorithm) throws Exception {
        for (String name : List.of("example-directed", "example-undirected", "pr-directed")) {
            Path prefix = Datasets.graphalytics().resolve(name);
            Graph graph = Datasets.load(prefix, 2);
            GraphProperties props = GraphProperties.forPrefix(prefix);
            if (algorithm == Algorithm.SSSP && !graph.weighted()) {
                continue;
            }
            KernelParameters params = new KernelParameters(graph.originalId(0), 5, 0.85);
            Kernel kernel = Kernels.create(algorithm, graph, params);
            double[] expected = PregelEngine.run(graph, kernel.program(), new EngineOptions(2, PARTITIONS),
                    ProgressListener.NONE).values();

            int[][] ownedBy = {{0, 3, 6}, {1, 4}, {2, 5}};
            double[] actual = runSplit(graph, kernel.program(), ownedBy);

            assertThat(actual).as("%s on %s (directed=%s)", algorithm, name, props.directed()).containsExactly(expected);
        }
    }

    private double[] runSplit(Graph graph, VertexProgram program, int[][] ownedBy) {
        SplitRun split = new SplitRun(graph, program, PARTITIONS, ownedBy, pool);
        long runnersWithVertices = java.util.Arrays.stream(ownedBy)
                .filter(ps -> java.util.Arrays.stream(ps).anyMatch(p -> split.partitioning.size(p) > 0))
                .count();
        assertThat(runnersWithVertices).as("every runner holds vertices").isEqualTo(ownedBy.length);
        while (!split.superstep()) {
            // runs to the end
        }
        return split.values();
    }
}
