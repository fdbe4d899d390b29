package io.graphagent.api;

/**
 * Runs once between supersteps, after the barrier and before the next superstep starts, on one
 * thread: reads and may overwrite the aggregated values, or halts the run.
 */
@FunctionalInterface
public interface MasterCompute {

    /** Called before each superstep after the first. */
    void compute(MasterContext context);

    /** What the master sees between supersteps. */
    interface MasterContext {
        /** The superstep about to run. */
        int superstep();

        /** The value of aggregator {@code index} after the superstep just run. */
        double aggregated(int index);

        /** Overwrites aggregator {@code index}'s value as the next superstep sees it. */
        void setAggregated(int index, double value);

        /** Vertices that will compute in the next superstep unless halted (not halted, or messaged). */
        long activeVertices();

        /** Ends the run before the next superstep. */
        void haltComputation();
    }
}
