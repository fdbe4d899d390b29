package io.graphagent.graph.traverse;

import java.util.Arrays;

/**
 * Distinct vertices (dense ids, non-negative), each with the first vertex it was reached from,
 * as a traversal meets them (an agent's hop, a query's visited set at the gateway): an open-addressing table of primitive ints with linear probing, grown by
 * doubling, plus the keys in insertion order. {@link #clear} costs the entries added, not the
 * capacity, so one table per thread serves request after request without allocating.
 * Not thread-safe.
 */
public final class VertexTable {
    private static final int EMPTY = -1;
    /** Capacity the table shrinks back to after a large request, so one huge hop does not pin memory. */
    private static final int KEEP_CAPACITY = 1 << 16;

    private int[] table = new int[1 << 10];
    private int[] keys = new int[1 << 9];
    private int[] parents = new int[1 << 9];
    private int size;

    public VertexTable() {
        Arrays.fill(table, EMPTY);
    }

    /** Adds {@code vertex} reached from {@code parent}; the first parent stays. Returns true when it is new. */
    public boolean add(int vertex, int parent) {
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
        if (size == keys.length) {
            keys = Arrays.copyOf(keys, size * 2);
            parents = Arrays.copyOf(parents, size * 2);
        }
        keys[size] = vertex;
        parents[size] = parent;
        table[i] = size++;
        if (size * 2 > table.length) {
            rehash(table.length * 2);
        }
        return true;
    }

    /** Whether {@code vertex} is in the table. */
    public boolean contains(int vertex) {
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

    /** The position of {@code vertex} in insertion order, or -1 when it is not in the table. */
    public int indexOf(int vertex) {
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
        table = new int[capacity];
        Arrays.fill(table, EMPTY);
        int mask = capacity - 1;
        for (int k = 0; k < size; k++) {
            int i = mix(keys[k]) & mask;
            while (table[i] != EMPTY) {
                i = (i + 1) & mask;
            }
            table[i] = k;
        }
    }

    private static int mix(int x) {
        int h = x * 0x9E3779B9;
        return h ^ (h >>> 16);
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

    /** Empties the set for the next request. */
    public void clear() {
        if (table.length > KEEP_CAPACITY) {
            table = new int[KEEP_CAPACITY];
            Arrays.fill(table, EMPTY);
            keys = new int[KEEP_CAPACITY / 2];
            parents = new int[KEEP_CAPACITY / 2];
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
        size = 0;
    }
}
