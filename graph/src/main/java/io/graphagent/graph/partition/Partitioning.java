package io.graphagent.graph.partition;

import io.graphagent.graph.csr.Graph;

/**
 * The split of a graph's vertices into partitions by a hash of their original id (in
 * blocks of consecutive ids, see {@link #MAX_BLOCK_BITS}). The same
 * function places vertices in the single-process engine and on the cluster, so a vertex's
 * partition never depends on where it runs.
 *
 * <p>Holds, per vertex, its partition and its index inside it, and per partition its
 * members in ascending dense order. Immutable after construction.
 */
public final class Partitioning {
    /**
     * The most partitions a graph is cut into, in the engine and on the cluster. Message
     * buffers and batches go per pair of partitions (P^2 of them each superstep), and every
     * partition has its own arrays and aggregator slots; a thousand already far outnumbers
     * the threads of any cluster this runs on. Checked at submit and by {@code run}, so that
     * {@code --partitions 2000000000} is refused rather than exhausting memory.
     */
    public static final int MAX_PARTITIONS = 1024;

    private final int[] partitionOf;
    private final int[] localIndex;
    private final int[][] members;

    private Partitioning(int[] partitionOf, int[] localIndex, int[][] members) {
        this.partitionOf = partitionOf;
        this.localIndex = localIndex;
        this.members = members;
    }

    /**
     * Ids are hashed in blocks of up to 2^MAX_BLOCK_BITS consecutive ids: a block lands whole
     * in one partition, so a partition's vertices sit in runs along the per-vertex arrays and
     * each cache line a worker loads is mostly its own (hashing single ids made every worker
     * touch every line). Small graphs use smaller blocks so that every partition still gets
     * at least {@link #MIN_BLOCKS_PER_PARTITION} of them and stays even.
     */
    static final int MAX_BLOCK_BITS = 6;

    static final int MIN_BLOCKS_PER_PARTITION = 64;

    /** Block size (as a power of two) for a graph of {@code vertices} over {@code partitions}. */
    public static int blockBits(int vertices, int partitions) {
        long blocksWanted = (long) partitions * MIN_BLOCKS_PER_PARTITION;
        int bits = 0;
        while (bits < MAX_BLOCK_BITS && ((long) vertices >> (bits + 1)) >= blocksWanted) {
            bits++;
        }
        return bits;
    }

    /** The partition of a vertex with this original id among {@code partitions}, hashed in blocks of 2^blockBits ids. */
    public static int partitionOf(long originalId, int partitions, int blockBits) {
        return (int) Long.remainderUnsigned(mix(originalId >>> blockBits), partitions);
    }

    /** Splits every vertex of {@code graph} over {@code partitions} partitions by id hash. */
    public static Partitioning hash(Graph graph, int partitions) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1, got " + partitions);
        }
        int n = graph.numVertices();
        int blockBits = blockBits(n, partitions);
        int[] partitionOf = new int[n];
        int[] sizes = new int[partitions];
        for (int v = 0; v < n; v++) {
            int p = partitionOf(graph.originalId(v), partitions, blockBits);
            partitionOf[v] = p;
            sizes[p]++;
        }
        int[][] members = new int[partitions][];
        for (int p = 0; p < partitions; p++) {
            members[p] = new int[sizes[p]];
        }
        int[] localIndex = new int[n];
        int[] fill = new int[partitions];
        for (int v = 0; v < n; v++) {
            int p = partitionOf[v];
            localIndex[v] = fill[p];
            members[p][fill[p]++] = v;
        }
        return new Partitioning(partitionOf, localIndex, members);
    }

    public int count() { return members.length; }

    public int partitionOf(int vertex) { return partitionOf[vertex]; }

    /** Position of a vertex within its partition's {@link #members(int)}. */
    public int localIndex(int vertex) { return localIndex[vertex]; }

    /** Dense ids of the partition's vertices, ascending. Do not modify. */
    public int[] members(int partition) { return members[partition]; }

    /** Raw per-vertex partition array for hot loops. Do not modify. */
    public int[] partitionArray() { return partitionOf; }

    /** Raw per-vertex local index array for hot loops. Do not modify. */
    public int[] localIndexArray() { return localIndex; }

    /** Stafford's mix13 finaliser (as in SplittableRandom): spreads sequential ids evenly. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
