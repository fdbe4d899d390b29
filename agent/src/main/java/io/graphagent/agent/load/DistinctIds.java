package io.graphagent.agent.load;

import java.util.Arrays;

/**
 * The distinct ids of a stream with many repeats (the far ends of an agent's edges), in
 * bounded memory: ids gather in a buffer that is sorted, deduplicated and merged into the
 * result whenever it fills. Not thread-safe.
 */
final class DistinctIds {
    private static final int BUFFER = 1 << 20;

    private long[] buffer = new long[1024];
    private int buffered;
    private long[] sorted = new long[0];

    void add(long id) {
        if (buffered == buffer.length) {
            if (buffered >= BUFFER) {
                merge();
            } else {
                buffer = Arrays.copyOf(buffer, buffered * 2);
            }
        }
        buffer[buffered++] = id;
    }

    /** The distinct ids added, ascending. */
    long[] sorted() {
        merge();
        return sorted;
    }

    private void merge() {
        if (buffered == 0) {
            return;
        }
        Arrays.sort(buffer, 0, buffered);
        long[] merged = new long[sorted.length + buffered];
        int i = 0;
        int j = 0;
        int n = 0;
        while (i < sorted.length || j < buffered) {
            long next;
            if (j >= buffered || (i < sorted.length && sorted[i] <= buffer[j])) {
                next = sorted[i++];
            } else {
                next = buffer[j++];
            }
            if (n == 0 || merged[n - 1] != next) {
                merged[n++] = next;
            }
        }
        sorted = Arrays.copyOf(merged, n);
        buffered = 0;
    }
}
