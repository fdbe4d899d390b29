package io.graphagent.cli;

import io.graphagent.graph.csr.Graph;
import io.graphagent.graph.kernels.Algorithm;
import io.graphagent.graph.kernels.Kernel;
import io.graphagent.graph.kernels.KernelParameters;
import io.graphagent.graph.kernels.Kernels;
import io.graphagent.graph.output.Existing;
import io.graphagent.graph.output.ResultWriter;
import io.graphagent.graph.pregel.EngineOptions;
import io.graphagent.graph.pregel.PregelEngine;
import io.graphagent.graph.pregel.PregelResult;
import io.graphagent.graph.pregel.ProgressListener;
import java.io.IOException;
import java.nio.file.Path;

/**
 * One kernel on one loaded graph, end to end: build the kernel (checking its parameters
 * against the graph), run it on the single-process engine, write the Graphalytics output.
 * Shared by {@code run} and {@code demo}.
 *
 * @param computeNanos wall time of the engine run, including its setup
 */
record KernelJob(Algorithm algorithm, PregelResult result, long computeNanos, Path output) {

    /**
     * @param vertexSet where the graph's vertices come from (a file name), for the message of a bad source
     * @param existing whether an existing regular file at {@code output} may be replaced
     * @throws BadInputException when the source vertex is not in the graph or a parameter does not fit it
     */
    static KernelJob run(Graph graph, String vertexSet, Algorithm algorithm, KernelParameters parameters,
                         EngineOptions engine, ProgressListener listener, Path output, Existing existing) throws IOException {
        return run(graph, vertexSet, algorithm, parameters, engine, listener, output, existing, Integer.MAX_VALUE);
    }

    /** {@link #run(Graph, String, Algorithm, KernelParameters, EngineOptions, ProgressListener, Path, Existing)} with at most {@code maxSupersteps} supersteps. */
    static KernelJob run(Graph graph, String vertexSet, Algorithm algorithm, KernelParameters parameters,
                         EngineOptions engine, ProgressListener listener, Path output, Existing existing, int maxSupersteps)
            throws IOException {
        if (algorithm.needsSource() && graph.denseId(parameters.sourceVertex()) < 0) {
            throw new BadInputException("source vertex " + parameters.sourceVertex() + " is not in the graph (" + vertexSet + ")",
                    "pass --source with a vertex id listed in " + vertexSet);
        }
        Kernel kernel;
        try {
            kernel = Kernels.create(algorithm, graph, parameters);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage());
        }
        long start = System.nanoTime();
        PregelResult result = PregelEngine.run(graph, kernel.program(), engine, listener, maxSupersteps);
        long nanos = System.nanoTime() - start;
        ResultWriter.write(output, graph, v -> kernel.format(result.doubles(), result.longs(), v), existing);
        return new KernelJob(algorithm, result, nanos, output);
    }

    double computeSeconds() {
        return computeNanos / 1e9;
    }
}
