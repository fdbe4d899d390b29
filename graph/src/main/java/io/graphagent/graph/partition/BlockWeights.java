package io.graphagent.graph.partition;

import java.util.Arrays;

/**
 * How much work and memory each id block of a graph carries: {@link #VERTEX_WEIGHT} per vertex
 * plus one per stored edge end (Gemini's a|V| + |E|, Zhu et al., OSDI 2016), counted at the
 * resolution of {@link IdBlocks}. Agents count the records they parse, the coordinator adds
 * the counts up ({@link #merge}, exact: a coarser shift only adds neighbouring blocks) and
 * cuts the blocks into balanced partitions ({@link #split}). Not thread-safe.
 */
public final class BlockWeights {
    /**
     * Weight of a vertex against one stored edge end: a vertex holds about 36 bytes of job state
     * (value, flags, inbox, two broadcast slots), an edge end 4 to 12.
     */
    public static final long VERTEX_WEIGHT = 4;

    private final IdBlocks blocks;
    private final long[] weights;

    private BlockWeights(IdBlocks blocks, long[] weights) {
        this.blocks = blocks;
        this.weights = weights;
    }

    /** Empty weights at the resolution of {@code blocks}. */
    public static BlockWeights of(IdBlocks blocks) {
        return new BlockWeights(blocks, new long[blocks.count()]);
    }

    /** Weights already counted, e.g. received from an agent: {@code weights[b]} for block b of {@code blocks}. */
    public static BlockWeights of(IdBlocks blocks, long[] weights) {
        if (weights.length != blocks.count()) {
            throw new IllegalArgumentException(weights.length + " block weights for " + blocks.count() + " blocks");
        }
        return new BlockWeights(blocks, weights.clone());
    }

    public IdBlocks blocks() { return blocks; }

    /** Weight per block; do not modify. */
    public long[] weights() { return weights; }

    /** Adds {@code weight} to the block of {@code originalId}; the id must lie in these blocks. */
    public void add(long originalId, long weight) {
        weights[blocks.blockOf(originalId)] += weight;
    }

    /**
     * The sum of weights counted over any blocks, at the resolution of {@code into}, which must
     * cover their ids at the same or a coarser shift (blocks are aligned, so this is exact).
     */
    public static BlockWeights merge(IdBlocks into, Iterable<BlockWeights> parts) {
        long[] sum = new long[into.count()];
        for (BlockWeights part : parts) {
            IdBlocks from = part.blocks;
            if (from.shift() > into.shift()) {
                throw new IllegalArgumentException("weights at shift " + from.shift() + " are finer than the blocks' "
                        + into.shift() + " allow");
            }
            int coarsen = into.shift() - from.shift();
            for (int b = 0; b < part.weights.length; b++) {
                if (part.weights[b] != 0) {
                    long block = ((b + from.offset()) >>> coarsen) - into.offset();
                    if (block < 0 || block >= sum.length) {
                        throw new IllegalArgumentException("weights of ids outside the blocks " + into);
                    }
                    sum[(int) block] += part.weights[b];
                }
            }
        }
        return new BlockWeights(into, sum);
    }

    /**
     * Cuts the blocks into {@code partitions} contiguous runs of about equal weight: partition k
     * starts at the first block whose preceding weight reaches k/partitions of the total. A block
     * heavier than a share makes the following partitions empty rather than splitting it.
     *
     * @return the first block of each partition, and the block count at index {@code partitions}
     */
    public int[] split(int partitions) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1, got " + partitions);
        }
        long total = 0;
        for (long w : weights) {
            total += w;
        }
        int[] first = new int[partitions + 1];
        first[partitions] = weights.length;
        int block = 0;
        long before = 0;
        for (int k = 1; k < partitions; k++) {
            // Smallest block b with weight(blocks < b) >= ceil(k * total / partitions); no overflow:
            // k < 2^13 and a graph's total weight is below 2^40.
            long target = Math.ceilDiv(k * total, partitions);
            while (block < weights.length && before < target) {
                before += weights[block++];
            }
            first[k] = block;
        }
        return first;
    }

    @Override
    public String toString() {
        return "BlockWeights{" + blocks + ", total=" + Arrays.stream(weights).sum() + "}";
    }
}
