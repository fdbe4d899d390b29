package io.graphagent.agent.resident;

import io.graphagent.graph.partition.GraphShare;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;

/**
 * What an agent holds of one resident graph at one moment: for each partition, the share
 * that holds it (or null). A share may hold several partitions (the load's share) or one (a
 * replica copied later). Immutable: a change makes a new one, so a query reads one consistent
 * snapshot without locks while replicas come and go.
 */
public final class Holdings {
    private final GraphShare[] byPartition;

    Holdings(GraphShare[] byPartition) {
        this.byPartition = byPartition;
    }

    static Holdings empty(int partitions) {
        return new Holdings(new GraphShare[partitions]);
    }

    /** The share holding partition {@code p}, or null. */
    public GraphShare shareOf(int p) {
        return p >= 0 && p < byPartition.length ? byPartition[p] : null;
    }

    public boolean holds(int p) {
        return shareOf(p) != null;
    }

    /** Partitions held, ascending. */
    public int[] partitions() {
        int n = 0;
        int[] out = new int[byPartition.length];
        for (int p = 0; p < byPartition.length; p++) {
            if (byPartition[p] != null) {
                out[n++] = p;
            }
        }
        return Arrays.copyOf(out, n);
    }

    /** These holdings with every partition {@code share} owns added (replacing what held them). */
    Holdings with(GraphShare share) {
        GraphShare[] next = byPartition.clone();
        for (int p : share.owned()) {
            next[p] = share;
        }
        return new Holdings(next);
    }

    /**
     * These holdings restricted to the {@code count} partitions {@code partitionAt} names (those
     * outside or not held are ignored): what a query may expand of them.
     */
    public Holdings only(int count, java.util.function.IntUnaryOperator partitionAt) {
        GraphShare[] next = new GraphShare[byPartition.length];
        for (int i = 0; i < count; i++) {
            int p = partitionAt.applyAsInt(i);
            if (p >= 0 && p < next.length) {
                next[p] = byPartition[p];
            }
        }
        return new Holdings(next);
    }

    /** These holdings without {@code partitions}. */
    Holdings without(int[] partitions) {
        GraphShare[] next = byPartition.clone();
        for (int p : partitions) {
            if (p >= 0 && p < next.length) {
                next[p] = null;
            }
        }
        return new Holdings(next);
    }

    /** The distinct shares referenced: what is kept in memory. */
    List<GraphShare> shares() {
        IdentityHashMap<GraphShare, Boolean> seen = new IdentityHashMap<>();
        List<GraphShare> out = new ArrayList<>();
        for (GraphShare s : byPartition) {
            if (s != null && seen.put(s, Boolean.TRUE) == null) {
                out.add(s);
            }
        }
        return out;
    }

    /** Bytes of graph arrays held: the distinct shares' sizes. */
    public long bytes() {
        long bytes = 0;
        for (GraphShare s : shares()) {
            bytes += s.sizeInBytes();
        }
        return bytes;
    }
}
