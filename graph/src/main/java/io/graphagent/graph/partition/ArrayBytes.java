package io.graphagent.graph.partition;

/**
 * Bytes of the arrays a build holds, counted by hand as they are allocated and released, and
 * the most held at once: the measured side of {@link ShareFootprint}'s estimate. Not
 * thread-safe.
 */
final class ArrayBytes {
    private long live;
    private long peak;

    void allocated(long bytes) {
        live += bytes;
        peak = Math.max(peak, live);
    }

    void released(long bytes) {
        live -= bytes;
    }

    /** Bytes held now, relative to the start (negative when more was released than allocated). */
    long live() {
        return live;
    }

    /** The most bytes held at once, relative to the start; 0 when nothing was ever added. */
    long peak() {
        return peak;
    }
}
