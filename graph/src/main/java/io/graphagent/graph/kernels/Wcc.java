package io.graphagent.graph.kernels;

import io.graphagent.api.Combiner;
import io.graphagent.api.Edges;
import io.graphagent.api.Messages;
import io.graphagent.api.OutputFormat;
import io.graphagent.api.ProgramShape;
import io.graphagent.api.Vertex;
import io.graphagent.api.VertexProgram;

/**
 * Weakly connected components (Graphalytics WCC): edge direction ignored, each vertex
 * labelled with the smallest original id in its component. Min-label propagation (HCC,
 * Kang et al. 2009): a vertex whose label drops broadcasts it both ways; supersteps are
 * bounded by the component diameter plus one. No parameters.
 */
public final class Wcc implements VertexProgram {

    @Override
    public ProgramShape shape() {
        return ProgramShape.builder().combiner(Combiner.MIN).edges(Edges.BOTH).build();
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

    @Override
    public OutputFormat output() {
        return Labels.FORMAT;
    }
}
