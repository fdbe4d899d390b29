package io.graphagent.graph.kernels;

import io.graphagent.graph.csr.Graph;
import io.graphagent.graph.pregel.Combiner;
import io.graphagent.graph.pregel.Direction;
import io.graphagent.graph.pregel.Messages;
import io.graphagent.graph.pregel.Vertex;
import io.graphagent.graph.pregel.VertexProgram;

/**
 * Weakly connected components (Graphalytics WCC): edge direction ignored, each vertex
 * labelled with the smallest original id in its component. Min-label propagation (HCC,
 * Kang et al. 2009): a vertex whose label drops broadcasts it both ways; supersteps are
 * bounded by the component diameter plus one.
 */
final class Wcc implements Kernel, VertexProgram {
    private final Graph graph;

    Wcc(Graph graph) {
        this.graph = graph;
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

    /** Labels are dense ids; dense order is original-id order, so the least dense id names the least original id. */
    @Override
    public String format(double value) {
        return Long.toString(graph.originalId((int) value));
    }
}
