package io.graphagent.graph.kernels;

import io.graphagent.graph.pregel.Combiner;
import io.graphagent.graph.pregel.Messages;
import io.graphagent.graph.pregel.Vertex;
import io.graphagent.graph.pregel.VertexProgram;

/**
 * Breadth-first search (Graphalytics BFS): the number of edges on a shortest path from the
 * source, following edges forwards in a directed graph; unreachable vertices get
 * {@link Long#MAX_VALUE}. The frontier broadcasts depth + 1; a vertex keeps the least depth
 * it hears. O(E) messages in all, one superstep per level.
 */
final class Bfs implements Kernel, VertexProgram {
    private final int source;

    Bfs(int source) {
        this.source = source;
    }

    @Override
    public void compute(Vertex vertex, Messages messages) {
        if (vertex.superstep() == 0) {
            if (vertex.id() == source) {
                vertex.setValue(0);
                vertex.sendToNeighbors(1);
            } else {
                vertex.setValue(Double.POSITIVE_INFINITY);
            }
        } else if (messages.hasNext()) {
            double depth = messages.next();
            if (depth < vertex.value()) {
                vertex.setValue(depth);
                vertex.sendToNeighbors(depth + 1);
            }
        }
        vertex.voteToHalt();
    }

    @Override public Combiner combiner() { return Combiner.MIN; }

    @Override public VertexProgram program() { return this; }

    @Override
    public String format(double value) {
        return Double.isInfinite(value) ? Long.toString(Long.MAX_VALUE) : Long.toString((long) value);
    }
}
