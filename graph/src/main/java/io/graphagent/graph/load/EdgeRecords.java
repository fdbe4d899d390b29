package io.graphagent.graph.load;

/**
 * The edges of one chunk of an edge file, in file order, by original id: as ints when every
 * id of the chunk fits (half the memory; the common case), else as longs. What a partitioned
 * load holds between parsing its splits and shipping the edges to their owners.
 */
public final class EdgeRecords {
    private final int count;
    private final int[] narrowSources;
    private final int[] narrowTargets;
    private final long[] wideSources;
    private final long[] wideTargets;
    private final double[] weights;
    private final long minId;
    private final long maxId;

    private EdgeRecords(int count, int[] narrowSources, int[] narrowTargets, long[] wideSources, long[] wideTargets,
                        double[] weights, long minId, long maxId) {
        this.count = count;
        this.narrowSources = narrowSources;
        this.narrowTargets = narrowTargets;
        this.wideSources = wideSources;
        this.wideTargets = wideTargets;
        this.weights = weights;
        this.minId = minId;
        this.maxId = maxId;
    }

    /** Takes a parsed chunk's original ids, narrowed to ints when they all fit. */
    static EdgeRecords of(EdgeChunk chunk) {
        int n = chunk.count;
        if (n > 0 && chunk.maxId <= Integer.MAX_VALUE) {
            int[] s = new int[n];
            int[] t = new int[n];
            for (int i = 0; i < n; i++) {
                s[i] = (int) chunk.rawSources[i];
                t[i] = (int) chunk.rawTargets[i];
            }
            return new EdgeRecords(n, s, t, null, null, chunk.weights, chunk.minId, chunk.maxId);
        }
        return new EdgeRecords(n, null, null, chunk.rawSources, chunk.rawTargets, chunk.weights, chunk.minId, chunk.maxId);
    }

    public int count() { return count; }

    public long source(int i) { return narrowSources != null ? narrowSources[i] : wideSources[i]; }

    public long target(int i) { return narrowTargets != null ? narrowTargets[i] : wideTargets[i]; }

    /** Weight of edge i; 0 when unweighted. */
    public double weight(int i) { return weights == null ? 0 : weights[i]; }

    public boolean weighted() { return weights != null; }

    /** Smallest id in the chunk, Long.MAX_VALUE when empty. */
    public long minId() { return minId; }

    /** Largest id in the chunk, -1 when empty. */
    public long maxId() { return maxId; }

    /** Bytes held. */
    public long sizeInBytes() {
        long ids = narrowSources != null ? 8L * count : 16L * count;
        return ids + (weights == null ? 0 : 8L * weights.length);
    }
}
