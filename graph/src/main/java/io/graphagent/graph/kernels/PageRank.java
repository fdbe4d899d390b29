package io.graphagent.graph.kernels;

import io.graphagent.graph.pregel.Aggregator;
import io.graphagent.graph.pregel.Combiner;
import io.graphagent.graph.pregel.EdgeUse;
import io.graphagent.graph.pregel.Messages;
import io.graphagent.graph.pregel.Vertex;
import io.graphagent.graph.pregel.VertexProgram;

/**
 * PageRank (Graphalytics PR) for a fixed number of iterations, no convergence test:
 * {@code PR'(v) = (1-d)/n + d * sum(PR(u)/outdeg(u) for in-neighbours u) + d/n * D}, where D
 * is the rank held by dangling vertices (no out-edges), summed by an aggregator. Superstep
 * 0 sets 1/n; supersteps 1..k are the k iterations.
 */
final class PageRank implements Kernel, VertexProgram {
    private static final int DANGLING = 0;
    private static final Aggregator[] AGGREGATORS = {new Aggregator("dangling-rank", Combiner.SUM)};

    private final int iterations;
    private final double damping;

    PageRank(int iterations, double damping) {
        this.iterations = iterations;
        this.damping = damping;
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

    @Override public Combiner combiner() { return Combiner.SUM; }

    /**
     * Reads only out-degrees, and every vertex with out-edges broadcasts in each superstep
     * below the iteration count (none after), so every broadcast is pulled over in-edges.
     */
    @Override public EdgeUse edgeUse() { return EdgeUse.IN_AND_OUT_DEGREES; }

    @Override public Aggregator[] aggregators() { return AGGREGATORS; }

    @Override public VertexProgram program() { return this; }

    /** Superstep 0 and the iterations 1..k; a cap the job never exceeds, so status can show "n of N". */
    @Override
    public int maxSupersteps() {
        return iterations == Integer.MAX_VALUE ? iterations : iterations + 1;
    }

    @Override
    public String format(double value) {
        return Double.toString(value);
    }
}
