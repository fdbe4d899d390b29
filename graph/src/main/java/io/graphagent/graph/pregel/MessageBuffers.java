package io.graphagent.graph.pregel;

import io.graphagent.graph.partition.GraphShare;
import io.graphagent.graph.partition.Partitioning;

/**
 * A runner's messages of a superstep in flight, by source partition then target partition:
 * an owned partition's row is its worker's outboxes, shipped by the driver; the rows of
 * other partitions hold what arrived from them for owned ones ({@link #accept}). Targets are
 * global dense ids. Rows and buffers are made on first use; a buffer is written by one thread
 * at a time, and delivery reads a target partition's column after the phase barrier.
 */
final class MessageBuffers {
    private final GraphShare share;
    private final Partitioning partitioning;
    /** [source partition][target partition]; rows and buffers null until first used. */
    final MessageBuffer[][] bySource;

    MessageBuffers(GraphShare share) {
        this.share = share;
        this.partitioning = share.partitioning();
        this.bySource = new MessageBuffer[partitioning.count()][];
    }

    /** Partition {@code source}'s row, by target partition, made now if it was not. */
    MessageBuffer[] row(int source) {
        MessageBuffer[] row = bySource[source];
        if (row == null) {
            row = new MessageBuffer[partitioning.count()];
            bySource[source] = row;
        }
        return row;
    }

    private MessageBuffer buffer(int source, int target) {
        return MessageBuffer.in(row(source), target);
    }

    int size(int source, int target) {
        MessageBuffer[] row = bySource[source];
        MessageBuffer buffer = row == null ? null : row[target];
        return buffer == null ? 0 : buffer.size;
    }

    /** Target global dense ids; valid up to {@link #size}. */
    int[] targets(int source, int target) {
        return buffer(source, target).targets;
    }

    /** Message values; valid up to {@link #size}. */
    double[] values(int source, int target) {
        return buffer(source, target).values;
    }

    /** Empties a buffer once shipped. */
    void clear(int source, int target) {
        if (size(source, target) > 0) {
            buffer(source, target).clear();
        }
    }

    /** Files messages (targets as global dense ids) that a remote partition sent to an owned one. */
    void accept(int source, int target, int[] targets, double[] values, int count) {
        if (!share.owns(target)) {
            throw new IllegalArgumentException("messages for partition " + target + ", which this runner does not own");
        }
        int first = partitioning.first(target);
        int end = partitioning.end(target);
        MessageBuffer buffer = buffer(source, target);
        for (int i = 0; i < count; i++) {
            int t = targets[i];
            if (t < first || t >= end) {
                throw new IllegalArgumentException("message for vertex " + t + " filed under partition " + target);
            }
            buffer.add(t, values[i]);
        }
    }
}
