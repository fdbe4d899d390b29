package io.graphagent.graph.pregel;

/**
 * The messages bound for one vertex in this superstep: with a combiner at most one, the
 * fold of all of them. A primitive iterator, reused by the engine (no allocation per vertex).
 */
public interface Messages {

    boolean hasNext();

    double next();

    /** True when no message arrived. */
    default boolean isEmpty() {
        return !hasNext();
    }
}
