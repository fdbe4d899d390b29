package io.graphagent.graph.kernels;

import io.graphagent.graph.csr.Graph;
import io.graphagent.graph.pregel.VertexProgram;

/** Builds the kernel for an algorithm, checking its parameters against the graph. */
public final class Kernels {
    private Kernels() {
    }

    /**
     * @throws IllegalArgumentException when a parameter does not fit the graph (source not in
     *     it, SSSP on an unweighted graph, negative iterations, damping outside [0, 1])
     */
    public static Kernel create(Algorithm algorithm, Graph graph, KernelParameters p) {
        return switch (algorithm) {
            case BFS -> new Bfs(source(graph, p));
            case SSSP -> {
                if (!graph.weighted()) {
                    throw new IllegalArgumentException("sssp needs edge weights: load the graph with weights (a third column in the edge file)");
                }
                yield new Sssp(source(graph, p));
            }
            case PAGERANK -> {
                if (!(p.damping() >= 0 && p.damping() <= 1)) {
                    throw new IllegalArgumentException("damping factor " + p.damping() + " is outside [0, 1]: use e.g. --damping 0.85");
                }
                yield new PageRank(iterations(p), p.damping());
            }
            case WCC -> new Wcc(graph::originalId);
            case CDLP -> new Cdlp(graph::originalId, iterations(p));
            case LCC -> new Lcc();
        };
    }

    /**
     * Builds the kernel for a runner that holds only part of the graph.
     *
     * @param sourceDense dense id of the BFS / SSSP source (-1 when none of the graph's ids is it)
     * @param originalIds the original id of any dense id whose value may be printed (labels)
     */
    public static Kernel create(Algorithm algorithm, KernelParameters p, boolean weighted, int sourceDense,
                                java.util.function.IntToLongFunction originalIds) {
        return switch (algorithm) {
            case BFS -> new Bfs(checkSource(sourceDense, p));
            case SSSP -> {
                if (!weighted) {
                    throw new IllegalArgumentException("sssp needs edge weights: load the graph with weights (a third column in the edge file)");
                }
                yield new Sssp(checkSource(sourceDense, p));
            }
            case PAGERANK -> programOf(algorithm, p);
            case WCC -> new Wcc(originalIds);
            case CDLP -> new Cdlp(originalIds, iterations(p));
            case LCC -> new Lcc();
        };
    }

    private static Kernel programOf(Algorithm algorithm, KernelParameters p) {
        if (!(p.damping() >= 0 && p.damping() <= 1)) {
            throw new IllegalArgumentException("damping factor " + p.damping() + " is outside [0, 1]: use e.g. --damping 0.85");
        }
        return new PageRank(iterations(p), p.damping());
    }

    private static int checkSource(int dense, KernelParameters p) {
        if (dense < 0) {
            throw new IllegalArgumentException("source vertex " + p.sourceVertex()
                    + " is not in the graph: give --source with an id from the vertex file");
        }
        return dense;
    }

    /**
     * The program of a kernel for a driver that coordinates a run without holding the graph
     * (the cluster's coordinator): its aggregators, master compute, superstep cap, combiner
     * and directions are those of the real kernel; it must not compute or format.
     */
    public static VertexProgram programShape(Algorithm algorithm, KernelParameters p) {
        return switch (algorithm) {
            case BFS -> new Bfs(-1);
            case SSSP -> new Sssp(-1);
            case PAGERANK -> new PageRank(iterations(p), p.damping());
            case WCC -> new Wcc(null);
            case CDLP -> new Cdlp(null, iterations(p));
            case LCC -> new Lcc();
        };
    }

    private static int source(Graph graph, KernelParameters p) {
        int dense = graph.denseId(p.sourceVertex());
        if (dense < 0) {
            throw new IllegalArgumentException("source vertex " + p.sourceVertex()
                    + " is not in the graph: give --source with an id from the vertex file");
        }
        return dense;
    }

    private static int iterations(KernelParameters p) {
        if (p.iterations() < 0) {
            throw new IllegalArgumentException("iterations must be 0 or more, got " + p.iterations());
        }
        return p.iterations();
    }
}
