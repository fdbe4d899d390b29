package io.graphagent.graph.pregel;

import io.graphagent.graph.partition.GraphShare;
import java.io.DataInput;
import java.io.EOFException;
import java.io.IOException;

/**
 * Reads the sections of a partition's checkpoint file, as {@link PartitionSnapshot#writeTo}
 * writes them: all of them by the partition's owner ({@link #readOwned}); only the broadcasts by
 * a runner not owning the partition, into its mirrors of it (a pulling superstep reads them).
 * Stateless.
 */
final class CheckpointSections {
    private CheckpointSections() {
    }

    /** Reads the sections {@link PartitionSnapshot#writeTo} wrote (after the header) into the partition's owner. */
    static void readOwned(DataInput in, EngineState s, int partition, int first, int end, PartitionInbox inbox)
            throws IOException {
        int members = end - first;
        checkMembers(in.readInt(), members, partition);
        CheckpointCodec.Reader r = new CheckpointCodec.Reader(in, members * (s.fieldBytes() + 1L));
        for (int v = first; v < end; v++) {
            for (double[] field : s.doubles) {
                field[v] = r.getDouble();
            }
            for (long[] field : s.longs) {
                field[v] = r.getLong();
            }
            s.halted[v] = r.getBoolean();
        }
        if (s.combiner != null) {
            r = new CheckpointCodec.Reader(in, members * 9L);
            for (int v = first; v < end; v++) {
                s.inboxHas[v] = r.getBoolean();
                s.inboxValue[v] = r.getDouble();
            }
        } else {
            int total = in.readInt();
            if (total < 0) {
                throw new IOException("checkpoint of partition " + partition + " is damaged: " + total + " messages");
            }
            r = new CheckpointCodec.Reader(in, (members + 1) * 4L + total * 8L);
            for (int i = 0; i <= members; i++) {
                inbox.offsets[i] = r.getInt();
            }
            inbox.values = new double[Math.max(total, 1)];
            for (int i = 0; i < total; i++) {
                inbox.values[i] = r.getDouble();
            }
        }
        boolean[] flags = s.broadcastFlag[s.cur];
        double[] values = s.broadcastValue[s.cur];
        r = new CheckpointCodec.Reader(in, members * 9L);
        for (int v = first; v < end; v++) {
            flags[v] = r.getBoolean();
            values[v] = r.getDouble();
        }
    }

    static void checkMembers(int count, int members, int partition) throws IOException {
        if (count != members) {
            throw new IOException("checkpoint of partition " + partition + " holds " + count
                    + " vertices, the graph has " + members + " in it: a checkpoint of another graph or partition count");
        }
    }

    /**
     * Skips the own-state sections of partition {@code partition}'s checkpoint and reads its
     * broadcasts into the mirrors {@code share} has of it, in broadcast half {@code half}.
     *
     * @param fieldBytes bytes of one vertex's state fields (8 per field of the program's shape)
     */
    static void readMirrorBroadcasts(DataInput in, int partition, GraphShare share, boolean combined, int fieldBytes,
                                     boolean[] flags, double[] values) throws IOException {
        int members = share.partitioning().size(partition);
        checkMembers(in.readInt(), members, partition);
        skip(in, members * (fieldBytes + 1L));
        if (combined) {
            skip(in, members * 9L);
        } else {
            int total = in.readInt();
            skip(in, (members + 1) * 4L + total * 8L);
        }
        int base = share.partitioning().first(partition);
        int mirror = share.firstMirror(partition);
        int endMirror = share.endMirror(partition);
        CheckpointCodec.Reader r = new CheckpointCodec.Reader(in, members * 9L);
        for (int i = 0; i < members; i++) {
            boolean flag = r.getBoolean();
            double value = r.getDouble();
            if (mirror < endMirror && share.globalOf(mirror) - base == i) {
                flags[mirror] = flag;
                values[mirror] = value;
                mirror++;
            }
        }
    }

    private static void skip(DataInput in, long bytes) throws IOException {
        while (bytes > 0) {
            int step = (int) Math.min(bytes, Integer.MAX_VALUE);
            int skipped = in.skipBytes(step);
            if (skipped <= 0) {
                throw new EOFException("checkpoint ends early");
            }
            bytes -= skipped;
        }
    }
}
