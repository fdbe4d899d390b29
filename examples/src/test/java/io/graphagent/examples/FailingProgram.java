package io.graphagent.examples;

import io.graphagent.api.Messages;
import io.graphagent.api.Parameters;
import io.graphagent.api.ProgramShape;
import io.graphagent.api.Vertex;
import io.graphagent.api.VertexProgram;

/** A program whose compute throws in superstep {@code at} (a required parameter): for the CLI's failure path. */
public final class FailingProgram implements VertexProgram {
    private long at;

    @Override
    public void configure(Parameters parameters) {
        at = parameters.getLong("at");
    }

    @Override
    public ProgramShape shape() {
        return ProgramShape.builder().build();
    }

    @Override
    public void compute(Vertex vertex, Messages messages) {
        if (vertex.superstep() == at) {
            throw new IllegalStateException("boom in superstep " + at);
        }
    }
}
