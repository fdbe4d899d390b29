package io.graphagent.cli;

import io.graphagent.graph.generate.RmatGenerator;
import io.graphagent.graph.kernels.Algorithm;
import io.graphagent.graph.kernels.KernelParameters;
import io.graphagent.protocol.v1.SubmitRequest;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The fault-free answer for the fault tests: a directed RMAT graph, the PageRank job a cluster
 * runs on it, and the check that the cluster wrote exactly what the single-process engine writes
 * for the same graph, iterations and partitions.
 *
 * @param prefix     the graph's {@code .v}/{@code .e} files without the extension
 * @param iterations PageRank iterations
 * @param partitions partitions of the cluster job and of the engine run
 */
record PageRankReference(Path prefix, int iterations, int partitions) {
    static final double DAMPING = 0.85;

    /** Generates RMAT {@code scale} (edge factor 16, seed 7) into {@code dir}. */
    static PageRankReference rmat(Path dir, int scale, int iterations, int partitions) throws IOException {
        Path prefix = dir.resolve("rmat-" + scale);
        RmatGenerator.generate(new RmatGenerator.Parameters(scale, 16, 7, false), prefix, 2, RmatGenerator.Progress.NONE);
        return new PageRankReference(prefix, iterations, partitions);
    }

    /** The cluster job: PageRank writing to {@code output}, a checkpoint every {@code checkpointEvery} supersteps. */
    SubmitRequest request(Path output, int checkpointEvery) {
        return kernel().request(output, checkpointEvery);
    }

    /** Asserts that {@code clusterOutput} equals, line for line, the engine's output (written beside it). */
    void assertEngineWrites(Path clusterOutput) throws Exception {
        kernel().assertEngineWrites(clusterOutput);
    }

    private KernelReference kernel() {
        return new KernelReference(prefix, true, Algorithm.PAGERANK, new KernelParameters(-1, iterations, DAMPING), partitions);
    }
}
