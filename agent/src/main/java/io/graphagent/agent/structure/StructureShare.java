package io.graphagent.agent.structure;

import io.graphagent.graph.partition.GraphShare;
import io.graphagent.graph.partition.Partitioning;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Builds an agent's share from the structures of the partitions it owns: owned vertices take
 * the first slots, partition after partition; the remote vertices their edges name become
 * mirrors, ascending by dense id; edges keep their order (by neighbour's dense id), so the
 * share equals the one a load of the same partitions builds. Stateless.
 */
public final class StructureShare {

    private StructureShare() {
    }

    /**
     * The share of the given partitions' structures (any order, at least one).
     *
     * @throws StructureException when the structures disagree on the graph (another job's file)
     */
    public static GraphShare assemble(List<PartitionStructure> structures) throws StructureException {
        if (structures.isEmpty()) {
            throw new IllegalArgumentException("a share needs at least one partition");
        }
        PartitionStructure[] parts = structures.toArray(PartitionStructure[]::new);
        Arrays.sort(parts, Comparator.comparingInt(PartitionStructure::partition));
        PartitionStructure head = parts[0];
        Partitioning partitioning = head.partitioning();
        boolean outTargets = head.outTargets() != null;
        boolean one = head.inIsOut();
        boolean ids = head.ownedIds() != null;
        for (PartitionStructure s : parts) {
            if (!s.partitioning().equals(partitioning) || s.directed() != head.directed() || s.weighted() != head.weighted()
                    || s.numEdges() != head.numEdges() || s.sourceDense() != head.sourceDense()
                    || (s.outTargets() != null) != outTargets || s.inIsOut() != one || (s.ownedIds() != null) != ids) {
                throw new StructureException("the structure files of partitions " + head.partition() + " and " + s.partition()
                        + " describe different graphs (files of another job or load?)");
            }
        }
        int n = partitioning.numVertices();
        int[] owned = new int[parts.length];
        int owners = 0;
        for (int k = 0; k < parts.length; k++) {
            owned[k] = parts[k].partition();
            if (k > 0 && owned[k] == owned[k - 1]) {
                throw new IllegalArgumentException("partition " + owned[k] + " given twice");
            }
            owners += parts[k].vertices();
        }
        // Slot of every vertex named: owned ones by partition, then mirrors ascending by dense id.
        int[] slotOf = new int[n];
        Arrays.fill(slotOf, -1);
        int slot = 0;
        for (PartitionStructure s : parts) {
            for (int g = partitioning.first(s.partition()); g < partitioning.end(s.partition()); g++) {
                slotOf[g] = slot++;
            }
        }
        for (PartitionStructure s : parts) {
            mark(slotOf, s.outTargets(), n);
            if (!one) {
                mark(slotOf, s.inSources(), n);
            }
        }
        int[] mirrorSlot = new int[partitioning.count() + 1];
        int slots = owners;
        for (int q = 0; q < partitioning.count(); q++) {
            mirrorSlot[q] = slots;
            for (int g = partitioning.first(q); g < partitioning.end(q); g++) {
                if (slotOf[g] == MIRROR) {
                    slotOf[g] = slots++;
                }
            }
        }
        mirrorSlot[partitioning.count()] = slots;
        int[] slotGlobal = new int[slots];
        for (int g = 0; g < n; g++) {
            if (slotOf[g] >= 0) {
                slotGlobal[slotOf[g]] = g;
            }
        }
        long[] ownedIds = null;
        if (ids) {
            ownedIds = new long[owners];
            int at = 0;
            for (PartitionStructure s : parts) {
                System.arraycopy(s.ownedIds(), 0, ownedIds, at, s.vertices());
                at += s.vertices();
            }
        }
        Side out = side(parts, slotOf, owners, true);
        Side in = one ? out : side(parts, slotOf, owners, false);
        return new GraphShare(head.directed(), head.weighted(), head.numEdges(), partitioning, owned, mirrorSlot, slotGlobal,
                ownedIds, out.offsets, out.ends, out.weights, in.offsets, in.ends, in.weights);
    }

    private static final int MIRROR = -2;

    private static void mark(int[] slotOf, int[] neighbours, int n) throws StructureException {
        if (neighbours == null) {
            return;
        }
        for (int g : neighbours) {
            if (g < 0 || g >= n) {
                throw new StructureException("a structure file names vertex " + g + ", outside 0.." + (n - 1));
            }
            if (slotOf[g] == -1) {
                slotOf[g] = MIRROR;
            }
        }
    }

    private record Side(int[] offsets, int[] ends, double[] weights) {
    }

    /** One adjacency of the share: the partitions' offsets concatenated, neighbours turned into slots. */
    private static Side side(PartitionStructure[] parts, int[] slotOf, int owners, boolean outgoing) {
        long entries = 0;
        boolean targets = true;
        boolean weights = false;
        for (PartitionStructure s : parts) {
            int[] offsets = outgoing ? s.outOffsets() : s.inOffsets();
            entries += offsets[s.vertices()];
            targets = outgoing ? s.outTargets() != null : s.inSources() != null;
            weights = (outgoing ? s.outWeights() : s.inWeights()) != null;
        }
        if (entries > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException(entries + " edge entries exceed what one share holds");
        }
        int[] offsets = new int[owners + 1];
        int[] ends = targets ? new int[(int) entries] : null;
        double[] w = weights ? new double[(int) entries] : null;
        int v = 0;
        int e = 0;
        for (PartitionStructure s : parts) {
            int[] local = outgoing ? s.outOffsets() : s.inOffsets();
            for (int i = 0; i < s.vertices(); i++) {
                offsets[v + i + 1] = e + local[i + 1];
            }
            int m = local[s.vertices()];
            if (ends != null) {
                int[] neighbours = outgoing ? s.outTargets() : s.inSources();
                for (int j = 0; j < m; j++) {
                    ends[e + j] = slotOf[neighbours[j]];
                }
            }
            if (w != null) {
                System.arraycopy(outgoing ? s.outWeights() : s.inWeights(), 0, w, e, m);
            }
            v += s.vertices();
            e += m;
        }
        return new Side(offsets, ends, w);
    }
}
