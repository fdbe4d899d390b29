package io.graphagent.coordinator.query;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.graphagent.graph.partition.Partitioning;
import io.graphagent.protocol.PackedArrays;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A hop's vertices grouped by partition, each group in the order given (one counting sort into
 * primitive arrays), and the partitions whose group no replica answered yet. Used by the one
 * thread that runs the query.
 */
final class PartitionGroups {
    /** The vertices, partition 0's group first. */
    private final int[] grouped;
    /** Partition p's group is {@code grouped[start[p] .. start[p + 1])}. */
    private final int[] start;
    private final boolean[] pending;
    private int left;

    private PartitionGroups(int[] grouped, int[] start, boolean[] pending, int left) {
        this.grouped = grouped;
        this.start = start;
        this.pending = pending;
        this.left = left;
    }

    /** {@code vertices[0..count)} grouped by their partition; every non-empty group is pending. */
    static PartitionGroups of(Partitioning partitioning, int[] vertices, int count) {
        int partitions = partitioning.count();
        int[] partitionOf = new int[count];
        int[] start = new int[partitions + 1];
        for (int i = 0; i < count; i++) {
            partitionOf[i] = partitioning.partitionOf(vertices[i]);
            start[partitionOf[i] + 1]++;
        }
        boolean[] pending = new boolean[partitions];
        int left = 0;
        for (int p = 0; p < partitions; p++) {
            if (start[p + 1] > 0) {
                pending[p] = true;
                left++;
            }
            start[p + 1] += start[p];
        }
        int[] grouped = new int[count];
        int[] fill = new int[partitions];
        for (int i = 0; i < count; i++) {
            int p = partitionOf[i];
            grouped[start[p] + fill[p]++] = vertices[i];
        }
        return new PartitionGroups(grouped, start, pending, left);
    }

    /** Partitions, pending or not. */
    int partitions() {
        return pending.length;
    }

    /** Whether partition {@code p}'s group still waits for an answer. */
    boolean pending(int p) {
        return pending[p];
    }

    /** Partitions still pending. */
    int left() {
        return left;
    }

    /** Partition {@code p}'s group was answered. */
    void answered(int p) {
        if (pending[p]) {
            pending[p] = false;
            left--;
        }
    }

    /** The groups of {@code partitions[0..n)}, one after the other, packed little-endian int32. */
    ByteString packed(int[] partitions, int n) {
        int total = count(partitions, n);
        byte[] bytes = new byte[total * PackedArrays.INT_BYTES];
        var ints = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer();
        for (int i = 0; i < n; i++) {
            int p = partitions[i];
            ints.put(grouped, start[p], start[p + 1] - start[p]);
        }
        return UnsafeByteOperations.unsafeWrap(bytes);
    }

    /** Vertices in the groups of {@code partitions[0..n)}. */
    int count(int[] partitions, int n) {
        int total = 0;
        for (int i = 0; i < n; i++) {
            total += start[partitions[i] + 1] - start[partitions[i]];
        }
        return total;
    }
}
