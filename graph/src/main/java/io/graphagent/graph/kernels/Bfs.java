package io.graphagent.graph.kernels;

import io.graphagent.api.Combiner;
import io.graphagent.api.Messages;
import io.graphagent.api.OutputFormat;
import io.graphagent.api.Parameters;
import io.graphagent.api.ProgramShape;
import io.graphagent.api.Vertex;
import io.graphagent.api.VertexProgram;

/**
 * Breadth-first search (Graphalytics BFS): the number of edges on a shortest path from the
 * source, following edges forwards in a directed graph; unreachable vertices get
 * {@link Long#MAX_VALUE}. The frontier broadcasts depth + 1; a vertex keeps the least depth
 * it hears. O(E) messages in all, one superstep per level. Parameter: {@code source} (an
 * original vertex id, required).
 */
public final class Bfs implements VertexProgram {
    /** Parameter: the original id of the source vertex. */
    public static final String SOURCE = "source";

    private long source;

    @Override
    public void configure(Parameters parameters) {
        source = parameters.getLong(SOURCE);
    }

    @Override
    public ProgramShape shape() {
        return ProgramShape.builder().combiner(Combiner.MIN).build();
    }

    @Override
    public void compute(Vertex vertex, Messages messages) {
        if (vertex.superstep() == 0) {
            if (vertex.originalId() == source) {
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

    @Override
    public OutputFormat output() {
        return state -> {
            double value = state.getDouble(0);
            return Double.isInfinite(value) ? Long.toString(Long.MAX_VALUE) : Long.toString((long) value);
        };
    }
}
