package io.graphagent.graph.partition;

import io.graphagent.graph.csr.Graph;
import java.util.Arrays;

/**
 * The split of a graph's vertices into partitions: contiguous ranges of dense ids (so of
 * original ids), each made of whole {@link IdBlocks}. A vertex's partition is a binary search
 * over the partitions' first vertices; a partition's members are {@code first(p) .. end(p)-1}.
 * Immutable; the same object describes a run in the single-process engine and on every agent.
 *
 * <p>Contiguous ranges rather than a hash: a dense id, a range and an owner are all an agent
 * needs to address any vertex without a table of the whole graph, and (with per-block
 * aggregation) results do not depend on where the boundaries fall.
 */
public final class Partitioning {
    /**
     * Most partitions of one job: each has a message buffer towards every other (P^2 in all),
     * and a partition holds at least one id block.
     */
    public static final int MAX_PARTITIONS = IdBlocks.MAX_BLOCKS;

    private final IdBlocks blocks;
    private final int[] firstBlock;
    private final int[] firstVertex;

    /**
     * @param firstBlock  first block of each partition, ascending, and the block count last
     * @param firstVertex first dense id of each partition, ascending, and the vertex count last
     */
    public Partitioning(IdBlocks blocks, int[] firstBlock, int[] firstVertex) {
        if (firstBlock.length != firstVertex.length || firstBlock.length < 2 || firstBlock.length - 1 > MAX_PARTITIONS) {
            throw new IllegalArgumentException("partition bounds of " + (firstBlock.length - 1) + " and "
                    + (firstVertex.length - 1) + " partitions");
        }
        if (firstBlock[0] != 0 || firstVertex[0] != 0 || firstBlock[firstBlock.length - 1] != blocks.count()) {
            throw new IllegalArgumentException("partitions must cover blocks 0.." + blocks.count() + " from vertex 0");
        }
        for (int p = 1; p < firstBlock.length; p++) {
            if (firstBlock[p] < firstBlock[p - 1] || firstVertex[p] < firstVertex[p - 1]) {
                throw new IllegalArgumentException("partition bounds must not decrease: partition " + p);
            }
        }
        this.blocks = blocks;
        this.firstBlock = firstBlock.clone();
        this.firstVertex = firstVertex.clone();
    }

    /**
     * Partitions of a loaded graph, balanced by {@link BlockWeights} (a vertex weighs
     * {@link BlockWeights#VERTEX_WEIGHT}, each stored edge end one).
     */
    public static Partitioning balanced(Graph graph, int partitions) {
        if (partitions < 1 || partitions > MAX_PARTITIONS) {
            throw new IllegalArgumentException("partitions must be 1.." + MAX_PARTITIONS + ", got " + partitions);
        }
        int n = graph.numVertices();
        IdBlocks blocks = n == 0 ? IdBlocks.covering(0, 0) : IdBlocks.covering(graph.originalId(0), graph.originalId(n - 1));
        BlockWeights weights = BlockWeights.of(blocks);
        int[] out = graph.outOffsets();
        int[] in = graph.inOffsets();
        for (int v = 0; v < n; v++) {
            long ends = (out[v + 1] - out[v]) + (graph.directed() ? in[v + 1] - in[v] : 0);
            weights.add(graph.originalId(v), BlockWeights.VERTEX_WEIGHT + ends);
        }
        return ofBlocks(graph, blocks, weights.split(partitions));
    }

    /** Partitions of a loaded graph made of the given block runs; each partition's first vertex found by search. */
    public static Partitioning ofBlocks(Graph graph, IdBlocks blocks, int[] firstBlock) {
        int[] firstVertex = new int[firstBlock.length];
        int n = graph.numVertices();
        int v = 0;
        for (int p = 0; p < firstBlock.length - 1; p++) {
            long firstId = blocks.firstId(firstBlock[p]);
            while (v < n && graph.originalId(v) < firstId) {
                v++;
            }
            firstVertex[p] = v;
        }
        firstVertex[firstBlock.length - 1] = n;
        firstVertex[0] = 0;
        return new Partitioning(blocks, firstBlock, firstVertex);
    }

    public int count() { return firstBlock.length - 1; }

    public IdBlocks blocks() { return blocks; }

    /** Vertices of the whole graph. */
    public int numVertices() { return firstVertex[firstVertex.length - 1]; }

    /** First dense id of partition {@code p}. */
    public int first(int p) { return firstVertex[p]; }

    /** One past the last dense id of partition {@code p}. */
    public int end(int p) { return firstVertex[p + 1]; }

    public int size(int p) { return firstVertex[p + 1] - firstVertex[p]; }

    public int firstBlock(int p) { return firstBlock[p]; }

    public int endBlock(int p) { return firstBlock[p + 1]; }

    /** The partition holding dense id {@code vertex}: the last partition starting at or before it. */
    public int partitionOf(int vertex) {
        int lo = 0;
        int hi = firstVertex.length - 2;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (firstVertex[mid] <= vertex) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        // Empty partitions share a first vertex with the next: take the last, which holds it.
        return lo;
    }

    /** The partition whose blocks hold original id {@code originalId}. */
    public int partitionOfId(long originalId) {
        return partitionOfBlock(blocks.blockOf(originalId));
    }

    /** The partition made of id block {@code block}. */
    public int partitionOfBlock(int block) {
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

    /** First blocks of every partition and the block count; a copy. */
    public int[] firstBlocks() { return firstBlock.clone(); }

    /** First dense ids of every partition and the vertex count; a copy. */
    public int[] firstVertices() { return firstVertex.clone(); }

    @Override
    public boolean equals(Object o) {
        return o instanceof Partitioning other && blocks.equals(other.blocks)
                && Arrays.equals(firstBlock, other.firstBlock) && Arrays.equals(firstVertex, other.firstVertex);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(firstBlock) + Arrays.hashCode(firstVertex);
    }
}
