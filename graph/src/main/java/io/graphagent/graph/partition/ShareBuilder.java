package io.graphagent.graph.partition;

import io.graphagent.graph.csr.Graph;
import io.graphagent.api.EdgeUse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Builds a {@link GraphShare} from the edge entries of its owned vertices, named by global
 * dense ids: finds the mirrors (the remote vertices the entries reach), numbers the slots and
 * lays out CSR arrays whose adjacencies are sorted by neighbour id, ties by weight (so every
 * builder of the same entries gets the same arrays, whatever order they arrived in).
 *
 * <p>A directed share may keep out-degrees only ({@link EdgeUse#IN_AND_OUT_DEGREES}): then
 * out-edge entries are given by owner alone ({@link #addOutDegrees}), counted at once and not
 * kept, and the mirrors are the in-neighbours only.
 *
 * <p>Memory: the entries given (kept by reference until {@link #build}, each block released as
 * soon as it is laid out) plus, while building, two ints per vertex of the whole graph and two
 * int arrays (and with weights two double arrays) of one direction's entries.
 * {@link ShareFootprint} estimates the peak before the build from counts alone;
 * {@link #peakBytes()} is the peak measured from the arrays' lengths. Not thread-safe.
 */
public final class ShareBuilder {
    private final Partitioning partitioning;
    private final int[] owned;
    private final boolean directed;
    private final boolean weighted;
    private final long numEdges;
    /** Whether out-edges' targets are kept (else only their count per owned vertex). */
    private final boolean outTargets;
    private final List<AdjacencyLayout.Block> out = new ArrayList<>();
    private final List<AdjacencyLayout.Block> in = new ArrayList<>();
    /** Out-degree per owned slot, counted as entries come when only degrees are kept; else null. */
    private final int[] outDegrees;
    private final int[] ownedIndex;
    private final int[] firstSlot;
    private final int ownedVertices;
    private long[] ownedIds;
    /** The per-vertex and per-entry arrays this builder holds beyond the entries given. */
    private final ArrayBytes arrays = new ArrayBytes();
    /** Lays out each direction's adjacency, counting its arrays into {@link #arrays}. */
    private final AdjacencyLayout layout;


    /**
     * @param owned    owned partitions
     * @param numEdges edges of the whole graph as listed in the input
     */
    public ShareBuilder(Partitioning partitioning, int[] owned, boolean directed, boolean weighted, long numEdges) {
        this(partitioning, owned, directed, weighted, numEdges, EdgeUse.OUT_AND_IN);
    }

    /**
     * @param use the edges the share's program reads; ignored for an undirected graph (one adjacency)
     */
    public ShareBuilder(Partitioning partitioning, int[] owned, boolean directed, boolean weighted, long numEdges,
                        EdgeUse use) {
        this.partitioning = partitioning;
        this.owned = owned.clone();
        Arrays.sort(this.owned);
        this.directed = directed;
        this.weighted = weighted;
        this.layout = new AdjacencyLayout(arrays, weighted);
        this.numEdges = numEdges;
        this.outTargets = !directed || use.outTargets();
        this.ownedIndex = new int[partitioning.count()];
        Arrays.fill(ownedIndex, -1);
        this.firstSlot = new int[this.owned.length];
        int slots = 0;
        for (int k = 0; k < this.owned.length; k++) {
            ownedIndex[this.owned[k]] = k;
            firstSlot[k] = slots;
            slots += partitioning.size(this.owned[k]);
        }
        this.ownedVertices = slots;
        this.outDegrees = outTargets ? null : new int[slots];
        if (outDegrees != null) {
            arrays.allocated(4L * slots);
        }
    }

    /**
     * The most bytes of per-vertex and per-entry arrays this builder held at once beyond the
     * entries given to it (whose release as they are laid out counts against it), measured from
     * the arrays' lengths; after {@link #build}. What {@link ShareFootprint#buildPeakBytes()}
     * estimates.
     */
    public long peakBytes() {
        return arrays.peak();
    }

    /** Bytes held after {@link #build} relative to before it: the share's arrays less the entries released. */
    public long keptBytes() {
        return arrays.live();
    }

    /** Whether out-edges' targets are kept; when not, give out-edges with {@link #addOutDegrees}. */
    public boolean keepsOutTargets() {
        return outTargets;
    }

    /** The share of {@code owned} partitions of a loaded graph (for tests and for splitting a graph in one process). */
    public static GraphShare of(Graph graph, Partitioning partitioning, int[] owned) {
        return of(graph, partitioning, owned, EdgeUse.OUT_AND_IN);
    }

    /** {@link #of(Graph, Partitioning, int[])} keeping only the edges {@code use} names. */
    public static GraphShare of(Graph graph, Partitioning partitioning, int[] owned, EdgeUse use) {
        ShareBuilder builder = new ShareBuilder(partitioning, owned, graph.directed(), graph.weighted(), graph.numEdges(), use);
        long[] ids = graph.originalIds();
        int ownedVertices = 0;
        for (int p : builder.owned) {
            ownedVertices += partitioning.size(p);
        }
        long[] ownedIds = ids == null ? null : new long[ownedVertices];
        int slot = 0;
        for (int p : builder.owned) {
            if (ownedIds != null) {
                System.arraycopy(ids, partitioning.first(p), ownedIds, slot, partitioning.size(p));
            }
            slot += partitioning.size(p);
            builder.addAdjacency(graph.outOffsets(), graph.outTargets(), graph.outWeights(), p, true);
            if (graph.directed()) {
                builder.addAdjacency(graph.inOffsets(), graph.inSources(), graph.inWeights(), p, false);
            }
        }
        builder.ownedIds(ownedIds);
        return builder.build();
    }

    private void addAdjacency(int[] offsets, int[] ends, double[] weights, int p, boolean outgoing) {
        int from = offsets[partitioning.first(p)];
        int to = offsets[partitioning.end(p)];
        int[] owners = new int[to - from];
        for (int v = partitioning.first(p); v < partitioning.end(p); v++) {
            Arrays.fill(owners, offsets[v] - from, offsets[v + 1] - from, v);
        }
        int[] neighbours = Arrays.copyOfRange(ends, from, to);
        double[] w = weights == null ? null : Arrays.copyOfRange(weights, from, to);
        if (outgoing) {
            addOut(owners, neighbours, w, owners.length);
        } else {
            addIn(owners, neighbours, w, owners.length);
        }
    }

    /** Original ids of the owned vertices in slot order, or null when they equal the dense ids. */
    public ShareBuilder ownedIds(long[] ids) {
        this.ownedIds = ids;
        return this;
    }

    /**
     * Adds out-edge entries {@code owners[i] -> neighbours[i]} (an undirected graph: every
     * adjacency entry); owners must be owned vertices. The arrays are kept by reference, and
     * {@link #build} overwrites {@code owners} (with the owners' slots) before it lets them go.
     */
    public void addOut(int[] owners, int[] neighbours, double[] weights, int count) {
        if (!outTargets) {
            addOutDegrees(owners, count);
            return;
        }
        out.add(block(owners, neighbours, weights, count));
    }

    /**
     * Counts out-edges {@code owners[i] -> ?} of a share that keeps out-degrees only; the array
     * is not kept.
     */
    public void addOutDegrees(int[] owners, int count) {
        if (outTargets) {
            throw new IllegalStateException("this share keeps out-edges' targets: add them with addOut");
        }
        if (count > owners.length) {
            throw new IllegalArgumentException("count " + count + " exceeds the array");
        }
        int n = partitioning.numVertices();
        for (int i = 0; i < count; i++) {
            int g = owners[i];
            int k = g < 0 || g >= n ? -1 : ownedIndex[partitioning.partitionOf(g)];
            if (k < 0) {
                throw new IllegalArgumentException("edge entry of vertex " + g + ", which this share does not own");
            }
            outDegrees[firstSlot[k] + g - partitioning.first(owned[k])]++;
        }
    }

    /**
     * Adds in-edge entries {@code neighbours[i] -> owners[i]} of a directed graph; owners must be
     * owned. Kept by reference, {@code owners} overwritten by {@link #build}, as with {@link #addOut}.
     */
    public void addIn(int[] owners, int[] neighbours, double[] weights, int count) {
        if (!directed) {
            throw new IllegalStateException("an undirected share has one adjacency: add every entry with addOut");
        }
        in.add(block(owners, neighbours, weights, count));
    }

    private AdjacencyLayout.Block block(int[] owners, int[] neighbours, double[] weights, int count) {
        if (weighted && weights == null) {
            throw new IllegalArgumentException("a weighted share needs weights");
        }
        if (count > owners.length || count > neighbours.length) {
            throw new IllegalArgumentException("count " + count + " exceeds the arrays");
        }
        return new AdjacencyLayout.Block(owners, neighbours, weighted ? weights : null, count);
    }

    /** Builds the share and releases the entries. */
    public GraphShare build() {
        int n = partitioning.numVertices();
        if (ownedIds != null && ownedIds.length != ownedVertices) {
            throw new IllegalArgumentException(ownedIds.length + " original ids for " + ownedVertices + " owned vertices");
        }
        // Slot of every vertex the entries name: owned ones by partition, mirrors after them.
        int[] slotOf = new int[n];
        arrays.allocated(4L * n);
        Arrays.fill(slotOf, -1);
        for (int k = 0; k < owned.length; k++) {
            int p = owned[k];
            for (int g = partitioning.first(p), s = firstSlot[k]; g < partitioning.end(p); g++, s++) {
                slotOf[g] = s;
            }
        }
        int[] mirrorSlot = new int[partitioning.count() + 1];
        int[] slotGlobal;
        AdjacencyLayout.Adjacency incoming;
        AdjacencyLayout.Adjacency outgoing;
        if (directed && outTargets) {
            // Two directions laid out: the mirrors of both are numbered (ascending id) before either is.
            markMirrors(out, slotOf, n);
            markMirrors(in, slotOf, n);
            int slots = numberMarkedMirrors(slotOf, mirrorSlot);
            slotGlobal = slotGlobal(slotOf, slots, n);
            incoming = layout.lay(in, slotOf, ownedVertices, n, false);
            in.clear();
            outgoing = layout.lay(out, slotOf, ownedVertices, n, false);
            out.clear();
        } else {
            // One direction laid out (undirected; directed keeping out-degrees only): the layout
            // numbers the mirrors in ascending id itself (the order of the two-direction case),
            // without a pass of its own over the entries.
            List<AdjacencyLayout.Block> laid = directed ? in : out;
            AdjacencyLayout.Adjacency adjacency = layout.lay(laid, slotOf, ownedVertices, n, true);
            laid.clear();
            int slots = mirrorSlotsByPartition(slotOf, mirrorSlot, n);
            slotGlobal = slotGlobal(slotOf, slots, n);
            if (directed) {
                incoming = adjacency;
                outgoing = degreesOnly(outDegrees);
            } else {
                incoming = null;
                outgoing = adjacency;
            }
        }
        arrays.released(4L * n); // slotOf
        if (outDegrees != null) {
            arrays.released(4L * outDegrees.length); // counted into the offsets; dropped with this builder
        }
        if (incoming == null) {
            incoming = outgoing;
        }
        return new GraphShare(directed, weighted, numEdges, partitioning, owned, mirrorSlot, slotGlobal, ownedIds,
                outgoing.offsets(), outgoing.ends(), outgoing.weights(), incoming.offsets(), incoming.ends(), incoming.weights());
    }

    /** Numbers the vertices {@link #markMirrors} marked, partition by partition in id order; returns the slot count. */
    private int numberMarkedMirrors(int[] slotOf, int[] mirrorSlot) {
        int slots = ownedVertices;
        for (int q = 0; q < partitioning.count(); q++) {
            mirrorSlot[q] = slots;
            if (ownedIndex[q] >= 0) {
                continue;
            }
            for (int g = partitioning.first(q); g < partitioning.end(q); g++) {
                if (slotOf[g] == AdjacencyLayout.MIRROR) {
                    slotOf[g] = slots++;
                }
            }
        }
        mirrorSlot[partitioning.count()] = slots;
        return slots;
    }

    /**
     * The first mirror slot of every partition, from mirror slots already numbered in ascending
     * id (so each partition's mirrors are one run of slots); returns the slot count.
     */
    private int mirrorSlotsByPartition(int[] slotOf, int[] mirrorSlot, int n) {
        int slots = ownedVertices;
        for (int q = 0; q < partitioning.count(); q++) {
            mirrorSlot[q] = slots;
            if (ownedIndex[q] >= 0) {
                continue;
            }
            for (int g = partitioning.first(q); g < partitioning.end(q); g++) {
                if (slotOf[g] >= 0) {
                    slots++;
                }
            }
        }
        mirrorSlot[partitioning.count()] = slots;
        return slots;
    }

    /** The global id of every slot. */
    private int[] slotGlobal(int[] slotOf, int slots, int n) {
        int[] slotGlobal = new int[slots];
        arrays.allocated(4L * slots);
        for (int g = 0; g < n; g++) {
            if (slotOf[g] >= 0) {
                slotGlobal[slotOf[g]] = g;
            }
        }
        return slotGlobal;
    }


    private void markMirrors(List<AdjacencyLayout.Block> blocks, int[] slotOf, int n) {
        for (AdjacencyLayout.Block b : blocks) {
            for (int i = 0; i < b.count(); i++) {
                int owner = b.owners()[i];
                int g = b.neighbours()[i];
                if (owner < 0 || owner >= n || slotOf[owner] < 0) {
                    throw new IllegalArgumentException("edge entry of vertex " + owner + ", which this share does not own");
                }
                if (g < 0 || g >= n) {
                    throw new IllegalArgumentException("edge entry names vertex " + g + ", outside 0.." + (n - 1));
                }
                if (slotOf[g] == -1) {
                    slotOf[g] = AdjacencyLayout.MIRROR;
                }
            }
        }
    }


    /** Offsets from out-degrees counted by owned slot, without targets. */
    private AdjacencyLayout.Adjacency degreesOnly(int[] degrees) {
        int[] offsets = new int[degrees.length + 1];
        arrays.allocated(4L * offsets.length);
        for (int v = 0; v < degrees.length; v++) {
            offsets[v + 1] = offsets[v] + degrees[v];
        }
        return new AdjacencyLayout.Adjacency(offsets, null, null);
    }

}
