package io.graphagent.graph.pregel;

import io.graphagent.graph.partition.GraphShare;
import java.io.DataInput;
import java.io.EOFException;
import java.io.IOException;

/**
 * The sections of a partition's checkpoint file that a runner not owning the partition reads:
 * only the broadcasts, into its mirrors of the partition (a pulling superstep reads them).
 * The layout is {@link PartitionWorker#writeCheckpoint}'s. Stateless.
 */
final class CheckpointSections {
    private CheckpointSections() {
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
