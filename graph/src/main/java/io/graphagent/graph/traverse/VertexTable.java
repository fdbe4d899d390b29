package io.graphagent.graph.traverse;

import java.util.Arrays;

/**
 * Distinct vertices (dense ids, non-negative), each with the first vertex it was reached from,
 * as a traversal meets them (an agent's hop, a query's visited set at the gateway), plus the
 * keys in insertion order.
 *
 * <p>Membership is an open-addressing table of primitive ints with linear probing, grown by
 * doubling. A table told its universe (every id below {@code universe}) switches to one bit
 * per id once it holds {@code universe / 64} vertices, the size at which the bits take no more
 * memory than the hash table they replace: a hop over a hub's neighbourhood then costs one
 * bit test per edge instead of probes scattered over megabytes, and never a rehash.
 *
 * <p>{@link #clear} costs the entries added, not the capacity, so one table per thread serves
 * request after request without allocating: arrays up to {@link #KEEP_KEYS} keys and
 * {@link #KEEP_BITS} bits are kept for the next request. Not thread-safe.
 */
public final class VertexTable {
    private static final int EMPTY = -1;
    private static final int INITIAL_TABLE = 1 << 10;
    /** Hash capacity kept after a large request, so one huge hop does not pin memory. */
    private static final int KEEP_CAPACITY = 1 << 16;
    /** Keys (and parents) kept after a large request: 4 MiB each at most. */
    static final int KEEP_KEYS = 1 << 20;
    /** Bits kept after a request that used them: 2 MiB, ids below 16,777,216. */
    static final long KEEP_BITS = 1L << 24;
    /** A table holding universe / BITS_AT vertices switches to bits. */
    static final int BITS_AT = 64;

    private final int universe;
    /** The hash table (positions in {@link #keys}), or null while {@link #bits} answer membership. */
    private int[] table = emptyTable(INITIAL_TABLE);
    /** One bit per id below the universe, kept across clears within the bounds; in use when table is null. */
    private long[] bits;
    private int[] keys = new int[1 << 9];
    private int[] parents = new int[1 << 9];
    private int size;

    /** A table of ids of any size: hashing only. */
    public VertexTable() {
        this(0);
    }

    /**
     * A table of ids below {@code universe} (0: unknown, hashing only), which may switch to a
     * bit per id as it fills.
     */
    public VertexTable(int universe) {
        if (universe < 0) {
            throw new IllegalArgumentException("universe " + universe + " is negative");
        }
        this.universe = universe;
    }

    /** Adds {@code vertex} reached from {@code parent}; the first parent stays. Returns true when it is new. */
    public boolean add(int vertex, int parent) {
        if (table == null) {
            if (vertex < 0 || vertex >= universe) {
                throw new IllegalArgumentException("vertex " + vertex + " is outside the table's universe 0.." + (universe - 1));
            }
            long[] b = bits;
            int w = vertex >>> 6;
            long bit = 1L << vertex;
            long word = b[w];
            if ((word & bit) != 0) {
                return false;
            }
            b[w] = word | bit;
            append(vertex, parent);
            return true;
        }
        int mask = table.length - 1;
        int i = mix(vertex) & mask;
        while (true) {
            int at = table[i];
            if (at == EMPTY) {
                break;
            }
            if (keys[at] == vertex) {
                return false;
            }
            i = (i + 1) & mask;
        }
        table[i] = size;
        append(vertex, parent);
        if (universe > 0 && size >= Math.max(1, universe / BITS_AT)) {
            toBits();
        } else if (size * 2 > table.length) {
            rehash(table.length * 2);
        }
        return true;
    }

    private void append(int vertex, int parent) {
        if (size == keys.length) {
            keys = Arrays.copyOf(keys, size * 2);
            parents = Arrays.copyOf(parents, size * 2);
        }
        keys[size] = vertex;
        parents[size] = parent;
        size++;
    }

    private void toBits() {
        int words = (universe + 63) >>> 6;
        if (bits == null || bits.length != words) {
            bits = new long[words];
        }
        for (int k = 0; k < size; k++) {
            int v = keys[k];
            if (v >= universe) {
                throw new IllegalArgumentException("vertex " + v + " is outside the table's universe 0.." + (universe - 1));
            }
            bits[v >>> 6] |= 1L << v;
        }
        table = null;
    }

    /** Whether {@code vertex} is in the table. */
    public boolean contains(int vertex) {
        if (table == null) {
            return vertex >= 0 && vertex < universe && (bits[vertex >>> 6] & (1L << vertex)) != 0;
        }
        return indexOf(vertex) >= 0;
    }

    /** The parent {@code vertex} was first reached from; {@code vertex} must be in the table. */
    public int parentOf(int vertex) {
        int k = indexOf(vertex);
        if (k < 0) {
            throw new IllegalArgumentException("vertex " + vertex + " is not in the table");
        }
        return parents[k];
    }

    /**
     * The position of {@code vertex} in insertion order, or -1 when it is not in the table.
     * Once the table uses bits, a vertex present is found by a scan of the keys: a table asked
     * for positions often (a path search) is made without a universe.
     */
    public int indexOf(int vertex) {
        if (table == null) {
            if (!contains(vertex)) {
                return -1;
            }
            for (int k = 0; k < size; k++) {
                if (keys[k] == vertex) {
                    return k;
                }
            }
            throw new IllegalStateException("vertex " + vertex + " has its bit but no key");
        }
        int mask = table.length - 1;
        int i = mix(vertex) & mask;
        while (true) {
            int at = table[i];
            if (at == EMPTY) {
                return -1;
            }
            if (keys[at] == vertex) {
                return at;
            }
            i = (i + 1) & mask;
        }
    }

    private void rehash(int capacity) {
        table = emptyTable(capacity);
        int mask = capacity - 1;
        for (int k = 0; k < size; k++) {
            int i = mix(keys[k]) & mask;
            while (table[i] != EMPTY) {
                i = (i + 1) & mask;
            }
            table[i] = k;
        }
    }

    private static int[] emptyTable(int capacity) {
        int[] t = new int[capacity];
        Arrays.fill(t, EMPTY);
        return t;
    }

    private static int mix(int x) {
        int h = x * 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    /** Every id is below this (0: not known). */
    public int universe() {
        return universe;
    }

    public int size() {
        return size;
    }

    /** The vertices in the order first added; valid up to {@link #size()}. */
    public int[] vertices() {
        return keys;
    }

    /** The parent of each vertex, in the same order. */
    public int[] parents() {
        return parents;
    }

    /** Whether membership is kept as a bit per id now. */
    public boolean usesBits() {
        return table == null;
    }

    /**
     * The bit per id while {@link #usesBits()}: bit v of word v / 64 set for each vertex v held,
     * (universe + 63) / 64 words. Read only, valid until the next add or clear.
     */
    public long[] bits() {
        if (table != null) {
            throw new IllegalStateException("the table hashes its " + size + " vertices: no bits");
        }
        return bits;
    }

    /** Empties the set for the next request. */
    public void clear() {
        if (table == null) {
            if ((long) bits.length * 64 > KEEP_BITS) {
                bits = null;
            } else if (size < bits.length) {
                for (int k = 0; k < size; k++) {
                    bits[keys[k] >>> 6] = 0;
                }
            } else {
                Arrays.fill(bits, 0L);
            }
            table = emptyTable(INITIAL_TABLE);
        } else if (table.length > KEEP_CAPACITY) {
            table = emptyTable(KEEP_CAPACITY);
        } else {
            int mask = table.length - 1;
            for (int k = 0; k < size; k++) {
                int i = mix(keys[k]) & mask;
                while (table[i] != k) {
                    i = (i + 1) & mask;
                }
                table[i] = EMPTY;
            }
        }
        if (keys.length > KEEP_KEYS) {
            keys = new int[KEEP_KEYS];
            parents = new int[KEEP_KEYS];
        }
        size = 0;
    }
}
