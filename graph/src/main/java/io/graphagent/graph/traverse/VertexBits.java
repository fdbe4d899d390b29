package io.graphagent.graph.traverse;

import java.nio.LongBuffer;
import java.util.Arrays;

/**
 * A set of dense ids below a universe as one bit per id, for traversals that need only which
 * vertices were met (a count, or a hop answered without parents): no insertion order, no
 * parents, no hashing. An add is one bit test; a bitmap from elsewhere is merged a word at a
 * time ({@link #or}). The words set since the last {@link #clear} are remembered while they
 * are few, so a small set is listed and cleared in the time of its words, not the universe's.
 * One set per thread serves request after request without allocating. Not thread-safe.
 */
public final class VertexBits {
    private final int universe;
    private final long[] bits;
    /** Words that became non-zero since the last clear, in that order; meaningless once {@link #allDirty}. */
    private final int[] touched;
    private int touchedCount;
    /** Whether words may be set anywhere (after {@link #or}, or too many touched to track). */
    private boolean allDirty;
    /** Ids held; -1 when unknown (after {@link #or}) until {@link #size()} counts them. */
    private int size;

    /** An empty set of ids below {@code universe}. */
    public VertexBits(int universe) {
        if (universe < 0) {
            throw new IllegalArgumentException("universe " + universe + " is negative");
        }
        this.universe = universe;
        int words = (universe + 63) >>> 6;
        this.bits = new long[words];
        // Tracking stops at an eighth of the words: past it a scan of them all costs little more.
        this.touched = new int[Math.max(1, words >>> 3)];
    }

    /** Adds {@code vertex}; returns true when it is new. */
    public boolean add(int vertex) {
        int w = checked(vertex) >>> 6;
        long bit = 1L << vertex;
        long word = bits[w];
        if ((word & bit) != 0) {
            return false;
        }
        if (word == 0 && !allDirty) {
            if (touchedCount == touched.length) {
                allDirty = true;
            } else {
                touched[touchedCount++] = w;
            }
        }
        bits[w] = word | bit;
        if (size >= 0) {
            size++;
        }
        return true;
    }

    /**
     * Adds {@code ids[from..to)}, each read through {@code map} when given ({@code map[ids[i]]}: a
     * share's slots to dense ids); returns how many were new. The same set as {@link #add} one by
     * one, without its branches on whether an id was new and its word empty: on a hop's adjacency,
     * full of repeats, those go either way unpredictably, and mispredicting them cost more than the
     * bit test itself. An id outside the universe is refused, those before it added.
     */
    public int addAll(int[] ids, int from, int to, int[] map) {
        int added = 0;
        int count = touchedCount;
        boolean tracking = !allDirty;
        try {
            for (int i = from; i < to; i++) {
                int v = map == null ? ids[i] : map[ids[i]];
                if (v < 0 || v >= universe) {
                    throw outside(v);
                }
                int w = v >>> 6;
                long old = bits[w];
                long now = old | (1L << v);
                bits[w] = now;
                added += (int) ((now ^ old) >>> v);
                if (tracking) {
                    // Written always, kept only when the word was empty; once full, the set is all dirty.
                    touched[count] = w;
                    count += old == 0 ? 1 : 0;
                    tracking = count < touched.length;
                }
            }
        } finally {
            if (!allDirty) {
                touchedCount = count;
                allDirty = count == touched.length;
            }
            if (size >= 0) {
                size += added;
            }
        }
        return added;
    }

    /** {@code vertex}, refused when outside the universe: the set is left as it was. */
    private int checked(int vertex) {
        if (vertex < 0 || vertex >= universe) {
            throw outside(vertex);
        }
        return vertex;
    }

    private IllegalArgumentException outside(int vertex) {
        return new IllegalArgumentException("vertex " + vertex + " is outside the set's universe 0.." + (universe - 1));
    }

    /** Whether {@code vertex} is in the set. */
    public boolean contains(int vertex) {
        return vertex >= 0 && vertex < universe && (bits[vertex >>> 6] & (1L << vertex)) != 0;
    }

    /**
     * Adds every id whose bit is set in {@code words} ({@link #wordCount()} long, bit v of word
     * v / 64 for id v), read in place from its position; returns how many bits {@code words} has set.
     */
    public long or(LongBuffer words) {
        if (words.remaining() != bits.length) {
            throw new IllegalArgumentException("a bitmap of " + words.remaining() + " words for a universe of " + universe
                    + " ids (" + bits.length + " words)");
        }
        int at = words.position();
        int tail = universe & 63;
        if (tail != 0 && (words.get(at + bits.length - 1) >>> tail) != 0) {
            throw new IllegalArgumentException("the bitmap has bits set past the universe's last id " + (universe - 1));
        }
        long set = 0;
        for (int w = 0; w < bits.length; w++) {
            long word = words.get(at + w);
            set += Long.bitCount(word);
            bits[w] |= word;
        }
        allDirty = true;
        size = -1;
        return set;
    }

    /** Ids held. */
    public int size() {
        if (size < 0) {
            long n = 0;
            for (long word : bits) {
                n += Long.bitCount(word);
            }
            size = (int) n;
        }
        return size;
    }

    public int universe() {
        return universe;
    }

    /** Words of {@link #bits()}: (universe + 63) / 64. */
    public int wordCount() {
        return bits.length;
    }

    /** The bits, bit v of word v / 64 for each id v held. Read only; valid until the next change. */
    public long[] bits() {
        return bits;
    }

    /** Writes the ids held to {@code into} (at least {@link #size()} long), in no particular order; returns how many. */
    public int toArray(int[] into) {
        int n = 0;
        if (allDirty) {
            for (int w = 0; w < bits.length; w++) {
                n = unpack(w, into, n);
            }
        } else {
            for (int t = 0; t < touchedCount; t++) {
                n = unpack(touched[t], into, n);
            }
        }
        return n;
    }

    private int unpack(int w, int[] into, int n) {
        long word = bits[w];
        while (word != 0) {
            into[n++] = (w << 6) + Long.numberOfTrailingZeros(word);
            word &= word - 1;
        }
        return n;
    }

    /** Empties the set: the words touched, or all of them once they were too many to track. */
    public void clear() {
        if (allDirty) {
            Arrays.fill(bits, 0L);
        } else {
            for (int t = 0; t < touchedCount; t++) {
                bits[touched[t]] = 0;
            }
        }
        touchedCount = 0;
        allDirty = false;
        size = 0;
    }
}
