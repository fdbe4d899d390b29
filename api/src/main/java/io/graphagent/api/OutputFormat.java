package io.graphagent.api;

/**
 * How a vertex's final state is printed: the text after {@code "originalId "} on the vertex's
 * line of the result file (ASCII, no newline). Called once per vertex after the run, on one
 * thread at a time.
 */
@FunctionalInterface
public interface OutputFormat {

    /** Every double field ({@link Double#toString}) then every long field, separated by spaces. */
    OutputFormat ALL_FIELDS = state -> {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < state.doubleFields(); i++) {
            if (!text.isEmpty()) {
                text.append(' ');
            }
            text.append(state.getDouble(i));
        }
        for (int i = 0; i < state.longFields(); i++) {
            if (!text.isEmpty()) {
                text.append(' ');
            }
            text.append(state.getLong(i));
        }
        return text.toString();
    };

    /** The text of one vertex's final state. */
    String format(VertexState state);

    /**
     * Whether double field 0 holds dense vertex ids that {@link #format} prints through
     * {@link VertexState#originalIdOf} (community labels): a runner holding part of the graph
     * must then learn the original ids of vertices owned elsewhere.
     */
    default boolean valuesNameVertices() {
        return false;
    }
}
