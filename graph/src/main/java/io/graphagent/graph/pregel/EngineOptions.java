package io.graphagent.graph.pregel;

/**
 * How the single-process engine runs a program.
 *
 * @param threads compute threads; more than the cores only adds switching
 * @param partitions hash partitions of the vertices; more than threads balances load
 *     (a partition is the unit of work a thread takes) at the cost of more message buffers
 */
public record EngineOptions(int threads, int partitions) {

    /** Partitions per thread by default: enough for balance, few enough for small buffers. */
    public static final int PARTITIONS_PER_THREAD = 4;

    public EngineOptions {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1, got " + partitions);
        }
    }

    public static EngineOptions defaults(int threads) {
        return new EngineOptions(threads, threads * PARTITIONS_PER_THREAD);
    }
}
