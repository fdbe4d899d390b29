package io.graphagent.agent.resident;

import io.graphagent.graph.partition.GraphShare;
import io.graphagent.graph.partition.Partitioning;

/**
 * The ids and degrees of one held partition: original ids to dense ids by binary search over
 * the partition's original ids (ascending, as vertices are numbered), or by range when
 * original ids are the dense ids. Stateless over the share; any thread.
 */
public final class IdsOfPartition {
    private final ResidentGraph graph;
    private final GraphShare share;
    private final int first;
    private final int end;
    private final int firstSlot;

    public IdsOfPartition(ResidentGraph graph, GraphShare share, int partition) {
        Partitioning partitioning = graph.partitioning();
        this.graph = graph;
        this.share = share;
        this.first = partitioning.first(partition);
        this.end = partitioning.end(partition);
        this.firstSlot = share.firstSlot(partition);
    }

    /** The dense id of {@code original}, or -1 when the partition has no such vertex. */
    public int denseOf(long original) {
        if (graph.denseIds() || share.ownedIds() == null) {
            return original >= first && original < end ? (int) original : -1;
        }
        int lo = 0;
        int hi = end - first - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            long at = share.originalId(firstSlot + mid);
            if (at < original) {
                lo = mid + 1;
            } else if (at > original) {
                hi = mid - 1;
            } else {
                return first + mid;
            }
        }
        return -1;
    }

    /**
     * @throws IllegalArgumentException when {@code dense} is not in the partition
     */
    public long originalOf(int dense) {
        return share.originalId(slot(dense));
    }

    public int outDegree(int dense) {
        return share.outDegree(slot(dense));
    }

    public int inDegree(int dense) {
        int slot = slot(dense);
        return graph.directed() ? share.inOffsets()[slot + 1] - share.inOffsets()[slot] : share.outDegree(slot);
    }

    private int slot(int dense) {
        if (dense < first || dense >= end) {
            throw new IllegalArgumentException("vertex " + dense + " is not in the partition (" + first + ".." + (end - 1) + ")");
        }
        return firstSlot + dense - first;
    }
}
