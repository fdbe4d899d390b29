package io.graphagent.examples;

import io.graphagent.api.Combiner;
import io.graphagent.api.EdgeTransform;
import io.graphagent.api.Messages;
import io.graphagent.api.ProgramShape;
import io.graphagent.api.Vertex;
import io.graphagent.api.VertexProgram;

/**
 * Each vertex's lightest in-edge weight (the least message of the first superstep): a program
 * whose messages add the edge's weight ({@link EdgeTransform#ADD_WEIGHT}), so it needs a graph
 * with edge weights.
 */
public final class AddsWeights implements VertexProgram {
    @Override
    public ProgramShape shape() {
        return ProgramShape.builder().combiner(Combiner.MIN).edgeTransform(EdgeTransform.ADD_WEIGHT).maxSupersteps(2).build();
    }

    @Override
    public void compute(Vertex vertex, Messages messages) {
        if (vertex.superstep() == 0) {
            vertex.setValue(Double.POSITIVE_INFINITY);
            vertex.sendToNeighbors(0.0);
        } else if (messages.hasNext()) {
            vertex.setValue(messages.next());
        }
        vertex.voteToHalt();
    }
}
