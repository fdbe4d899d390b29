package io.graphagent.graph.partition;

/**
 * Original vertex ids grouped by their high bits into at most {@link #MAX_BLOCKS} blocks of
 * 2^shift consecutive ids, aligned to multiples of 2^shift and numbered from the block of the
 * smallest id (so ids clustered far from 0 still spread over many blocks). Partitions are made of whole blocks, and aggregators fold one
 * partial per block in block order (vertices of a block in id order), so an aggregate does
 * not depend on how the blocks are dealt into partitions or partitions onto agents: the
 * single-process engine and the cluster give the same bits whatever the partition count.
 *
 * @param shift  ids per block, as a power of two
 * @param offset the block of the smallest id, {@code minId >>> shift}
 * @param count  blocks covering ids {@code minId .. maxId}
 */
public record IdBlocks(int shift, long offset, int count) {
    /**
     * Upper bound on blocks: the granularity of partition boundaries (a partition is at least
     * one block) and the number of aggregator partials per superstep (8 bytes each).
     */
    public static final int MAX_BLOCKS = 4096;

    public IdBlocks {
        if (shift < 0 || shift > 63 || offset < 0 || count < 1 || count > MAX_BLOCKS) {
            throw new IllegalArgumentException("bad id blocks: shift " + shift + ", offset " + offset + ", count " + count);
        }
    }

    /** The blocks covering every id from {@code minId} to {@code maxId} (non-negative). */
    public static IdBlocks covering(long minId, long maxId) {
        if (minId < 0 || maxId < minId) {
            throw new IllegalArgumentException("vertex ids are non-negative: min " + minId + ", max " + maxId);
        }
        int shift = 0;
        while ((maxId >>> shift) - (minId >>> shift) >= MAX_BLOCKS) {
            shift++;
        }
        return new IdBlocks(shift, minId >>> shift, (int) ((maxId >>> shift) - (minId >>> shift)) + 1);
    }

    /** The block of an original id covered by these blocks. */
    public int blockOf(long originalId) {
        return (int) ((originalId >>> shift) - offset);
    }

    /** The smallest id a block can hold (a multiple of 2^shift, or 0). */
    public long firstId(int block) {
        return (block + offset) << shift;
    }
}
