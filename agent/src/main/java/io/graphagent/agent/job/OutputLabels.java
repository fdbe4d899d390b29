package io.graphagent.agent.job;

import io.graphagent.agent.dataplane.PeerSender;
import io.graphagent.agent.load.IdLookup;
import io.graphagent.agent.load.LoadException;
import io.graphagent.graph.partition.GraphShare;
import io.graphagent.graph.partition.Partitioning;
import java.util.Arrays;
import java.util.Map;
import java.util.function.IntToLongFunction;

/**
 * The original ids of the vertices a kernel's values name (WCC and CDLP labels), for printing:
 * owned vertices from the share, the others learnt from their partitions' owners before the
 * output is written ({@link #learn}). When original ids are the dense ids nothing is asked.
 * Filled on the job thread, then read by it.
 */
final class OutputLabels implements IntToLongFunction {
    private final GraphShare share;
    private int[] remote = new int[0];
    private long[] remoteIds = new long[0];

    OutputLabels(GraphShare share) {
        this.share = share;
    }

    /** Asks the owners of the remote vertices that {@code values} (dense ids of the owned vertices' labels) name. */
    void learn(double[] values, String[] ownerOf, Map<String, PeerSender> peers, IdLookup lookup) throws LoadException {
        if (share.ownedIds() == null) {
            return;
        }
        int[] labels = new int[share.ownedVertices()];
        int n = 0;
        for (int v = 0; v < share.ownedVertices(); v++) {
            int label = (int) values[v];
            if (share.ownedSlotOf(label) < 0) {
                labels[n++] = label;
            }
        }
        Arrays.sort(labels, 0, n);
        int distinct = 0;
        for (int i = 0; i < n; i++) {
            if (distinct == 0 || labels[distinct - 1] != labels[i]) {
                labels[distinct++] = labels[i];
            }
        }
        remote = Arrays.copyOf(labels, distinct);
        remoteIds = new long[distinct];
        Partitioning partitioning = share.partitioning();
        int from = 0;
        while (from < distinct) {
            int q = partitioning.partitionOf(remote[from]);
            int to = from;
            while (to < distinct && remote[to] < partitioning.end(q)) {
                to++;
            }
            int[] ranks = new int[to - from];
            for (int i = from; i < to; i++) {
                ranks[i - from] = remote[i] - partitioning.first(q);
            }
            String owner = ownerOf[q];
            long[] ids = lookup.originals(peers.get(owner).channel(), owner, q, ranks);
            System.arraycopy(ids, 0, remoteIds, from, ids.length);
            from = to;
        }
    }

    @Override
    public long applyAsLong(int dense) {
        if (share.ownedIds() == null) {
            return dense;
        }
        int slot = share.ownedSlotOf(dense);
        if (slot >= 0) {
            return share.originalId(slot);
        }
        int i = Arrays.binarySearch(remote, dense);
        if (i < 0) {
            throw new IllegalStateException("no original id learnt for vertex " + dense);
        }
        return remoteIds[i];
    }
}
