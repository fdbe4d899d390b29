package io.graphagent.agent.load;

import com.google.protobuf.ByteString;
import io.graphagent.protocol.PackedArrays;
import java.util.Arrays;

/**
 * A growable list of edges (source, target, weight) by original id, filled by one thread: as
 * ints when every id of the graph fits (ShufflePartitions.narrow_ids), else as longs. Its
 * arrays are packed into a batch as they are ({@link #packSources}), or handed over whole to
 * an {@link EntryBlock} ({@link #takeSources}), so an entry is not copied on its way from the
 * parsed input into the share.
 */
final class LocalEntries {
    private final boolean narrow;
    private final int capacity;
    private final boolean weighted;
    private int[] narrowSources;
    private int[] narrowTargets;
    private long[] wideSources;
    private long[] wideTargets;
    private double[] weights;
    private int size;

    /** Entries as longs. */
    LocalEntries(int capacity, boolean weighted) {
        this(capacity, weighted, false);
    }

    /** @param narrow entries as ints: every id must fit one */
    LocalEntries(int capacity, boolean weighted, boolean narrow) {
        this.narrow = narrow;
        this.capacity = Math.max(16, capacity);
        this.weighted = weighted;
        allocate(this.capacity);
    }

    private void allocate(int c) {
        if (narrow) {
            narrowSources = new int[c];
            narrowTargets = new int[c];
        } else {
            wideSources = new long[c];
            wideTargets = new long[c];
        }
        weights = weighted ? new double[c] : null;
    }

    void add(long s, long t, double w) {
        if (size == length()) {
            grow(size + (size >> 1) + 16);
        }
        if (narrow) {
            narrowSources[size] = (int) s;
            narrowTargets[size] = (int) t;
        } else {
            wideSources[size] = s;
            wideTargets[size] = t;
        }
        if (weights != null) {
            weights[size] = w;
        }
        size++;
    }

    private int length() {
        return narrow ? narrowSources.length : wideSources.length;
    }

    private void grow(int c) {
        if (narrow) {
            narrowSources = Arrays.copyOf(narrowSources, c);
            narrowTargets = Arrays.copyOf(narrowTargets, c);
        } else {
            wideSources = Arrays.copyOf(wideSources, c);
            wideTargets = Arrays.copyOf(wideTargets, c);
        }
        if (weights != null) {
            weights = Arrays.copyOf(weights, c);
        }
    }

    int size() { return size; }

    boolean narrow() { return narrow; }

    long source(int i) { return narrow ? narrowSources[i] : wideSources[i]; }

    long target(int i) { return narrow ? narrowTargets[i] : wideTargets[i]; }

    /** Null when unweighted. */
    double[] weights() { return weights; }

    /** The sources as a batch carries them: int32 when {@code narrowIds}, else int64, little-endian. */
    ByteString packSources(boolean narrowIds) {
        return narrow ? packNarrow(narrowSources, narrowIds) : packWide(wideSources, narrowIds);
    }

    ByteString packTargets(boolean narrowIds) {
        return narrow ? packNarrow(narrowTargets, narrowIds) : packWide(wideTargets, narrowIds);
    }

    private ByteString packNarrow(int[] ids, boolean narrowIds) {
        if (narrowIds) {
            return PackedArrays.packInts(ids, 0, size);
        }
        long[] wide = new long[size];
        for (int i = 0; i < size; i++) {
            wide[i] = ids[i];
        }
        return PackedArrays.packLongs(wide, 0, size);
    }

    private ByteString packWide(long[] ids, boolean narrowIds) {
        if (!narrowIds) {
            return PackedArrays.packLongs(ids, 0, size);
        }
        int[] narrowed = new int[size];
        for (int i = 0; i < size; i++) {
            narrowed[i] = (int) ids[i];
        }
        return PackedArrays.packInts(narrowed, 0, size);
    }

    /**
     * Hands the int entries over (with {@code sourcesOnly} the sources alone) as a block and
     * starts empty on new arrays: no copy, unless under three quarters of the arrays are used
     * (then copies of the used part, so a block holds little it does not count).
     */
    EntryBlock take(boolean sourcesOnly) {
        if (!narrow) {
            throw new IllegalStateException("take() hands over int entries; these are longs");
        }
        int n = size;
        boolean whole = n >= narrowSources.length - (narrowSources.length >> 2);
        int[] s = whole ? narrowSources : Arrays.copyOf(narrowSources, n);
        EntryBlock block;
        if (sourcesOnly) {
            block = EntryBlock.narrow(s, null, null, n);
        } else {
            int[] t = whole ? narrowTargets : Arrays.copyOf(narrowTargets, n);
            double[] w = weights == null ? null : whole ? weights : Arrays.copyOf(weights, n);
            block = EntryBlock.narrow(s, t, w, n);
        }
        if (whole) {
            allocate(capacity);
        }
        size = 0;
        return block;
    }

    void clear() { size = 0; }
}
