package io.graphagent.graph.kernels;

import io.graphagent.graph.pregel.Combiner;
import io.graphagent.graph.pregel.EdgeTransform;
import io.graphagent.graph.pregel.Messages;
import io.graphagent.graph.pregel.Vertex;
import io.graphagent.graph.pregel.VertexProgram;

/**
 * Single-source shortest paths (Graphalytics SSSP) over non-negative edge weights: the least
 * total weight of a path from the source, forwards in a directed graph; unreachable vertices
 * print {@code infinity}. Bellman-Ford in supersteps: a vertex whose distance drops
 * broadcasts it, and each edge adds its weight on the way.
 */
final class Sssp implements Kernel, VertexProgram {
    private final int source;

    Sssp(int source) {
        this.source = source;
    }

    @Override
    public void compute(Vertex vertex, Messages messages) {
        if (vertex.superstep() == 0) {
            if (vertex.id() == source) {
                vertex.setValue(0);
                vertex.sendToNeighbors(0);
            } else {
                vertex.setValue(Double.POSITIVE_INFINITY);
            }
        } else if (messages.hasNext()) {
            double distance = messages.next();
            if (distance < vertex.value()) {
                vertex.setValue(distance);
                vertex.sendToNeighbors(distance);
            }
        }
        vertex.voteToHalt();
    }

    @Override public Combiner combiner() { return Combiner.MIN; }

    @Override public EdgeTransform edgeTransform() { return EdgeTransform.ADD_WEIGHT; }

    @Override public VertexProgram program() { return this; }

    @Override
    public String format(double value) {
        return Double.isInfinite(value) ? "infinity" : Double.toString(value);
    }
}
