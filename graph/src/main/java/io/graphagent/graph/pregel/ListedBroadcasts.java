package io.graphagent.graph.pregel;

import io.graphagent.graph.partition.GraphShare;
import io.graphagent.graph.partition.Partitioning;
import java.util.Arrays;

/**
 * A partition's broadcasts as a list: parallel arrays of the global dense ids of the members
 * that broadcast and their values (the compact form, without ids, is
 * {@link CompactBroadcasts}). Stateless.
 */
final class ListedBroadcasts {
    private ListedBroadcasts() {
    }

    /** Lists the members of owned {@code partition} marked in {@code flags}, with their {@code values} (both by slot). */
    static PartitionRunner.Broadcasts export(GraphShare share, Partitioning partitioning, int partition, boolean[] flags,
                                             double[] values) {
        int first = share.firstSlot(partition);
        int end = first + partitioning.size(partition);
        int count = 0;
        for (int v = first; v < end; v++) {
            if (flags[v]) {
                count++;
            }
        }
        int[] vertices = new int[count];
        double[] sent = new double[count];
        int shift = partitioning.first(partition) - first;
        int i = 0;
        for (int v = first; v < end; v++) {
            if (flags[v]) {
                vertices[i] = v + shift;
                sent[i++] = values[v];
            }
        }
        return new PartitionRunner.Broadcasts(vertices, sent);
    }

    /**
     * Marks the listed vertices of remote {@code partition} that {@code share} mirrors as
     * broadcasting, with their values, in {@code flags}/{@code into} (by slot).
     *
     * @param first true for the partition's first chunk of the superstep: every other mirror
     *     of the partition is then marked as not broadcasting
     */
    static void importInto(GraphShare share, int partition, int[] vertices, double[] values, int count, boolean first,
                           boolean[] flags, double[] into) {
        if (first) {
            Arrays.fill(flags, share.firstMirror(partition), share.endMirror(partition), false);
        }
        for (int i = 0; i < count; i++) {
            int slot = share.mirrorSlotOf(vertices[i]);
            if (slot >= 0) {
                flags[slot] = true;
                into[slot] = values[i];
            }
        }
    }
}
