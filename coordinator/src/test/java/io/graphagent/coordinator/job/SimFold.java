package io.graphagent.coordinator.job;

/**
 * The vertex program of the job simulation, one value per partition, chosen so that every
 * decision of the job layer shows in the result: each superstep mixes a partition's value with
 * the messages delivered to it and with the aggregate the coordinator folded from all
 * partitions' partials, then sends one message to another partition. A report of the wrong
 * epoch taken, a partial lost or counted twice, a message delivered twice or not at all, or a
 * checkpoint of the wrong superstep restored changes the output. {@link #expected} is the same
 * fold run in one place, the reference the cluster's output must equal.
 */
final class SimFold {
    private static final long MASK = (1L << 40) - 1;
    private static final long SMALL = (1L << 20) - 1;

    private SimFold() {
    }

    /** A partition's value before superstep 0. */
    static long initial(int partition) {
        return partition + 1;
    }

    /** Superstep {@code step}'s compute of one partition. */
    static long compute(long value, long delivered, double aggregate, int step) {
        return (value * 0x9E3779B97F4A7C15L + delivered * 31 + (long) aggregate * 7 + step) & MASK;
    }

    /** The partition a partition sends its one message to in {@code step}. */
    static int target(int partition, int step, int partitions) {
        return (partition * 7 + step + 1) % partitions;
    }

    static long message(long value, int step) {
        return ((value >>> 5) + step) & SMALL;
    }

    /** A partition's partial of the one aggregator (a sum): small whole numbers, exact as doubles. */
    static double partial(long value) {
        return value % 1000;
    }

    /** The values after {@code supersteps} supersteps, computed in one place. */
    static long[] expected(int partitions, int supersteps) {
        long[] values = new long[partitions];
        long[] delivered = new long[partitions];
        for (int p = 0; p < partitions; p++) {
            values[p] = initial(p);
        }
        double aggregate = 0;
        for (int s = 0; s < supersteps; s++) {
            long[] next = new long[partitions];
            double sum = 0;
            for (int p = 0; p < partitions; p++) {
                values[p] = compute(values[p], delivered[p], aggregate, s);
                next[target(p, s, partitions)] += message(values[p], s);
                sum += partial(values[p]);
            }
            delivered = next;
            aggregate = sum;
        }
        return values;
    }

    /** The output file the job must write: "partition value" lines in partition order. */
    static String expectedOutput(int partitions, int supersteps) {
        StringBuilder out = new StringBuilder();
        long[] values = expected(partitions, supersteps);
        for (int p = 0; p < partitions; p++) {
            out.append(p).append(' ').append(values[p]).append('\n');
        }
        return out.toString();
    }
}
