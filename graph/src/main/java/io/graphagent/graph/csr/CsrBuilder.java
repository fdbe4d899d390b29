package io.graphagent.graph.csr;

import java.util.ArrayList;
import java.util.List;

/**
 * Builds a {@link Graph}'s CSR arrays from blocks of edges in dense ids, by counting sort
 * only: edges are first grouped by target, then regrouped by source, which leaves every
 * adjacency sorted by neighbour without a comparison sort. Both passes are stable, so
 * duplicate edges stay, in input order, and the result depends only on the edge order.
 *
 * <p>Memory: the builder takes ownership of the blocks it is given and drops them once
 * grouped; the peak is the blocks plus one entry array (4 bytes per entry, 12 weighted),
 * the result is 4 bytes per entry per direction (12 weighted). Not thread-safe: one
 * builder, one thread, one graph.
 */
public final class CsrBuilder {
    /** Most entries one CSR can hold: a Java array's length, with int offsets. */
    public static final int MAX_ENTRIES = Integer.MAX_VALUE - 8;

    private final int numVertices;
    private final boolean directed;
    private final boolean weighted;
    private final List<Block> blocks = new ArrayList<>();
    private long edges;

    private record Block(int[] sources, int[] targets, double[] weights, int count) { }

    /** @param weighted true: every block must carry weights */
    public CsrBuilder(int numVertices, boolean directed, boolean weighted) {
        if (numVertices < 0) {
            throw new IllegalArgumentException("numVertices < 0: " + numVertices);
        }
        this.numVertices = numVertices;
        this.directed = directed;
        this.weighted = weighted;
    }

    /**
     * Adds {@code count} edges {@code sources[i] -> targets[i]} (dense ids below numVertices).
     * The arrays are kept by reference and must not be changed afterwards.
     */
    public void add(int[] sources, int[] targets, double[] weights, int count) {
        if (weighted && weights == null) {
            throw new IllegalArgumentException("weighted builder needs weights");
        }
        if (count > sources.length || count > targets.length || (weighted && count > weights.length)) {
            throw new IllegalArgumentException("count " + count + " exceeds the arrays");
        }
        blocks.add(new Block(sources, targets, weighted ? weights : null, count));
        edges += count;
    }

    /** Edges added so far. */
    public long edges() { return edges; }

    /**
     * Builds the graph and releases the blocks.
     *
     * @param ids original ids, strictly ascending, one per vertex
     * @throws IllegalStateException when a CSR would exceed {@link #MAX_ENTRIES}
     */
    public Graph build(long[] ids) {
        if (ids.length != numVertices) {
            throw new IllegalArgumentException("ids.length " + ids.length + " != numVertices " + numVertices);
        }
        return directed ? buildDirected(ids) : buildUndirected(ids);
    }

    private Graph buildDirected(long[] ids) {
        int n = numVertices;
        if (edges > MAX_ENTRIES) {
            throw new IllegalStateException(edges + " edges exceed the " + MAX_ENTRIES + " one CSR holds");
        }
        int m = (int) edges;
        int[] outOffsets = new int[n + 1];
        int[] inOffsets = new int[n + 1];
        for (Block b : blocks) {
            int[] s = b.sources;
            int[] t = b.targets;
            for (int i = 0; i < b.count; i++) {
                outOffsets[s[i] + 1]++;
                inOffsets[t[i] + 1]++;
            }
        }
        prefixSum(outOffsets);
        prefixSum(inOffsets);

        // Group by target, sources in input order: an unsorted in-CSR.
        int[] cursor = new int[n];
        System.arraycopy(inOffsets, 0, cursor, 0, n);
        int[] bySource = new int[m];
        double[] byWeight = weighted ? new double[m] : null;
        for (Block b : blocks) {
            int[] s = b.sources;
            int[] t = b.targets;
            double[] w = b.weights;
            for (int i = 0; i < b.count; i++) {
                int p = cursor[t[i]]++;
                bySource[p] = s[i];
                if (w != null) {
                    byWeight[p] = w[i];
                }
            }
        }
        blocks.clear();

        // Regroup by source, visiting targets in ascending order: out-lists come out sorted.
        System.arraycopy(outOffsets, 0, cursor, 0, n);
        int[] outTargets = new int[m];
        double[] outWeights = weighted ? new double[m] : null;
        for (int t = 0; t < n; t++) {
            for (int k = inOffsets[t], end = inOffsets[t + 1]; k < end; k++) {
                int p = cursor[bySource[k]]++;
                outTargets[p] = t;
                if (outWeights != null) {
                    outWeights[p] = byWeight[k];
                }
            }
        }

        // Regroup by target again, visiting sources in ascending order, reusing the arrays.
        int[] inSources = bySource;
        double[] inWeights = byWeight;
        System.arraycopy(inOffsets, 0, cursor, 0, n);
        for (int v = 0; v < n; v++) {
            for (int k = outOffsets[v], end = outOffsets[v + 1]; k < end; k++) {
                int p = cursor[outTargets[k]]++;
                inSources[p] = v;
                if (inWeights != null) {
                    inWeights[p] = outWeights[k];
                }
            }
        }
        long inputEdges = edges;
        edges = 0;
        return new Graph(true, ids, outOffsets, outTargets, outWeights, inOffsets, inSources, inWeights, inputEdges);
    }

    private Graph buildUndirected(long[] ids) {
        int n = numVertices;
        // Each edge u-v becomes entries u->v and v->u; a self-loop becomes one entry.
        long[] degrees = new long[n + 1];
        for (Block b : blocks) {
            int[] s = b.sources;
            int[] t = b.targets;
            for (int i = 0; i < b.count; i++) {
                degrees[s[i] + 1]++;
                if (s[i] != t[i]) {
                    degrees[t[i] + 1]++;
                }
            }
        }
        for (int v = 0; v < n; v++) {
            degrees[v + 1] += degrees[v];
        }
        if (degrees[n] > MAX_ENTRIES) {
            throw new IllegalStateException(degrees[n] + " adjacency entries exceed the " + MAX_ENTRIES + " one CSR holds");
        }
        int[] offsets = new int[n + 1];
        for (int v = 0; v <= n; v++) {
            offsets[v] = (int) degrees[v];
        }
        degrees = null;
        int entries = offsets[n];

        // Group by one end, holding the other end, in input order.
        int[] cursor = new int[n];
        System.arraycopy(offsets, 0, cursor, 0, n);
        int[] grouped = new int[entries];
        double[] groupedWeights = weighted ? new double[entries] : null;
        for (Block b : blocks) {
            int[] s = b.sources;
            int[] t = b.targets;
            double[] w = b.weights;
            for (int i = 0; i < b.count; i++) {
                int u = s[i];
                int v = t[i];
                int p = cursor[v]++;
                grouped[p] = u;
                if (w != null) {
                    groupedWeights[p] = w[i];
                }
                if (u != v) {
                    p = cursor[u]++;
                    grouped[p] = v;
                    if (w != null) {
                        groupedWeights[p] = w[i];
                    }
                }
            }
        }
        blocks.clear();

        // Regroup by the other end, visiting groups in ascending order: lists come out sorted.
        System.arraycopy(offsets, 0, cursor, 0, n);
        int[] neighbours = new int[entries];
        double[] weights = weighted ? new double[entries] : null;
        for (int g = 0; g < n; g++) {
            for (int k = offsets[g], end = offsets[g + 1]; k < end; k++) {
                int p = cursor[grouped[k]]++;
                neighbours[p] = g;
                if (weights != null) {
                    weights[p] = groupedWeights[k];
                }
            }
        }
        long inputEdges = edges;
        edges = 0;
        return new Graph(false, ids, offsets, neighbours, weights, offsets, neighbours, weights, inputEdges);
    }

    private static void prefixSum(int[] offsets) {
        for (int v = 1; v < offsets.length; v++) {
            offsets[v] += offsets[v - 1];
        }
    }
}
