package io.graphagent.graph.pregel;

import io.graphagent.api.Combiner;
import java.util.Arrays;

/**
 * The delivery phase of one partition: folds (with a combiner, into the run's combined inbox
 * in {@link EngineState}) or files (without, into {@link #offsets}/{@link #values}) every
 * message bound for its members, in source-partition order and each buffer in send order:
 * the order of the senders' ids. Used by one thread at a time.
 */
final class PartitionInbox {
    private final EngineState s;
    private final int partition;
    /** Slots of the members: first .. end-1. */
    private final int first;
    private final int end;
    /** Global dense id of a member = slot + globalShift. */
    private final int globalShift;

    /** Uncombined inbox: messages of member i are values[offsets[i] .. offsets[i+1]); null with a combiner. */
    final int[] offsets;
    /** Replaced when it grows (or on a checkpoint restore): read it again after each delivery. */
    double[] values = new double[0];

    PartitionInbox(EngineState state, int partition, int first, int end, int globalShift) {
        this.s = state;
        this.partition = partition;
        this.first = first;
        this.end = end;
        this.globalShift = globalShift;
        this.offsets = state.combiner == null ? new int[end - first + 1] : null;
    }

    /** Folds or files every message of {@code bySource} (by source, then target partition) bound for this partition. */
    void deliver(MessageBuffer[][] bySource) {
        if (s.combiner != null) {
            deliverCombined(bySource);
        } else {
            deliverUncombined(bySource);
        }
    }

    /** The buffer of messages from partition {@code source} to this one, or null when none was made. */
    private MessageBuffer from(MessageBuffer[][] bySource, int source) {
        MessageBuffer[] row = bySource[source];
        return row == null ? null : row[partition];
    }
    /** Folds messages in source-partition order, each buffer in send order: the order of the senders' ids. */
    private void deliverCombined(MessageBuffer[][] bySource) {
        double[] inboxValue = s.inboxValue;
        boolean[] inboxHas = s.inboxHas;
        Arrays.fill(inboxHas, first, end, false);
        Combiner op = s.combiner;
        if (s.longMessages) {
            deliverCombinedLongs(bySource, op);
            return;
        }
        int shift = globalShift;
        for (int source = 0; source < bySource.length; source++) {
            MessageBuffer buffer = from(bySource, source);
            if (buffer == null) {
                continue;
            }
            int[] targets = buffer.targets;
            double[] values = buffer.values;
            for (int i = 0, size = buffer.size; i < size; i++) {
                int t = targets[i] - shift;
                if (inboxHas[t]) {
                    inboxValue[t] = switch (op) {
                        case SUM -> inboxValue[t] + values[i];
                        case MIN -> Math.min(inboxValue[t], values[i]);
                        case MAX -> Math.max(inboxValue[t], values[i]);
                    };
                } else {
                    inboxValue[t] = values[i];
                    inboxHas[t] = true;
                }
            }
            buffer.clear();
        }
    }

    /** {@link #deliverCombined} for long messages (raw bits in the buffers). */
    private void deliverCombinedLongs(MessageBuffer[][] bySource, Combiner op) {
        double[] inboxValue = s.inboxValue;
        boolean[] inboxHas = s.inboxHas;
        int shift = globalShift;
        for (int source = 0; source < bySource.length; source++) {
            MessageBuffer buffer = from(bySource, source);
            if (buffer == null) {
                continue;
            }
            int[] targets = buffer.targets;
            double[] values = buffer.values;
            for (int i = 0, size = buffer.size; i < size; i++) {
                int t = targets[i] - shift;
                if (inboxHas[t]) {
                    long a = Double.doubleToRawLongBits(inboxValue[t]);
                    long b = Double.doubleToRawLongBits(values[i]);
                    long c = switch (op) {
                        case SUM -> a + b;
                        case MIN -> Math.min(a, b);
                        case MAX -> Math.max(a, b);
                    };
                    inboxValue[t] = Double.longBitsToDouble(c);
                } else {
                    inboxValue[t] = values[i];
                    inboxHas[t] = true;
                }
            }
            buffer.clear();
        }
    }

    private void deliverUncombined(MessageBuffer[][] bySource) {
        int[] offsets = this.offsets;
        Arrays.fill(offsets, 0);
        int base = first + globalShift;
        int members = end - first;
        int total = 0;
        for (int source = 0; source < bySource.length; source++) {
            MessageBuffer buffer = from(bySource, source);
            if (buffer == null) {
                continue;
            }
            for (int i = 0; i < buffer.size; i++) {
                offsets[buffer.targets[i] - base + 1]++;
            }
            total += buffer.size;
        }
        for (int i = 0; i < members; i++) {
            offsets[i + 1] += offsets[i];
        }
        if (this.values.length < total) {
            this.values = new double[Math.max(total, this.values.length * 2)];
        }
        int[] fill = Arrays.copyOf(offsets, members);
        for (int source = 0; source < bySource.length; source++) {
            MessageBuffer buffer = from(bySource, source);
            if (buffer == null) {
                continue;
            }
            for (int i = 0; i < buffer.size; i++) {
                this.values[fill[buffer.targets[i] - base]++] = buffer.values[i];
            }
            buffer.clear();
        }
    }
}
