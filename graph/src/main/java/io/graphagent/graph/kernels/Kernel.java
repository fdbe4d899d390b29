package io.graphagent.graph.kernels;

import io.graphagent.graph.pregel.VertexProgram;

/** A kernel bound to a graph and its parameters: the program to run and how to print its values. */
public interface Kernel {

    VertexProgram program();

    /** The Graphalytics output text of one final vertex value. */
    String format(double value);
}
