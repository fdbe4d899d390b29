package io.graphagent.coordinator.job;

import io.graphagent.api.Messages;
import io.graphagent.api.Parameters;
import io.graphagent.api.ProgramShape;
import io.graphagent.api.Vertex;
import io.graphagent.api.VertexProgram;

/** A user program for JobProgramTest: reads a required long {@code steps} and a double {@code weight}. */
public final class StepsProgram implements VertexProgram {
    private long steps;

    @Override
    public void configure(Parameters parameters) {
        steps = parameters.getLong("steps");
        parameters.getDouble("weight", 1.0);
    }

    @Override
    public ProgramShape shape() {
        return ProgramShape.builder().doubles(2).maxSupersteps((int) steps).build();
    }

    @Override
    public void compute(Vertex vertex, Messages messages) {
        vertex.voteToHalt();
    }
}
