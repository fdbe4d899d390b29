package io.graphagent.graph.kernels;

import io.graphagent.graph.pregel.Combiner;
import io.graphagent.graph.pregel.Direction;
import io.graphagent.graph.pregel.Messages;
import io.graphagent.graph.pregel.Vertex;
import io.graphagent.graph.pregel.VertexProgram;
import java.util.function.IntToLongFunction;

/**
 * Weakly connected components (Graphalytics WCC): edge direction ignored, each vertex
 * labelled with the smallest original id in its component. Min-label propagation (HCC,
 * Kang et al. 2009): a vertex whose label drops broadcasts it both ways; supersteps are
 * bounded by the component diameter plus one.
 */
final class Wcc implements Kernel, VertexProgram {
    private final IntToLongFunction originalIds;

    /** @param originalIds the original id of a dense id, for printing labels; null for a program shape */
    Wcc(IntToLongFunction originalIds) {
        this.originalIds = originalIds;
    }

    @Override
    public void compute(Vertex vertex, Messages messages) {
        if (vertex.superstep() == 0) {
            vertex.setValue(vertex.id());
            vertex.sendToNeighbors(vertex.id());
        } else if (messages.hasNext()) {
            double label = messages.next();
            if (label < vertex.value()) {
                vertex.setValue(label);
                vertex.sendToNeighbors(label);
            }
        }
        vertex.voteToHalt();
    }

    @Override public Combiner combiner() { return Combiner.MIN; }

    @Override public Direction broadcastDirection() { return Direction.BOTH; }

    @Override public VertexProgram program() { return this; }

    @Override public boolean valuesNameVertices() { return true; }

    /** Labels are dense ids; dense order is original-id order, so the least dense id names the least original id. */
    @Override
    public String format(double value) {
        return Long.toString(originalIds.applyAsLong((int) value));
    }
}
