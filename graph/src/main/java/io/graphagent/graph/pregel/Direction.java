package io.graphagent.graph.pregel;

/** Which edges a broadcast follows. In an undirected graph both mean "every neighbour, once". */
public enum Direction {
    /** Along out-edges: from a vertex to the targets of its edges. */
    OUT,
    /** Along out- and in-edges; a neighbour joined both ways receives the message twice. */
    BOTH
}
