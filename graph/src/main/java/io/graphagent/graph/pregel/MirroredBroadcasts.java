package io.graphagent.graph.pregel;

import io.graphagent.graph.partition.GraphShare;
import io.graphagent.graph.partition.Partitioning;
import java.util.Arrays;

/**
 * A partition's broadcasts in the mirrored form: only the members one receiver mirrors, in
 * its mirror order. The receiver's mirrors of a remote partition are one run of slots,
 * ascending by dense id, so the owner, told their ranks in the partition once
 * ({@link #mirrorRanks}), packs mirrors {@code [from, from + n)} of that list and the receiver
 * files them with a straight copy into slots {@code firstMirror + from ..}: no member bitmap
 * of the whole partition, no rank walk. When some covered mirror did not broadcast (WCC,
 * CDLP), a bit per covered mirror says which did and only their values travel; when all did
 * (PageRank: a mirror is an in-neighbour, so it has out-edges), the bits are left out.
 */
final class MirroredBroadcasts {
    /** Bits that say "every covered mirror broadcast". */
    static final byte[] ALL = new byte[0];

    private MirroredBroadcasts() {
    }

    /**
     * Ranks in remote {@code partition} of this share's mirrors {@code [from, from + count)} of
     * it, ascending: what the partition's owner needs to pack them ({@link #export}).
     */
    static int[] mirrorRanks(GraphShare share, Partitioning partitioning, int partition, int from, int count) {
        int first = share.firstMirror(partition) + from;
        if (from < 0 || count < 0 || first + count > share.endMirror(partition)) {
            throw new IllegalArgumentException("mirrors " + from + ".." + (from + count) + " of partition " + partition
                    + ": this share mirrors " + (share.endMirror(partition) - share.firstMirror(partition)));
        }
        int base = partitioning.first(partition);
        int[] ranks = new int[count];
        for (int i = 0; i < count; i++) {
            ranks[i] = share.globalOf(first + i) - base;
        }
        return ranks;
    }

    /**
     * Packs the broadcasts of owned {@code partition}'s members {@code ranks[from .. from + n)}
     * (one receiver's mirrors, ascending): bits {@link #ALL} when every one broadcast, else bit
     * {@code i} for {@code ranks[from + i]}; the marked members' values in order.
     */
    static PartitionRunner.BroadcastBits export(GraphShare share, int partition, int[] ranks, int from, int n,
                                               boolean[] flags, double[] values) {
        int first = share.firstSlot(partition);
        double[] sent = new double[n];
        int count = 0;
        for (int i = 0; i < n; i++) {
            int v = first + ranks[from + i];
            sent[count] = values[v];
            count += flags[v] ? 1 : 0;
        }
        if (count == n) {
            return new PartitionRunner.BroadcastBits(ALL, sent, n);
        }
        // Some did not broadcast: pack again, branch-free, with their bits.
        byte[] bits = new byte[(n + 7) >>> 3];
        count = 0;
        for (int i = 0; i < n; i++) {
            int v = first + ranks[from + i];
            int marked = flags[v] ? 1 : 0;
            bits[i >>> 3] |= (byte) (marked << (i & 7));
            sent[count] = values[v];
            count += marked;
        }
        return new PartitionRunner.BroadcastBits(bits, sent, count);
    }

    /**
     * Files mirrors {@code [from, from + n)} of remote {@code partition}: with {@code bits}
     * empty every one broadcast {@code values[i]}; else bit {@code i} says whether mirror
     * {@code from + i} did, and {@code values} holds the marked ones' values in order. An
     * unmarked mirror's value is left as it was.
     *
     * @throws IllegalArgumentException when the range is past this share's mirrors of the
     *     partition, or the values do not match the bits
     */
    static void importInto(GraphShare share, int partition, int from, int n, byte[] bits, double[] values,
                           boolean[] flags, double[] into) {
        int first = share.firstMirror(partition) + from;
        if (from < 0 || n < 0 || first + n > share.endMirror(partition)) {
            throw new IllegalArgumentException("mirrors " + from + ".." + (from + n) + " of partition " + partition
                    + " sent, but this share mirrors " + (share.endMirror(partition) - share.firstMirror(partition)));
        }
        if (bits.length == 0) {
            if (values.length < n) {
                throw new IllegalArgumentException(n + " mirrors of partition " + partition + " marked all broadcasting, but "
                        + values.length + " values given");
            }
            System.arraycopy(values, 0, into, first, n);
            Arrays.fill(flags, first, first + n, true);
            return;
        }
        int rank = 0;
        for (int i = 0; i < n; i++) {
            boolean marked = ((bits[i >>> 3] >>> (i & 7)) & 1) != 0;
            flags[first + i] = marked;
            if (marked) {
                if (rank >= values.length) {
                    throw new IllegalArgumentException("more mirrors of partition " + partition + " marked than the "
                            + values.length + " values given");
                }
                into[first + i] = values[rank++];
            }
        }
    }
}
