package io.graphagent.agent.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.graphagent.config.GraphagentConfig;
import io.graphagent.config.JobConfig;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkpoint directory that cannot be written (its parent is a regular file, which stops
 * root too) does not cost the result: each checkpoint fails with a clear error, the job
 * carries on by policy and writes exactly the single-process result.
 */
class UnwritableCheckpointTest {
    private static final int PARTITIONS = 5;

    @TempDir
    Path dir;

    @Test
    void jobCarriesOnWhenCheckpointsCannotBeWrittenAndItsResultIsExact() throws Exception {
        Path notADirectory = dir.resolve("plain-file");
        Files.writeString(notADirectory, "x");
        Path graph = Path.of(System.getProperty("graphagent.shared", "/work/shared"), "datasets", "graphalytics", "pr-directed");
        Path output = dir.resolve("pr.txt");
        try (InProcessCluster cluster = InProcessCluster.start(dir, 2, c -> new GraphagentConfig(c.profile(), c.cluster(),
                c.coordinator(), c.agent(), c.session(), c.grpc(), c.tls(), c.network(),
                new JobConfig(2, notADirectory.resolve("checkpoints"), c.job().checkpointStorage(),
                        c.job().partitionsPerAgent()), c.admin()))) {
            JobProgress last = cluster.submitAndWait(JobSpec.newBuilder()
                    .setAlgorithm(io.graphagent.protocol.v1.Algorithm.PAGERANK).setGraph(graph.toString())
                    .setPartitions(PARTITIONS).setOutputPath(output.toString()).build());
            assertThat(last.getState()).as(last.getMessage()).isEqualTo(JobState.SUCCEEDED);
        }
        Graph g = GraphLoader.load(GraphSource.graphalytics(graph, true, false), 2, LoadProgress.NONE);
        Kernel kernel = Kernels.create(Algorithm.PAGERANK, g, new KernelParameters(-1, 14, 0.85));
        double[] values = PregelEngine.run(g, kernel.program(), new EngineOptions(2, PARTITIONS), ProgressListener.NONE).values();
        Map<Long, String> expected = new HashMap<>();
        for (int v = 0; v < g.numVertices(); v++) {
            expected.put(g.originalId(v), kernel.format(values[v]));
        }
        assertThat(ResultComparator.read(output)).isEqualTo(expected);
    }
}
