package io.graphagent.graph.partition;

import java.util.Arrays;

/**
 * Partitions as runs of whole {@link IdBlocks}: what a load knows before vertices are numbered,
 * enough to find the partition of any original id. Immutable.
 */
public final class BlockRanges {
    private final IdBlocks blocks;
    private final int[] firstBlock;
    /**
     * The partition of every block (at most {@link IdBlocks#MAX_BLOCKS}): a load asks for the
     * partition of both ends of every edge, so the answer is one array read, not a search.
     */
    private final short[] partitionByBlock;

    /** @param firstBlock first block of each partition, ascending, and the block count last */
    public BlockRanges(IdBlocks blocks, int[] firstBlock) {
        if (firstBlock.length < 2 || firstBlock.length - 1 > Partitioning.MAX_PARTITIONS) {
            throw new IllegalArgumentException((firstBlock.length - 1) + " partitions: 1.." + Partitioning.MAX_PARTITIONS
                    + " allowed");
        }
        if (firstBlock[0] != 0 || firstBlock[firstBlock.length - 1] != blocks.count()) {
            throw new IllegalArgumentException("partitions must cover blocks 0.." + blocks.count());
        }
        for (int p = 1; p < firstBlock.length; p++) {
            if (firstBlock[p] < firstBlock[p - 1]) {
                throw new IllegalArgumentException("partition bounds must not decrease: partition " + p);
            }
        }
        this.blocks = blocks;
        this.firstBlock = firstBlock.clone();
        this.partitionByBlock = new short[blocks.count()];
        for (int p = 0; p < count(); p++) {
            // An empty partition has no block: its successor, which starts where it does, takes them.
            java.util.Arrays.fill(partitionByBlock, firstBlock[p], firstBlock[p + 1], (short) p);
        }
    }

    public IdBlocks blocks() { return blocks; }

    public int count() { return firstBlock.length - 1; }

    public int firstBlock(int p) { return firstBlock[p]; }

    public int endBlock(int p) { return firstBlock[p + 1]; }

    /** First blocks of every partition and the block count; a copy. */
    public int[] firstBlocks() { return firstBlock.clone(); }

    /** The partition whose blocks hold original id {@code originalId}; the id must lie in the blocks. */
    public int partitionOfId(long originalId) {
        long block = (originalId >>> blocks.shift()) - blocks.offset();
        if (block < 0 || block >= blocks.count()) {
            throw new IllegalArgumentException("vertex id " + originalId + " lies outside the graph's id blocks " + blocks);
        }
        return partitionOfBlock((int) block);
    }

    /** The partition made of id block {@code block}: the last one starting at or before it (earlier ones may be empty). */
    public int partitionOfBlock(int block) {
        if (block >= 0 && block < partitionByBlock.length) {
            return partitionByBlock[block];
        }
        int lo = 0;
        int hi = firstBlock.length - 2;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (firstBlock[mid] <= block) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BlockRanges other && blocks.equals(other.blocks) && Arrays.equals(firstBlock, other.firstBlock);
    }

    @Override
    public int hashCode() {
        return 31 * blocks.hashCode() + Arrays.hashCode(firstBlock);
    }
}
