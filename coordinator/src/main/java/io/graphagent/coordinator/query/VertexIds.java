package io.graphagent.coordinator.query;

import io.graphagent.coordinator.resident.GraphView;
import io.graphagent.graph.partition.Partitioning;
import io.graphagent.protocol.PackedArrays;
import io.graphagent.protocol.v1.LookupReply;
import io.graphagent.protocol.v1.LookupRequest;

/**
 * A resident graph's two names for a vertex: the original id outside, the dense id inside. A
 * graph whose ids are dense needs no translation; otherwise the partition's replica that holds
 * the id is asked ({@code Lookup}), one request per partition. Thread-safe.
 */
final class VertexIds {
    private final ShardCalls calls;

    VertexIds(ShardCalls calls) {
        this.calls = calls;
    }

    /** The graph's dense id of original id {@code id}, or -1 when the graph has no such vertex. */
    int dense(QueryRun run, GraphView g, long id) throws QueryException {
        int p = partitionOfId(g, id);
        if (p < 0) {
            return -1;
        }
        if (g.denseIds()) {
            return id < g.partitioning().numVertices() ? (int) id : -1;
        }
        run.hops++;
        LookupReply reply = calls.lookup(run, g, p, LookupRequest.newBuilder().setCount(1)
                .setIds(PackedArrays.packLongs(new long[] {id}, 0, 1)));
        int[] dense = new int[1];
        PackedArrays.unpackInts(reply.getIds(), 1, dense);
        return dense[0];
    }

    /** The partition whose id blocks hold {@code id}, or -1 outside the graph's ids. */
    static int partitionOfId(GraphView g, long id) {
        if (id < 0) {
            return -1;
        }
        try {
            return g.partitioning().partitionOfId(id);
        } catch (IllegalArgumentException e) {
            return -1;
        }
    }

    /** Original ids of {@code dense} (any order), asked of their partitions' replicas a partition at a time, unless ids are dense. */
    long[] originals(QueryRun run, GraphView g, int[] dense) throws QueryException {
        long[] out = new long[dense.length];
        if (g.denseIds()) {
            for (int i = 0; i < dense.length; i++) {
                out[i] = dense[i];
            }
            return out;
        }
        if (dense.length == 0) {
            return out;
        }
        Partitioning partitioning = g.partitioning();
        // The indices of dense grouped by partition, each group ascending: byPartition[start[p] .. start[p + 1]).
        int[] start = new int[partitioning.count() + 1];
        for (int v : dense) {
            start[partitioning.partitionOf(v) + 1]++;
        }
        for (int p = 0; p < partitioning.count(); p++) {
            start[p + 1] += start[p];
        }
        int[] byPartition = new int[dense.length];
        int[] fill = new int[partitioning.count()];
        for (int i = 0; i < dense.length; i++) {
            int p = partitioning.partitionOf(dense[i]);
            byPartition[start[p] + fill[p]++] = i;
        }
        run.hops++;
        for (int p = 0; p < partitioning.count(); p++) {
            int n = start[p + 1] - start[p];
            if (n == 0) {
                continue;
            }
            int[] ids = new int[n];
            for (int k = 0; k < n; k++) {
                ids[k] = dense[byPartition[start[p] + k]];
            }
            LookupReply reply = calls.lookup(run, g, p, LookupRequest.newBuilder().setToOriginal(true)
                    .setCount(n).setIds(PackedArrays.packInts(ids, 0, n)));
            long[] originals = new long[n];
            PackedArrays.unpackLongs(reply.getIds(), n, originals);
            for (int k = 0; k < n; k++) {
                out[byPartition[start[p] + k]] = originals[k];
            }
        }
        return out;
    }

    /** The answer's message for a vertex the graph does not have. */
    static String missing(GraphView g, long id) {
        return "vertex " + id + " is not in graph " + g.name();
    }
}
