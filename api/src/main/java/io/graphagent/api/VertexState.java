package io.graphagent.api;

/**
 * The final state of one vertex, as an {@link OutputFormat} reads it: a reused view, valid only
 * during the {@code format} call.
 */
public interface VertexState {

    /** Double field {@code field}. */
    double getDouble(int field);

    /** Long field {@code field}. */
    long getLong(int field);

    /** Number of double fields ({@link ProgramShape#doubleFields()}). */
    int doubleFields();

    /** Number of long fields ({@link ProgramShape#longFields()}). */
    int longFields();

    /**
     * The original id of dense id {@code dense}, for values that name vertices (labels). Only
     * for a format whose {@link OutputFormat#valuesNameVertices()} is true: a runner holding
     * part of the graph learns exactly the ids double field 0 names.
     */
    long originalIdOf(int dense);
}
