package io.graphagent.examples;

import io.graphagent.api.Messages;
import io.graphagent.api.ProgramShape;
import io.graphagent.api.Vertex;
import io.graphagent.api.VertexProgram;

/** A program that never votes to halt and sets no superstep cap: only --max-supersteps or a cancel ends it. */
public final class NeverHalts implements VertexProgram {
    @Override
    public ProgramShape shape() {
        return ProgramShape.builder().longs(1).build();
    }

    @Override
    public void compute(Vertex vertex, Messages messages) {
        vertex.setLong(0, vertex.superstep());
    }
}
