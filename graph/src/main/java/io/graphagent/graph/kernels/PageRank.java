package io.graphagent.graph.kernels;

import io.graphagent.api.Aggregator;
import io.graphagent.api.Combiner;
import io.graphagent.api.EdgeUse;
import io.graphagent.api.Messages;
import io.graphagent.api.OutputFormat;
import io.graphagent.api.ParameterException;
import io.graphagent.api.Parameters;
import io.graphagent.api.ProgramShape;
import io.graphagent.api.Vertex;
import io.graphagent.api.VertexProgram;

/**
 * PageRank (Graphalytics PR) for a fixed number of iterations, no convergence test:
 * {@code PR'(v) = (1-d)/n + d * sum(PR(u)/outdeg(u) for in-neighbours u) + d/n * D}, where D
 * is the rank held by dangling vertices (no out-edges), summed by an aggregator. Superstep
 * 0 sets 1/n; supersteps 1..k are the k iterations. Parameters: {@code iterations} (default
 * {@link KernelSettings#DEFAULT_PR_ITERATIONS}), {@code damping} (default
 * {@link KernelSettings#DEFAULT_DAMPING}).
 */
public final class PageRank implements VertexProgram {
    /** Parameter: number of iterations, 0 or more. */
    public static final String ITERATIONS = "iterations";
    /** Parameter: damping factor in [0, 1]. */
    public static final String DAMPING = "damping";
    private static final int DANGLING = 0;

    private int iterations = KernelSettings.DEFAULT_PR_ITERATIONS;
    private double damping = KernelSettings.DEFAULT_DAMPING;

    @Override
    public void configure(Parameters parameters) {
        iterations = Iterations.read(parameters, KernelSettings.DEFAULT_PR_ITERATIONS);
        damping = parameters.getDouble(DAMPING, KernelSettings.DEFAULT_DAMPING);
        if (!(damping >= 0 && damping <= 1)) {
            throw new ParameterException(DAMPING, "damping factor " + damping + " is outside [0, 1]: use e.g. --damping 0.85");
        }
    }

    @Override
    public ProgramShape shape() {
        // Reads only out-degrees, and every vertex with out-edges broadcasts in each superstep below
        // the iteration count (none after), so every broadcast is pulled over in-edges.
        return ProgramShape.builder().combiner(Combiner.SUM).edgeUse(EdgeUse.IN_AND_OUT_DEGREES)
                .aggregators(new Aggregator("dangling-rank", Combiner.SUM))
                .maxSupersteps(Iterations.cap(iterations)).build();
    }

    @Override
    public void compute(Vertex vertex, Messages messages) {
        int n = vertex.numVertices();
        double rank;
        if (vertex.superstep() == 0) {
            rank = 1.0 / n;
        } else {
            double sum = messages.hasNext() ? messages.next() : 0.0;
            rank = (1 - damping) / n + damping * sum + damping / n * vertex.aggregated(DANGLING);
        }
        vertex.setValue(rank);
        if (vertex.superstep() < iterations) {
            int outDegree = vertex.outDegree();
            if (outDegree > 0) {
                vertex.sendToNeighbors(rank / outDegree);
            } else {
                vertex.aggregate(DANGLING, rank);
            }
        } else {
            vertex.voteToHalt();
        }
    }

    @Override
    public OutputFormat output() {
        return state -> Double.toString(state.getDouble(0));
    }
}
