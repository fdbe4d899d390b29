package io.graphagent.graph.pregel;

import java.util.Arrays;

/**
 * Messages from one partition to another within a superstep, as parallel primitive arrays
 * of target dense ids and values. Written by one thread, read by one thread after the
 * barrier; reused across supersteps.
 */
final class MessageBuffer {
    private static final int INITIAL_CAPACITY = 64;

    int[] targets = new int[INITIAL_CAPACITY];
    double[] values = new double[INITIAL_CAPACITY];
    int size;

    /** The buffer at {@code row[index]}, made on first use. */
    static MessageBuffer in(MessageBuffer[] row, int index) {
        MessageBuffer buffer = row[index];
        if (buffer == null) {
            buffer = new MessageBuffer();
            row[index] = buffer;
        }
        return buffer;
    }

    void add(int target, double value) {
        if (size == targets.length) {
            int capacity = size * 2;
            targets = Arrays.copyOf(targets, capacity);
            values = Arrays.copyOf(values, capacity);
        }
        targets[size] = target;
        values[size] = value;
        size++;
    }

    void clear() {
        size = 0;
    }
}
