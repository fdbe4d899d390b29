package io.graphagent.agent.load;

import java.util.Arrays;

/** A growable list of edges (source, target, weight) by original id, filled by one thread. */
final class LocalEntries {
    private long[] sources;
    private long[] targets;
    private double[] weights;
    private int size;

    LocalEntries(int capacity, boolean weighted) {
        int c = Math.max(16, capacity);
        sources = new long[c];
        targets = new long[c];
        weights = weighted ? new double[c] : null;
    }

    void add(long s, long t, double w) {
        if (size == sources.length) {
            int c = size + (size >> 1) + 16;
            sources = Arrays.copyOf(sources, c);
            targets = Arrays.copyOf(targets, c);
            if (weights != null) {
                weights = Arrays.copyOf(weights, c);
            }
        }
        sources[size] = s;
        targets[size] = t;
        if (weights != null) {
            weights[size] = w;
        }
        size++;
    }

    int size() { return size; }

    long[] sources() { return sources; }

    long[] targets() { return targets; }

    /** Null when unweighted. */
    double[] weights() { return weights; }

    void clear() { size = 0; }
}
