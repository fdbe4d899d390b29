package io.graphagent.graph.kernels;

import io.graphagent.api.VertexProgram;
import io.graphagent.graph.csr.Graph;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntToLongFunction;

/**
 * Builds a built-in kernel for an algorithm through the {@link ProgramRegistry}, configured from
 * its {@link KernelParameters} and checked against the graph (source in it, weights present).
 */
public final class Kernels {
    private Kernels() {
    }

    /**
     * @throws IllegalArgumentException when a parameter does not fit the graph (source not in
     *     it, SSSP on an unweighted graph, negative iterations, damping outside [0, 1])
     */
    public static Kernel create(Algorithm algorithm, Graph graph, KernelParameters p) {
        if (algorithm.needsSource() && graph.denseId(p.sourceVertex()) < 0) {
            throw sourceMissing(p);
        }
        return create(algorithm, p, graph.weighted(), graph::originalId);
    }

    /**
     * Builds the kernel for a runner that holds only part of the graph.
     *
     * @param sourceDense dense id of the BFS / SSSP source (-1 when none of the graph's ids is it)
     * @param originalIds the original id of any dense id whose value may be printed (labels)
     */
    public static Kernel create(Algorithm algorithm, KernelParameters p, boolean weighted, int sourceDense,
                                IntToLongFunction originalIds) {
        if (algorithm.needsSource() && sourceDense < 0) {
            throw sourceMissing(p);
        }
        return create(algorithm, p, weighted, originalIds);
    }

    private static Kernel create(Algorithm algorithm, KernelParameters p, boolean weighted, IntToLongFunction originalIds) {
        if (algorithm.needsWeights() && !weighted) {
            throw new IllegalArgumentException(algorithm.cliName() + " needs edge weights: load the graph with weights"
                    + " (a third column in the edge file)");
        }
        return new Kernel(programShape(algorithm, p), originalIds);
    }

    /**
     * The configured program of a built-in kernel, for a driver that coordinates a run without
     * holding the graph (the cluster's coordinator reads its shape and master compute).
     */
    public static VertexProgram programShape(Algorithm algorithm, KernelParameters p) {
        VertexProgram program = ProgramRegistry.builtIn(algorithm.cliName());
        program.configure(parameters(algorithm, p));
        return program;
    }

    /** The registry parameters of a built-in kernel: only those it reads. */
    private static ParameterMap parameters(Algorithm algorithm, KernelParameters p) {
        Map<String, String> m = new LinkedHashMap<>();
        if (algorithm.needsSource()) {
            m.put(Bfs.SOURCE, Long.toString(p.sourceVertex()));
        }
        m.put(PageRank.ITERATIONS, Integer.toString(p.iterations()));
        m.put(PageRank.DAMPING, Double.toString(p.damping()));
        return new ParameterMap(m);
    }

    private static IllegalArgumentException sourceMissing(KernelParameters p) {
        return new IllegalArgumentException("source vertex " + p.sourceVertex()
                + " is not in the graph: give --source with an id from the vertex file");
    }
}
