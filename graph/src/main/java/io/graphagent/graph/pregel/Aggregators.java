package io.graphagent.graph.pregel;

import io.graphagent.api.Aggregator;
import io.graphagent.api.Combiner;
import io.graphagent.api.MasterCompute;

/**
 * The global side of a program's aggregators: folds per-block partials in block order (see
 * {@link io.graphagent.graph.partition.IdBlocks}: so sums depend neither on which thread or
 * agent computed what nor on the partition count) and runs the master compute hook on the
 * result. Used by the driver of a run, on one thread.
 */
public final class Aggregators {
    private final Aggregator[] aggregators;

    private final double[] values;

    public Aggregators(Aggregator[] aggregators) {
        this.aggregators = aggregators.clone();
        this.values = new double[aggregators.length];
        for (int i = 0; i < aggregators.length; i++) {
            values[i] = aggregators[i].op().identity();
        }
    }

    /** The partial value of aggregator {@code index} over id block {@code block}. */
    @FunctionalInterface
    public interface Partials {
        double partial(int block, int index);
    }

    /** Replaces the values with the fold, in block order, of the partials of blocks {@code 0 .. blocks-1}. */
    public void reduce(int blocks, Partials partials) {
        for (int i = 0; i < aggregators.length; i++) {
            Combiner op = aggregators[i].op();
            double acc = op.identity();
            for (int b = 0; b < blocks; b++) {
                acc = op.combine(acc, partials.partial(b, i));
            }
            values[i] = acc;
        }
    }

    /** The current values, as the vertices of the next superstep see them. */
    public double[] values() {
        return values;
    }

    /**
     * Runs the master hook, if any, before superstep {@code nextSuperstep}.
     *
     * @return true when the master halted the run
     */
    public boolean runMaster(MasterCompute master, int nextSuperstep, long stillActive) {
        if (master == null) {
            return false;
        }
        boolean[] halt = {false};
        master.compute(new MasterCompute.MasterContext() {
            @Override public int superstep() { return nextSuperstep; }

            @Override public double aggregated(int index) { return values[index]; }

            @Override public void setAggregated(int index, double value) { values[index] = value; }

            @Override public long activeVertices() { return stillActive; }

            @Override public void haltComputation() { halt[0] = true; }
        });
        return halt[0];
    }
}
