package io.graphagent.api;

/**
 * A global {@code double} folded from every vertex's contribution in a superstep
 * ({@link Vertex#aggregate}), visible to all vertices (and to the {@link MasterCompute}) in the
 * next one. Partial values are folded in vertex-id block order, so a sum depends neither on the
 * thread count nor on how the graph is partitioned.
 *
 * @param name a name for logs and status
 * @param op the fold
 */
public record Aggregator(String name, Combiner op) {
    /** Checks both parts are given. */
    public Aggregator {
        java.util.Objects.requireNonNull(name, "aggregator name");
        java.util.Objects.requireNonNull(op, "aggregator combiner");
    }
}
