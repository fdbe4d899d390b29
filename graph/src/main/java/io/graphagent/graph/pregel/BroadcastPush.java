package io.graphagent.graph.pregel;

import io.graphagent.api.EdgeUse;
import io.graphagent.graph.partition.GraphShare;
import io.graphagent.graph.partition.Partitioning;

/**
 * A sparse superstep on one partition: the broadcasts its vertices made in the compute phase
 * just run become messages pushed along their edges into the partition's outboxes (a dense
 * superstep pulls them over edges instead; {@link Delivery#decide} chooses). Used by one
 * thread at a time.
 */
final class BroadcastPush {
    private final EngineState s;
    private final Partitioning partitioning;
    private final int partition;
    /** Slots of the members: first .. end-1. */
    private final int first;
    private final int end;
    /** Slot of a remote-or-local global id; null when slots are global ids. */
    private final int[] slotGlobal;
    private final int[] outOffsets;
    private final int[] outTargets;
    private final double[] outWeights;
    private final int[] inOffsets;
    private final int[] inSources;
    private final double[] inWeights;
    /** Messages from this partition, by target partition; created on first use. */
    private final MessageBuffer[] outboxes;

    BroadcastPush(EngineState state, int partition, int first, int end, MessageBuffer[] outboxes) {
        GraphShare share = state.share;
        this.s = state;
        this.partitioning = state.partitioning;
        this.partition = partition;
        this.first = first;
        this.end = end;
        this.slotGlobal = share.slotGlobals();
        this.outOffsets = share.outOffsets();
        this.outTargets = share.outTargets();
        this.outWeights = share.outWeights();
        this.inOffsets = share.inOffsets();
        this.inSources = share.inSources();
        this.inWeights = share.inWeights();
        this.outboxes = outboxes;
    }

    /** Turns this partition's broadcasts of the superstep just run into pushed messages. */
    void run() {
        if (outTargets == null) {
            throw new IllegalStateException("partition " + partition + " holds out-degrees only (the program declared "
                    + EdgeUse.IN_AND_OUT_DEGREES + "), but its broadcasts were to be pushed along out-edges");
        }
        boolean[] flags = s.broadcastFlag[s.next()];
        double[] values = s.broadcastValue[s.next()];
        boolean addWeight = s.addWeight;
        for (int vertex = first; vertex < end; vertex++) {
            if (!flags[vertex]) {
                continue;
            }
            double m = values[vertex];
            if (s.pullIn) {
                for (int e = outOffsets[vertex], end = outOffsets[vertex + 1]; e < end; e++) {
                    int t = globalOf(outTargets[e]);
                    MessageBuffer.in(outboxes, partitioning.partitionOf(t)).add(t, addWeight ? m + outWeights[e] : m);
                }
            }
            if (s.pullOut) {
                for (int e = inOffsets[vertex], end = inOffsets[vertex + 1]; e < end; e++) {
                    int t = globalOf(inSources[e]);
                    MessageBuffer.in(outboxes, partitioning.partitionOf(t)).add(t, addWeight ? m + inWeights[e] : m);
                }
            }
        }
    }

    private int globalOf(int slot) {
        return slotGlobal == null ? slot : slotGlobal[slot];
    }
}
