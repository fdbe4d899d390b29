package io.graphagent.graph.pregel;

/**
 * The outcome of a run.
 *
 * @param doubles final double fields, per field then dense vertex id
 * @param longs final long fields, per field then dense vertex id
 * @param supersteps supersteps run
 * @param messages messages sent in all (a broadcast counts once per edge it follows)
 * @param computeNanos wall time of the superstep loop, in nanoseconds
 */
public record PregelResult(double[][] doubles, long[][] longs, int supersteps, long messages, long computeNanos) {

    /** Double field 0 per dense vertex id: the value of a one-value program. */
    public double[] values() {
        if (doubles.length == 0) {
            throw new IllegalStateException("the program has no double field; read longs()");
        }
        return doubles[0];
    }
}
