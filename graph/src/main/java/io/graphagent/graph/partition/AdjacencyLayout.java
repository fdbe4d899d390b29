package io.graphagent.graph.partition;

import io.graphagent.graph.csr.CsrBuilder;
import java.util.Arrays;
import java.util.List;

/**
 * Lays out one direction of a {@link ShareBuilder}'s entries as CSR arrays of owned slots,
 * every adjacency in ascending neighbour id (parallel edges by weight), whatever order the
 * entries came in; releases each block of entries as soon as it is placed and counts the
 * arrays it makes into the builder's {@link ArrayBytes}. Not thread-safe; one per builder.
 */
final class AdjacencyLayout {
    /** slotOf's mark of a remote neighbour not yet given a slot. */
    static final int MIRROR = -2;

    /** Entries as given to the builder: owners (overwritten by their slots while laid out), neighbours, weights. */
    record Block(int[] owners, int[] neighbours, double[] weights, int count) {
        long bytes() {
            return 4L * owners.length + 4L * neighbours.length + (weights == null ? 0 : 8L * weights.length);
        }
    }

    /** CSR arrays of the owned slots: offsets, neighbours' slots, weights (or null). */
    record Adjacency(int[] offsets, int[] ends, double[] weights) { }

    private final ArrayBytes arrays;
    private final boolean weighted;

    AdjacencyLayout(ArrayBytes arrays, boolean weighted) {
        this.arrays = arrays;
        this.weighted = weighted;
    }

    /**
     * CSR of owned slots by counting sort: entries grouped by neighbour id ascending, then
     * regrouped by owner, so each adjacency comes out sorted by neighbour; equal neighbours
     * (parallel edges) sorted by weight afterwards.
     */
    Adjacency lay(List<Block> blocks, int[] slotOf, int ownedVertices, int n, boolean numberMirrors) {
        long entries = 0;
        for (Block b : blocks) {
            entries += b.count;
        }
        if (entries > CsrBuilder.MAX_ENTRIES) {
            throw new IllegalStateException(entries + " edge entries exceed the " + CsrBuilder.MAX_ENTRIES + " one share holds");
        }
        int m = (int) entries;
        if (!weighted) {
            return layBySort(blocks, slotOf, ownedVertices, n, numberMirrors, m);
        }
        int[] byNeighbour = new int[n + 1];
        int[] offsets = new int[ownedVertices + 1];
        arrays.allocated(4L * byNeighbour.length + 4L * offsets.length);
        for (Block b : blocks) {
            for (int i = 0; i < b.count; i++) {
                int g = b.neighbours[i];
                int slot = ownedSlot(b.owners[i], g, slotOf, ownedVertices, n);
                byNeighbour[g + 1]++;
                offsets[slot + 1]++;
                b.owners[i] = slot; // the grouping below reads the slot here, not through slotOf again
            }
        }
        for (int g = 0; g < n; g++) {
            byNeighbour[g + 1] += byNeighbour[g];
        }
        for (int v = 0; v < ownedVertices; v++) {
            offsets[v + 1] += offsets[v];
        }
        // Group by neighbour, holding the owner's slot.
        int[] grouped = new int[m];
        double[] groupedWeights = weighted ? new double[m] : null;
        arrays.allocated(4L * m + (weighted ? 8L * m : 0));
        for (int j = 0; j < blocks.size(); j++) {
            Block b = blocks.get(j);
            for (int i = 0; i < b.count; i++) {
                int at = byNeighbour[b.neighbours[i]]++;
                grouped[at] = b.owners[i];
                if (groupedWeights != null) {
                    groupedWeights[at] = b.weights[i];
                }
            }
            blocks.set(j, null); // released as soon as grouped: the entries are not held twice
            arrays.released(b.bytes());
        }
        blocks.clear();
        // byNeighbour[g] is now the end of g's group; walk the groups in id order.
        int[] cursor = Arrays.copyOf(offsets, ownedVertices);
        int[] ends = new int[m];
        double[] weights = weighted ? new double[m] : null;
        arrays.allocated(4L * cursor.length + 4L * m + (weighted ? 8L * m : 0));
        int start = 0;
        int nextMirror = ownedVertices;
        for (int g = 0; g < n; g++) {
            int stop = byNeighbour[g];
            if (numberMirrors && stop > start && slotOf[g] < 0) {
                slotOf[g] = nextMirror++;
            }
            int slot = slotOf[g];
            for (int k = start; k < stop; k++) {
                int at = cursor[grouped[k]]++;
                ends[at] = slot;
                if (weights != null) {
                    weights[at] = groupedWeights[k];
                }
            }
            start = stop;
        }
        arrays.released(4L * byNeighbour.length + 4L * cursor.length + 4L * m + (weighted ? 8L * m : 0));
        if (weights != null) {
            sortParallelEdgesByWeight(offsets, ends, weights);
        }
        return new Adjacency(offsets, ends, weights);
    }

    /**
     * The owned slot of an edge entry's {@code owner}, checked with its neighbour {@code g}: both
     * global ids below {@code n}, the owner one of this share's {@code ownedVertices}.
     */
    private static int ownedSlot(int owner, int g, int[] slotOf, int ownedVertices, int n) {
        int slot = owner < 0 || owner >= n ? -1 : slotOf[owner];
        if (slot < 0 || slot >= ownedVertices) {
            throw new IllegalArgumentException("edge entry of vertex " + owner + ", which this share does not own");
        }
        if (g < 0 || g >= n) {
            throw new IllegalArgumentException("edge entry names vertex " + g + ", outside 0.." + (n - 1));
        }
        return slot;
    }

    /**
     * CSR of owned slots without weights: entries counted and placed by owner (neighbours as
     * global ids), each adjacency sorted, then global ids turned into slots. Parallel edges are
     * equal ints, so this is the layout {@link #lay} makes, with one random scatter over the
     * entries instead of two and no per-vertex grouping array; with {@code numberMirrors} the
     * counting pass marks the remote neighbours, numbered in ascending id before the ids are
     * turned into slots.
     */
    private Adjacency layBySort(List<Block> blocks, int[] slotOf, int ownedVertices, int n, boolean numberMirrors, int m) {
        int[] offsets = new int[ownedVertices + 1];
        arrays.allocated(4L * offsets.length);
        for (Block b : blocks) {
            for (int i = 0; i < b.count; i++) {
                int g = b.neighbours[i];
                int slot = ownedSlot(b.owners[i], g, slotOf, ownedVertices, n);
                if (numberMirrors && slotOf[g] == -1) {
                    slotOf[g] = MIRROR;
                }
                offsets[slot + 1]++;
                b.owners[i] = slot;
            }
        }
        for (int v = 0; v < ownedVertices; v++) {
            offsets[v + 1] += offsets[v];
        }
        int[] cursor = Arrays.copyOf(offsets, ownedVertices);
        int[] ends = new int[m];
        arrays.allocated(4L * cursor.length + 4L * m);
        for (int j = 0; j < blocks.size(); j++) {
            Block b = blocks.get(j);
            for (int i = 0; i < b.count; i++) {
                ends[cursor[b.owners[i]]++] = b.neighbours[i];
            }
            blocks.set(j, null); // released as soon as placed: the entries are not held twice
            arrays.released(b.bytes());
        }
        blocks.clear();
        arrays.released(4L * cursor.length);
        for (int v = 0; v < ownedVertices; v++) {
            if (offsets[v + 1] - offsets[v] > 1) {
                Arrays.sort(ends, offsets[v], offsets[v + 1]);
            }
        }
        if (numberMirrors) {
            int next = ownedVertices;
            for (int g = 0; g < n; g++) {
                if (slotOf[g] == MIRROR) {
                    slotOf[g] = next++;
                }
            }
        }
        for (int e = 0; e < m; e++) {
            ends[e] = slotOf[ends[e]];
        }
        return new Adjacency(offsets, ends, null);
    }

    /** Within each adjacency, runs of one neighbour (parallel edges) sorted by weight: their arrival order is not fixed. */
    private static void sortParallelEdgesByWeight(int[] offsets, int[] ends, double[] weights) {
        for (int v = 0; v + 1 < offsets.length; v++) {
            int e = offsets[v];
            int stop = offsets[v + 1];
            while (e < stop) {
                int run = e + 1;
                while (run < stop && ends[run] == ends[e]) {
                    run++;
                }
                if (run - e > 1) {
                    Arrays.sort(weights, e, run);
                }
                e = run;
            }
        }
    }
}
