package io.graphagent.graph.pregel;

/**
 * How the single-process engine runs a program.
 *
 * @param threads compute threads; more than the cores only adds switching
 * @param partitions partitions of the vertices (contiguous id ranges balanced by vertices and
 *     edges, at most {@code Partitioning.MAX_PARTITIONS}); more than threads balances load
 *     (a partition is the unit of work a thread takes) at the cost of more message buffers
 */
public record EngineOptions(int threads, int partitions) {

    /** Partitions per thread by default: enough for balance, few enough for small buffers. */
    public static final int PARTITIONS_PER_THREAD = 4;

    public EngineOptions {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        if (partitions < 1 || partitions > io.graphagent.graph.partition.Partitioning.MAX_PARTITIONS) {
            throw new IllegalArgumentException("partitions must be 1.." + io.graphagent.graph.partition.Partitioning.MAX_PARTITIONS
                    + ", got " + partitions);
        }
    }

    public static EngineOptions defaults(int threads) {
        return new EngineOptions(threads, threads * PARTITIONS_PER_THREAD);
    }
}
