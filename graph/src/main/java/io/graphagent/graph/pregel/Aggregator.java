package io.graphagent.graph.pregel;

/**
 * A global value folded from every vertex's contribution in a superstep, visible to all
 * vertices (and to the master) in the next one. Partial values are folded in partition
 * order, so a sum does not depend on the thread count.
 */
public record Aggregator(String name, Combiner op) {
}
