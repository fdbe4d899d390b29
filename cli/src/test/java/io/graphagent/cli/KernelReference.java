package io.graphagent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.graphagent.graph.csr.Graph;
import io.graphagent.graph.kernels.Algorithm;
import io.graphagent.graph.kernels.KernelParameters;
import io.graphagent.graph.load.GraphLoader;
import io.graphagent.graph.load.GraphSource;
import io.graphagent.graph.load.LoadProgress;
import io.graphagent.graph.output.ResultComparator;
import io.graphagent.graph.pregel.EngineOptions;
import io.graphagent.graph.pregel.ProgressListener;
import io.graphagent.protocol.v1.JobSpec;
import io.graphagent.protocol.v1.SubmitRequest;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * The fault-free answer of any kernel for the fault tests: a graph, the cluster job of one
 * kernel on it, and the check that the cluster wrote exactly what the single-process engine
 * writes for the same graph, parameters and partitions.
 *
 * @param prefix     the graph's {@code .v}/{@code .e} files without the extension
 * @param directed   whether the graph is directed
 * @param algorithm  the kernel
 * @param parameters its source vertex, iterations and damping (unused ones as the engine ignores them)
 * @param partitions partitions of the cluster job and of the engine run
 */
record KernelReference(Path prefix, boolean directed, Algorithm algorithm, KernelParameters parameters, int partitions) {

    /**
     * Writes an undirected, weighted graph of {@code layers} layers of {@code width} vertices
     * into {@code dir}: each vertex has an edge to 4 random vertices of the next layer and to 2
     * of its own (so that it has triangles), weights in [1, 10). Its diameter is about
     * {@code layers}, so BFS, SSSP and WCC run about that many supersteps; vertex ids grow
     * layer by layer (the smallest label starts at one end). Returns the prefix.
     */
    static Path layeredGraph(Path dir, int layers, int width, long seed) throws IOException {
        Path prefix = dir.resolve("layers-" + layers + "x" + width);
        SplittableRandom random = new SplittableRandom(seed);
        long edges = 0;
        try (BufferedWriter v = Files.newBufferedWriter(prefix.resolveSibling(prefix.getFileName() + ".v"), StandardCharsets.US_ASCII);
             BufferedWriter e = Files.newBufferedWriter(prefix.resolveSibling(prefix.getFileName() + ".e"), StandardCharsets.US_ASCII)) {
            for (int layer = 0; layer < layers; layer++) {
                for (int i = 0; i < width; i++) {
                    long id = 1 + (long) layer * width + i;
                    v.write(id + "\n");
                    for (int k = 0; k < 6; k++) {
                        int targetLayer = k < 4 ? layer + 1 : layer;
                        long target = 1 + (long) targetLayer * width + random.nextInt(width);
                        if (targetLayer < layers && target != id) {
                            e.write(id + " " + target + " " + (1 + random.nextInt(900) / 100.0) + "\n");
                            edges++;
                        }
                    }
                }
            }
        }
        String name = prefix.getFileName().toString();
        Files.writeString(prefix.resolveSibling(name + ".properties"), String.join("\n",
                "graph." + name + ".vertex-file = " + name + ".v",
                "graph." + name + ".edge-file = " + name + ".e",
                "graph." + name + ".meta.vertices = " + (long) layers * width,
                "graph." + name + ".meta.edges = " + edges,
                "graph." + name + ".directed = false",
                "graph." + name + ".edge-properties.names = weight",
                "graph." + name + ".edge-properties.types = real",
                "graph." + name + ".sssp.weight-property = weight", ""), StandardCharsets.US_ASCII);
        return prefix;
    }

    /** The cluster job: this kernel writing to {@code output}, a checkpoint every {@code checkpointEvery} supersteps. */
    SubmitRequest request(Path output, int checkpointEvery) {
        JobSpec.Builder spec = JobSpec.newBuilder()
                .setAlgorithm(io.graphagent.protocol.v1.Algorithm.valueOf(algorithm.name())).setGraph(prefix.toString())
                .setDirected(directed).setPartitions(partitions).setCheckpointEvery(checkpointEvery)
                .setOutputPath(output.toString());
        if (algorithm.needsSource()) {
            spec.setSourceVertex(parameters.sourceVertex());
        }
        if (algorithm == Algorithm.PAGERANK || algorithm == Algorithm.CDLP) {
            spec.setIterations(parameters.iterations());
        }
        if (algorithm == Algorithm.PAGERANK) {
            spec.setDamping(parameters.damping());
        }
        return SubmitRequest.newBuilder().setJob(spec).build();
    }

    /** Asserts that {@code clusterOutput} equals, line for line, the engine's output (written beside it). */
    void assertEngineWrites(Path clusterOutput) throws Exception {
        Graph graph = GraphLoader.load(GraphSource.graphalytics(prefix, directed, algorithm.needsWeights()), 2, LoadProgress.NONE);
        Path single = clusterOutput.resolveSibling(clusterOutput.getFileName() + ".engine");
        KernelJob.run(graph, prefix + ".v", algorithm, parameters, new EngineOptions(2, partitions), ProgressListener.NONE, single,
                io.graphagent.graph.output.Existing.REPLACE);
        assertThat(ResultComparator.read(clusterOutput)).as(algorithm + ": cluster output vs the single-process engine's")
                .isEqualTo(ResultComparator.read(single));
    }
}
