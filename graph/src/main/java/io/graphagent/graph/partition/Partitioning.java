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
     * The most partitions a graph is cut into, in the engine and on the cluster. Message
     * buffers and batches go per pair of partitions (P^2 of them each superstep), and a
     * partition holds at least one id block; a thousand already far outnumbers the threads of
     * any cluster this runs on. Checked at submit and by {@code run}, so that
     * {@code --partitions 2000000000} is refused rather than exhausting memory.
     */
    public static final int MAX_PARTITIONS = 1024;

    /** Dense ids per entry of {@link #partitionAtChunk} at most 2^this: the table has at most 4096 entries. */
    private static final int CHUNK_TABLE_BITS = 12;

    private final BlockRanges ranges;
    private final int[] firstVertex;
    /** Dense ids per chunk of {@link #partitionAtChunk}, as a power of two. */
    private final int chunkShift;
    /**
     * The partition of the first dense id of every chunk of 2^chunkShift ids: {@link #partitionOf}
     * starts there and steps over the few partition starts inside the chunk instead of searching
     * (it runs for both ends of every edge a load lays out, and for every message pushed).
     */
    private final int[] partitionAtChunk;

    /** @param firstVertex first dense id of each partition, ascending, and the vertex count last */
    public Partitioning(BlockRanges ranges, int[] firstVertex) {
        if (firstVertex.length != ranges.count() + 1 || firstVertex[0] != 0) {
            throw new IllegalArgumentException((firstVertex.length - 1) + " first vertices for " + ranges.count()
                    + " partitions, from vertex 0");
        }
        for (int p = 1; p < firstVertex.length; p++) {
            if (firstVertex[p] < firstVertex[p - 1]) {
                throw new IllegalArgumentException("first vertices must not decrease: partition " + p);
            }
        }
        this.ranges = ranges;
        this.firstVertex = firstVertex.clone();
        int n = numVertices();
        int shift = 0;
        while (n > 0 && ((n - 1) >>> shift) >= (1 << CHUNK_TABLE_BITS)) {
            shift++;
        }
        this.chunkShift = shift;
        this.partitionAtChunk = new int[n == 0 ? 0 : ((n - 1) >>> shift) + 1];
        for (int c = 0; c < partitionAtChunk.length; c++) {
            partitionAtChunk[c] = searchPartitionOf(c << shift);
        }
    }

    /**
     * @param firstBlock  first block of each partition, ascending, and the block count last
     * @param firstVertex first dense id of each partition, ascending, and the vertex count last
     */
    public Partitioning(IdBlocks blocks, int[] firstBlock, int[] firstVertex) {
        this(new BlockRanges(blocks, firstBlock), firstVertex);
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

    public int count() { return ranges.count(); }

    public IdBlocks blocks() { return ranges.blocks(); }

    /** The partitions as runs of id blocks. */
    public BlockRanges ranges() { return ranges; }

    /** Vertices of the whole graph. */
    public int numVertices() { return firstVertex[firstVertex.length - 1]; }

    /** First dense id of partition {@code p}. */
    public int first(int p) { return firstVertex[p]; }

    /** One past the last dense id of partition {@code p}. */
    public int end(int p) { return firstVertex[p + 1]; }

    public int size(int p) { return firstVertex[p + 1] - firstVertex[p]; }

    public int firstBlock(int p) { return ranges.firstBlock(p); }

    public int endBlock(int p) { return ranges.endBlock(p); }

    /** The partition holding dense id {@code vertex}: the last partition starting at or before it. */
    public int partitionOf(int vertex) {
        if (vertex < 0 || vertex >= numVertices()) {
            return searchPartitionOf(vertex);
        }
        int p = partitionAtChunk[vertex >>> chunkShift];
        while (firstVertex[p + 1] <= vertex) {
            p++; // vertex < numVertices() = firstVertex[count()] stops this at the last partition
        }
        return p;
    }

    /** {@link #partitionOf} by binary search over the partitions' first vertices. */
    private int searchPartitionOf(int vertex) {
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
        return ranges.partitionOfId(originalId);
    }

    /** The partition made of id block {@code block}. */
    public int partitionOfBlock(int block) {
        return ranges.partitionOfBlock(block);
    }

    /** First blocks of every partition and the block count; a copy. */
    public int[] firstBlocks() { return ranges.firstBlocks(); }

    /** First dense ids of every partition and the vertex count; a copy. */
    public int[] firstVertices() { return firstVertex.clone(); }

    @Override
    public boolean equals(Object o) {
        return o instanceof Partitioning other && ranges.equals(other.ranges) && Arrays.equals(firstVertex, other.firstVertex);
    }

    @Override
    public int hashCode() {
        return 31 * ranges.hashCode() + Arrays.hashCode(firstVertex);
    }
}
