package io.graphagent.graph.pregel;

/**
 * The outcome of a run.
 *
 * @param values final value per dense vertex id
 * @param supersteps supersteps run
 * @param messages messages sent in all (a broadcast counts once per edge it follows)
 * @param computeNanos wall time of the superstep loop, in nanoseconds
 */
public record PregelResult(double[] values, int supersteps, long messages, long computeNanos) {
}
