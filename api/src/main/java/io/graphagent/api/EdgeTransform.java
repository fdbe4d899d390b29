package io.graphagent.api;

/** How a broadcast message changes along an edge; closed so the engine specialises its loops. */
public enum EdgeTransform {
    /** Arrives as sent. */
    IDENTITY,
    /** Arrives increased by the edge's weight (shortest paths); double messages only. */
    ADD_WEIGHT
}
