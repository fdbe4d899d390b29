package io.graphagent.graph.kernels;

import io.graphagent.graph.pregel.VertexProgram;

/** A kernel bound to a graph and its parameters: the program to run and how to print its values. */
public interface Kernel {

    VertexProgram program();

    /** The Graphalytics output text of one final vertex value. */
    String format(double value);

    /**
     * Whether final values are dense vertex ids (labels) that {@link #format} prints as
     * original ids: a runner holding part of the graph must learn those of other partitions.
     */
    default boolean valuesNameVertices() {
        return false;
    }
}
