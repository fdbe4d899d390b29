package io.graphagent.graph.partition;

import io.graphagent.graph.csr.Graph;
import java.util.Arrays;

/**
 * The part of a graph one runner holds: the vertices of its <em>owned</em> partitions with
 * their out- and in-edges, and <em>mirrors</em>, the remote vertices those edges reach, whose
 * broadcasts the runner reads. An agent's memory is its share, not the graph.
 *
 * <p>Everything is addressed by <em>slot</em>: owned vertices take slots
 * {@code 0 .. ownedVertices()-1}, partition after partition in ascending id order; mirrors
 * take the slots after them, ascending by dense id, so each partition's mirrors form one run.
 * Edge arrays hold slots, sorted per vertex by the neighbour's dense id (the order the
 * single-process CSR has, so folds over edges give the same bits). Outside the share vertices
 * are named by their global dense id.
 *
 * <p>A share of a directed graph built for a program that reads only in-edges and out-degrees
 * ({@link io.graphagent.api.EdgeUse#IN_AND_OUT_DEGREES}) holds no out-edge targets:
 * {@link #outOffsets()} still gives every owned vertex's out-degree, {@link #outTargets()} is
 * null ({@link #holdsOutTargets()}), and its mirrors are only the in-neighbours.
 *
 * <p>A share of every partition ({@link #whole}) uses the graph's own arrays, with slots equal
 * to dense ids. Immutable; thread-safe.
 */
public final class GraphShare {
    private final boolean directed;
    private final boolean weighted;
    private final long numEdges;
    private final Partitioning partitioning;
    private final int[] owned;
    private final int[] ownedIndex;
    private final int[] ownedSlot;
    private final int[] mirrorSlot;
    private final int[] slotGlobal;
    private final long[] ownedIds;
    private final int[] outOffsets;
    private final int[] outTargets;
    private final double[] outWeights;
    private final int[] inOffsets;
    private final int[] inSources;
    private final double[] inWeights;

    /**
     * @param owned      owned partitions, ascending
     * @param mirrorSlot first mirror slot of each partition and the slot count last (P + 1 entries)
     * @param slotGlobal global dense id of each slot; null when slots are dense ids (a whole share)
     * @param ownedIds   original id of each owned slot; null when original ids equal dense ids
     * @param numEdges   edges of the whole graph as listed in the input
     */
    public GraphShare(boolean directed, boolean weighted, long numEdges, Partitioning partitioning, int[] owned,
                      int[] mirrorSlot, int[] slotGlobal, long[] ownedIds,
                      int[] outOffsets, int[] outTargets, double[] outWeights,
                      int[] inOffsets, int[] inSources, double[] inWeights) {
        this.directed = directed;
        this.weighted = weighted;
        this.numEdges = numEdges;
        this.partitioning = partitioning;
        this.owned = owned.clone();
        Arrays.sort(this.owned);
        int partitions = partitioning.count();
        this.ownedIndex = new int[partitions];
        Arrays.fill(ownedIndex, -1);
        this.ownedSlot = new int[this.owned.length + 1];
        int slot = 0;
        for (int k = 0; k < this.owned.length; k++) {
            int p = this.owned[k];
            if (p < 0 || p >= partitions || ownedIndex[p] >= 0) {
                throw new IllegalArgumentException("owned partition " + p + " is out of range or repeated");
            }
            ownedIndex[p] = k;
            ownedSlot[k] = slot;
            slot += partitioning.size(p);
        }
        ownedSlot[this.owned.length] = slot;
        if (mirrorSlot.length != partitions + 1 || mirrorSlot[0] != slot) {
            throw new IllegalArgumentException("mirror slots must start after the " + slot + " owned vertices");
        }
        if (outOffsets.length != slot + 1 || inOffsets.length != slot + 1) {
            throw new IllegalArgumentException("edge offsets must have one entry per owned vertex and one more");
        }
        if (outTargets == null && !directed) {
            throw new IllegalArgumentException("an undirected share needs its adjacency's targets");
        }
        this.mirrorSlot = mirrorSlot;
        this.slotGlobal = slotGlobal;
        this.ownedIds = ownedIds;
        this.outOffsets = outOffsets;
        this.outTargets = outTargets;
        this.outWeights = outWeights;
        this.inOffsets = inOffsets;
        this.inSources = inSources;
        this.inWeights = inWeights;
    }

    /** The share of every partition of a loaded graph: its own arrays, slots equal to dense ids. */
    public static GraphShare whole(Graph graph, Partitioning partitioning) {
        if (partitioning.numVertices() != graph.numVertices()) {
            throw new IllegalArgumentException("partitioning of " + partitioning.numVertices() + " vertices for a graph of "
                    + graph.numVertices());
        }
        int[] all = new int[partitioning.count()];
        for (int p = 0; p < all.length; p++) {
            all[p] = p;
        }
        int[] mirrorSlot = new int[all.length + 1];
        Arrays.fill(mirrorSlot, graph.numVertices());
        return new GraphShare(graph.directed(), graph.weighted(), graph.numEdges(), partitioning, all, mirrorSlot, null,
                graph.originalIds(), graph.outOffsets(), graph.outTargets(), graph.outWeights(),
                graph.inOffsets(), graph.inSources(), graph.inWeights());
    }

    public boolean directed() { return directed; }

    public boolean weighted() { return weighted; }

    /** Edges of the whole graph as listed in the input; an undirected edge counts once. */
    public long numEdges() { return numEdges; }

    public Partitioning partitioning() { return partitioning; }

    /** Owned partitions, ascending; do not modify. */
    public int[] owned() { return owned; }

    public boolean owns(int partition) { return ownedIndex[partition] >= 0; }

    /** Owned vertices: slots {@code 0 .. ownedVertices()-1}. */
    public int ownedVertices() { return ownedSlot[owned.length]; }

    /** Owned vertices and mirrors. */
    public int slots() { return mirrorSlot[mirrorSlot.length - 1]; }

    public int mirrors() { return slots() - ownedVertices(); }

    /** First slot of an owned partition's vertices (its members in id order follow). */
    public int firstSlot(int ownedPartition) { return ownedSlot[ownedIndex(ownedPartition)]; }

    /** First mirror slot of a partition (an owned one has none). */
    public int firstMirror(int partition) { return mirrorSlot[partition]; }

    /** One past the last mirror slot of a partition. */
    public int endMirror(int partition) { return mirrorSlot[partition + 1]; }

    /** The global dense id of a slot. */
    public int globalOf(int slot) {
        return slotGlobal == null ? slot : slotGlobal[slot];
    }

    /** Global dense ids of the slots, or null when every slot is its own dense id. Do not modify. */
    public int[] slotGlobals() { return slotGlobal; }

    /** The slot of an owned vertex, or -1 when another runner owns it. */
    public int ownedSlotOf(int global) {
        int p = partitioning.partitionOf(global);
        int k = ownedIndex[p];
        return k < 0 ? -1 : ownedSlot[k] + global - partitioning.first(p);
    }

    /** The mirror slot of a remote vertex, or -1 when no owned edge reaches it. */
    public int mirrorSlotOf(int global) {
        if (slotGlobal == null) {
            return -1;
        }
        int q = partitioning.partitionOf(global);
        int i = Arrays.binarySearch(slotGlobal, mirrorSlot[q], mirrorSlot[q + 1], global);
        return i >= 0 ? i : -1;
    }

    /** The original id of an owned slot. */
    public long originalId(int ownedSlot) {
        return ownedIds == null ? globalOf(ownedSlot) : ownedIds[ownedSlot];
    }

    /** Original ids of the owned slots, or null when they equal the dense ids. Do not modify. */
    public long[] ownedIds() { return ownedIds; }

    private int ownedIndex(int partition) {
        int k = ownedIndex[partition];
        if (k < 0) {
            throw new IllegalArgumentException("partition " + partition + " is not owned by this share");
        }
        return k;
    }

    public int outDegree(int slot) { return outOffsets[slot + 1] - outOffsets[slot]; }

    /** Raw arrays for hot loops: out-edges of owned slot v are {@code outTargets[outOffsets[v] .. outOffsets[v+1])}, as slots. */
    public int[] outOffsets() { return outOffsets; }

    /** Null when the share holds out-degrees only ({@link #holdsOutTargets()}). */
    public int[] outTargets() { return outTargets; }

    /** Whether out-edges' targets are held, not only the out-degrees. */
    public boolean holdsOutTargets() { return outTargets != null; }

    public double[] outWeights() { return outWeights; }

    public int[] inOffsets() { return inOffsets; }

    public int[] inSources() { return inSources; }

    public double[] inWeights() { return inWeights; }

    /** Edge entries held: out-edges (unless only their degrees are), plus in-edges for a directed graph. */
    public long edgeEntries() {
        long entries = outTargets == null ? 0 : outOffsets[ownedVertices()];
        return directed ? entries + inOffsets[ownedVertices()] : entries;
    }

    /** Edge entries of owned slots {@code [from, to)} held, counted as {@link #edgeEntries()}. */
    public long edgeEntries(int from, int to) {
        long entries = outTargets == null ? 0 : outOffsets[to] - outOffsets[from];
        return directed ? entries + inOffsets[to] - inOffsets[from] : entries;
    }

    /** Bytes held by this share's arrays, for memory reports. */
    public long sizeInBytes() {
        long bytes = 4L * outOffsets.length + (outTargets == null ? 0 : 4L * outTargets.length)
                + (outWeights == null ? 0 : 8L * outWeights.length);
        if (directed) {
            bytes += 4L * inOffsets.length + 4L * inSources.length + (inWeights == null ? 0 : 8L * inWeights.length);
        }
        return bytes + (slotGlobal == null ? 0 : 4L * slotGlobal.length) + (ownedIds == null ? 0 : 8L * ownedIds.length);
    }
}
