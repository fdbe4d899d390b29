package io.graphagent.graph.csr;

import java.util.Arrays;

/**
 * An immutable graph in compressed sparse row form, in primitive arrays only.
 *
 * <p>Vertices are dense ints {@code 0..n-1}, numbered in ascending order of their
 * original 64-bit ids, so comparing dense ids compares original ids (WCC and CDLP labels
 * rely on this). {@link #originalId(int)} maps back.
 *
 * <p>Directed graphs keep two CSRs: out-edges (by source) and in-edges (by target), each
 * sorted by neighbour id. Undirected graphs keep one CSR holding every edge in both
 * directions; {@code in*} and {@code out*} are then the same arrays. Weights are present
 * only when the graph was loaded with weights; they follow the targets array.
 *
 * <p>Memory: 4 bytes per edge per direction for targets (8 more when weighted) plus
 * 16 bytes per vertex. Thread-safe: never modified after construction.
 */
public final class Graph {
    private final boolean directed;
    private final int numVertices;
    /** Original ids by dense id; null when they are exactly 0..n-1 (the common case, 8 bytes per vertex saved). */
    private final long[] ids;
    private final int[] outOffsets;
    private final int[] outTargets;
    private final double[] outWeights;
    private final int[] inOffsets;
    private final int[] inSources;
    private final double[] inWeights;
    private final long inputEdges;

    /**
     * @param ids original ids, strictly ascending; index = dense id
     * @param inputEdges number of edges as listed in the input (an undirected edge counts once)
     */
    public Graph(boolean directed, long[] ids,
                 int[] outOffsets, int[] outTargets, double[] outWeights,
                 int[] inOffsets, int[] inSources, double[] inWeights, long inputEdges) {
        this.directed = directed;
        this.numVertices = ids.length;
        this.ids = isIdentity(ids) ? null : ids;
        this.outOffsets = outOffsets;
        this.outTargets = outTargets;
        this.outWeights = outWeights;
        this.inOffsets = inOffsets;
        this.inSources = inSources;
        this.inWeights = inWeights;
        this.inputEdges = inputEdges;
    }

    public boolean directed() { return directed; }

    public boolean weighted() { return outWeights != null; }

    public int numVertices() { return numVertices; }

    /** Edges as listed in the input file; an undirected edge counts once. */
    public long numEdges() { return inputEdges; }

    public long originalId(int v) {
        if (ids == null) {
            java.util.Objects.checkIndex(v, numVertices);
            return v;
        }
        return ids[v];
    }

    /** The dense id of an original id, or -1 when the graph has no such vertex. */
    public int denseId(long originalId) {
        if (ids == null) {
            return originalId >= 0 && originalId < numVertices ? (int) originalId : -1;
        }
        int i = Arrays.binarySearch(ids, originalId);
        return i >= 0 ? i : -1;
    }

    /** Original ids by dense id, or null when they are exactly 0..n-1. Do not modify. */
    public long[] originalIds() { return ids; }

    /** Whether strictly ascending {@code ids} are exactly 0..n-1: then the last one is n-1. */
    private static boolean isIdentity(long[] ids) {
        return ids.length == 0 || (ids[0] == 0 && ids[ids.length - 1] == ids.length - 1);
    }

    public int outDegree(int v) { return outOffsets[v + 1] - outOffsets[v]; }

    public int inDegree(int v) { return inOffsets[v + 1] - inOffsets[v]; }

    /** Raw arrays for hot loops: out-edges of v are {@code outTargets[outOffsets[v] .. outOffsets[v+1])}. */
    public int[] outOffsets() { return outOffsets; }

    public int[] outTargets() { return outTargets; }

    /** Weight of each entry of {@link #outTargets()}, or null when unweighted. */
    public double[] outWeights() { return outWeights; }

    public int[] inOffsets() { return inOffsets; }

    public int[] inSources() { return inSources; }

    /** Weight of each entry of {@link #inSources()}, or null when unweighted. */
    public double[] inWeights() { return inWeights; }

    /** Bytes held by this graph's arrays, for memory reports. */
    public long sizeInBytes() {
        long bytes = (ids == null ? 0 : 8L * ids.length) + 4L * outOffsets.length + 4L * outTargets.length
                + (outWeights == null ? 0 : 8L * outWeights.length);
        if (directed) {
            bytes += 4L * inOffsets.length + 4L * inSources.length + (inWeights == null ? 0 : 8L * inWeights.length);
        }
        return bytes;
    }
}
