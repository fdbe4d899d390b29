package io.graphagent.graph.pregel;

import io.graphagent.api.Aggregator;
import io.graphagent.graph.partition.GraphShare;
import io.graphagent.graph.partition.Partitioning;

/**
 * One partition's aggregator partials in a compute phase, one per id block of the partition
 * and aggregator: folded per block (see {@link io.graphagent.graph.partition.IdBlocks}) so
 * that the global fold's bits do not depend on how blocks are dealt into partitions. Used by
 * the thread computing the partition; read by the driver after the phase.
 */
final class BlockAggregates {
    private final Aggregator[] aggregators;
    /** Partials per block of this partition: [block - firstBlock][aggregator]. */
    private final double[] partial;
    private final int firstBlock;
    /** Slot where each block of this partition ends. */
    private final int[] blockEnd;
    /** Block (index from firstBlock) of the vertex being computed, advanced lazily by {@link #add}. */
    private int block;

    /** For the partition whose members are the slots {@code first .. end-1} of {@code share}. */
    BlockAggregates(GraphShare share, Aggregator[] aggregators, int partition, int first, int end) {
        Partitioning partitioning = share.partitioning();
        this.aggregators = aggregators;
        this.firstBlock = partitioning.firstBlock(partition);
        int blocks = partitioning.endBlock(partition) - firstBlock;
        this.partial = new double[Math.max(1, blocks) * aggregators.length];
        this.blockEnd = blockEnds(share, blocks, first, end);
    }

    /** The slot where each of this partition's blocks ends: members are in id order, so blocks are runs. */
    private int[] blockEnds(GraphShare share, int blocks, int first, int end) {
        int[] ends = new int[Math.max(1, blocks)];
        var ids = share.partitioning().blocks();
        int b = 0;
        for (int slot = first; slot < end; slot++) {
            int of = ids.blockOf(share.originalId(slot)) - firstBlock;
            while (b < of) {
                ends[b++] = slot;
            }
        }
        while (b < ends.length) {
            ends[b++] = end;
        }
        return ends;
    }

    /** Starts a compute phase: every partial back to its aggregator's identity. */
    void reset() {
        int count = aggregators.length;
        for (int i = 0; i < partial.length; i++) {
            partial[i] = aggregators[i % count].op().identity();
        }
        block = 0;
    }

    /**
     * Folds {@code value} into aggregator {@code index}'s partial of the block holding
     * {@code slot}; within a phase, slots come in ascending order.
     */
    void add(int slot, int index, double value) {
        while (slot >= blockEnd[block]) {
            block++;
        }
        int at = block * aggregators.length + index;
        partial[at] = aggregators[index].op().combine(partial[at], value);
    }

    /** The partial of aggregator {@code index} over block {@code block} (a block of this partition). */
    double partial(int block, int index) {
        return partial[(block - firstBlock) * aggregators.length + index];
    }
}
