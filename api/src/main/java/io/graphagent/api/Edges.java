package io.graphagent.api;

/**
 * Which edges {@link Vertex#sendToNeighbors} follows. In an undirected graph all three mean
 * "every neighbour, once".
 */
public enum Edges {
    /** Along out-edges: from a vertex to the targets of its edges. */
    OUT,
    /** Against in-edges: from a vertex to the sources of the edges that point at it. */
    IN,
    /** Both ways; a neighbour joined both ways receives the message twice. */
    BOTH
}
