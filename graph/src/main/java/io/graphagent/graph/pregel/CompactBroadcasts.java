package io.graphagent.graph.pregel;

import io.graphagent.graph.partition.GraphShare;
import io.graphagent.graph.partition.Partitioning;

/**
 * A partition's broadcasts in the compact form agents exchange: for a range of members
 * {@code [from, from + n)}, bit {@code i} of a bitmap (least significant first in each byte)
 * says whether member {@code from + i} broadcast, and the values of the marked members follow
 * in member order, without vertex ids.
 *
 * <p>Importing walks the receiver's <em>mirrors</em> of the range, not the members: an
 * agent mirrors only the remote vertices its own edges reach, and a mirror's value is the
 * one at its rank among the marked members, counted a byte at a time. Walking every member
 * and comparing it with the next mirror cost a mispredicted branch per member and was the
 * largest Java cost of the exchange on the network threads (JFR, PageRank on RMAT scale 20).
 */
final class CompactBroadcasts {
    private CompactBroadcasts() {
    }

    /**
     * Packs members {@code [from, from + n)} of owned {@code partition}: their flags in
     * {@code flags}, their values in {@code values}, both by slot.
     */
    static PartitionRunner.BroadcastBits export(GraphShare share, int partition, int from, int n, boolean[] flags,
                                               double[] values) {
        int first = share.firstSlot(partition) + from;
        byte[] bits = new byte[(n + 7) >>> 3];
        double[] sent = new double[n];
        int count = 0;
        // Branch-free: whether a member broadcast is as good as random (PageRank: whether it has
        // out-edges), so a branch on it would be mispredicted half the time. Every value is
        // stored; the count only moves past the marked ones (sent has room for all n).
        int word = 0;
        for (int i = 0; i < n; i++) {
            int v = first + i;
            int marked = flags[v] ? 1 : 0;
            word |= marked << (i & 7);
            sent[count] = values[v];
            count += marked;
            if ((i & 7) == 7) {
                bits[i >>> 3] = (byte) word;
                word = 0;
            }
        }
        if ((n & 7) != 0) {
            bits[n >>> 3] = (byte) word;
        }
        return new PartitionRunner.BroadcastBits(bits, sent, count);
    }

    /**
     * Files members {@code [from, from + n)} of remote {@code partition} into the mirrors of
     * the range: each mirror's flag, and its value when marked; a value of an unmarked mirror
     * is left as it was.
     *
     * @throws IllegalArgumentException when a marked mirror's rank is past the values given
     */
    static void importInto(GraphShare share, Partitioning partitioning, int partition, int from, int n, byte[] bits,
                           double[] values, boolean[] flags, double[] into) {
        int base = partitioning.first(partition) + from;
        int end = base + n;
        int[] globals = share.slotGlobals();
        int endMirror = share.endMirror(partition);
        int mirror = firstMirrorAtOrAfter(share, partition, base);
        // rank = marked members in [0, counted) of the range
        int counted = 0;
        int rank = 0;
        for (; mirror < endMirror; mirror++) {
            int global = globals == null ? mirror : globals[mirror];
            if (global >= end) {
                break;
            }
            int i = global - base;
            rank += marked(bits, counted, i);
            counted = i;
            boolean marked = ((bits[i >>> 3] >>> (i & 7)) & 1) != 0;
            flags[mirror] = marked;
            if (marked) {
                if (rank >= values.length) {
                    throw new IllegalArgumentException("more members of partition " + partition + " marked than the "
                            + values.length + " values given");
                }
                into[mirror] = values[rank];
            }
        }
    }

    /** Marked bits in {@code [from, to)} of {@code bits}, a byte at a time. */
    static int marked(byte[] bits, int from, int to) {
        int count = 0;
        while (from < to) {
            int shift = from & 7;
            int take = Math.min(8 - shift, to - from);
            count += Integer.bitCount(((bits[from >>> 3] & 0xff) >>> shift) & ((1 << take) - 1));
            from += take;
        }
        return count;
    }

    /** The first mirror slot of {@code partition} whose dense id is at least {@code global}. */
    private static int firstMirrorAtOrAfter(GraphShare share, int partition, int global) {
        int lo = share.firstMirror(partition);
        int hi = share.endMirror(partition);
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (share.globalOf(mid) < global) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
