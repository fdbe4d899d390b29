package io.graphagent.graph.kernels;

import io.graphagent.api.Combiner;
import io.graphagent.api.EdgeTransform;
import io.graphagent.api.Messages;
import io.graphagent.api.OutputFormat;
import io.graphagent.api.Parameters;
import io.graphagent.api.ProgramShape;
import io.graphagent.api.Vertex;
import io.graphagent.api.VertexProgram;

/**
 * Single-source shortest paths (Graphalytics SSSP) over non-negative edge weights: the least
 * total weight of a path from the source, forwards in a directed graph; unreachable vertices
 * print {@code infinity}. Bellman-Ford in supersteps: a vertex whose distance drops
 * broadcasts it, and each edge adds its weight on the way. Parameter: {@code source} (an
 * original vertex id, required).
 */
public final class Sssp implements VertexProgram {
    private long source;

    @Override
    public void configure(Parameters parameters) {
        source = parameters.getLong(Bfs.SOURCE);
    }

    @Override
    public ProgramShape shape() {
        return ProgramShape.builder().combiner(Combiner.MIN).edgeTransform(EdgeTransform.ADD_WEIGHT).build();
    }

    @Override
    public void compute(Vertex vertex, Messages messages) {
        if (vertex.superstep() == 0) {
            if (vertex.originalId() == source) {
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

    @Override
    public OutputFormat output() {
        return state -> {
            double value = state.getDouble(0);
            return Double.isInfinite(value) ? "infinity" : Double.toString(value);
        };
    }
}
