package io.graphagent.graph.kernels;

import io.graphagent.api.OutputFormat;
import io.graphagent.api.VertexState;

/**
 * The output of a label in double field 0 that is a dense vertex id: printed as that vertex's
 * original id (dense order is original-id order, so the least dense id names the least original id).
 */
final class Labels implements OutputFormat {
    static final Labels FORMAT = new Labels();

    @Override
    public String format(VertexState state) {
        return Long.toString(state.originalIdOf((int) state.getDouble(0)));
    }

    @Override
    public boolean valuesNameVertices() {
        return true;
    }
}
