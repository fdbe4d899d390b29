package io.graphagent.graph.pregel;

/**
 * The global side of a program's aggregators: folds per-partition partials in partition
 * order (so sums do not depend on which thread or agent computed what) and runs the master
 * compute hook on the result. Used by the driver of a run, on one thread.
 */
public final class Aggregators {
    private final Aggregator[] aggregators;
    private final int partitions;
    private final double[] values;

    public Aggregators(Aggregator[] aggregators, int partitions) {
        this.aggregators = aggregators.clone();
        this.partitions = partitions;
        this.values = new double[aggregators.length];
        for (int i = 0; i < aggregators.length; i++) {
            values[i] = aggregators[i].op().identity();
        }
    }

    /** The partial value of aggregator {@code index} from partition {@code partition}. */
    @FunctionalInterface
    public interface Partials {
        double partial(int partition, int index);
    }

    /** Replaces the values with the fold, in partition order, of every partition's partials. */
    public void reduce(Partials partials) {
        for (int i = 0; i < aggregators.length; i++) {
            Combiner op = aggregators[i].op();
            double acc = op.identity();
            for (int p = 0; p < partitions; p++) {
                acc = op.combine(acc, partials.partial(p, i));
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
