package io.graphagent.graph.pregel;

import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * One owned partition's checkpoint state after a superstep, copied out of the run's arrays
 * (values, halted flags, the messages delivered for the next superstep, combined or not, and
 * the partition's broadcasts the next superstep pulls): plain array copies, so that the
 * supersteps that follow, which write all of those arrays in place, leave it as it was taken.
 * {@link #writeTo} encodes it (the bytes {@link PartitionRunner#restore} reads), on any thread.
 *
 * <p>Immutable once taken: safe to hand to another thread, which then may encode it while the
 * runner goes on.
 */
public final class PartitionSnapshot {
    private final int partition;
    /** Per double field, per member. */
    private final double[][] doubles;
    /** Per long field, per member. */
    private final long[][] longs;
    private final boolean[] halted;
    /** Combined inbox per member (with a combiner; null without). */
    private final boolean[] inboxHas;
    private final double[] inboxValue;
    /** Uncombined inbox (without a combiner; null with): member i's messages are messages[offsets[i] .. offsets[i+1]). */
    private final int[] offsets;
    private final double[] messages;
    /** The partition's broadcasts of the superstep just ended, per member. */
    private final boolean[] broadcastFlags;
    private final double[] broadcastValues;

    /** Copies partition {@code partition}'s state, slots {@code first .. end-1}; call between {@code advance} and the next compute. */
    PartitionSnapshot(EngineState s, int partition, int first, int end, PartitionInbox inbox) {
        this.partition = partition;
        this.doubles = new double[s.doubles.length][];
        for (int f = 0; f < doubles.length; f++) {
            doubles[f] = Arrays.copyOfRange(s.doubles[f], first, end);
        }
        this.longs = new long[s.longs.length][];
        for (int f = 0; f < longs.length; f++) {
            longs[f] = Arrays.copyOfRange(s.longs[f], first, end);
        }
        this.halted = Arrays.copyOfRange(s.halted, first, end);
        if (s.combiner != null) {
            this.inboxHas = Arrays.copyOfRange(s.inboxHas, first, end);
            this.inboxValue = Arrays.copyOfRange(s.inboxValue, first, end);
            this.offsets = null;
            this.messages = null;
        } else {
            this.inboxHas = null;
            this.inboxValue = null;
            int members = end - first;
            this.offsets = Arrays.copyOf(inbox.offsets, members + 1);
            this.messages = Arrays.copyOf(inbox.values, offsets[members]);
        }
        this.broadcastFlags = Arrays.copyOfRange(s.broadcastFlag[s.cur], first, end);
        this.broadcastValues = Arrays.copyOfRange(s.broadcastValue[s.cur], first, end);
    }

    /** The partition this is a snapshot of. */
    public int partition() {
        return partition;
    }

    /**
     * Writes the checkpoint: a header (magic, partition), then the sections
     * {@link CheckpointSections} reads: per member its fields and halted flag; the inbox; per
     * member its broadcast flag and value.
     */
    public void writeTo(DataOutput out) throws IOException {
        out.writeInt(PartitionRunner.CHECKPOINT_MAGIC);
        out.writeInt(partition);
        int members = halted.length;
        CheckpointCodec.Writer w = new CheckpointCodec.Writer(out);
        w.putInt(members);
        for (int v = 0; v < members; v++) {
            for (double[] field : doubles) {
                w.putDouble(field[v]);
            }
            for (long[] field : longs) {
                w.putLong(field[v]);
            }
            w.putBoolean(halted[v]);
        }
        if (inboxHas != null) {
            for (int v = 0; v < members; v++) {
                w.putBoolean(inboxHas[v]);
                w.putDouble(inboxValue[v]);
            }
        } else {
            int total = offsets[members];
            w.putInt(total);
            for (int i = 0; i <= members; i++) {
                w.putInt(offsets[i]);
            }
            for (int i = 0; i < total; i++) {
                w.putDouble(messages[i]);
            }
        }
        for (int v = 0; v < members; v++) {
            w.putBoolean(broadcastFlags[v]);
            w.putDouble(broadcastValues[v]);
        }
        w.flush();
    }
}
