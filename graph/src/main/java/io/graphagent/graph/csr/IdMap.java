package io.graphagent.graph.csr;

import java.util.Arrays;

/**
 * Maps original 64-bit vertex ids to dense ints: the position of the id in the sorted id
 * array, so dense order is original order.
 *
 * <p>When the ids are exactly {@code 0..n-1} the map is the identity and does no lookup at
 * all. Otherwise it is an open-addressing table (linear probing, load at most 1/2) holding
 * each id next to its dense id in one {@code long[]}, so a lookup usually touches one cache
 * line; no boxing. Memory: 16 to 32 bytes per vertex, only while loading. Tables too large
 * for one Java array fall back to binary search. Immutable, so lookups are thread-safe.
 */
public final class IdMap {
    private static final long EMPTY = -1L;
    /** Largest table, in slots: two longs per slot must fit in one array. */
    private static final int MAX_SLOTS = 1 << 29;

    private final long[] sortedIds;
    private final boolean identity;
    /** slots[2i] = original id or EMPTY, slots[2i+1] = its dense id; null for identity or binary search. */
    private final long[] slots;
    private final int shift;
    private final int mask;

    private IdMap(long[] sortedIds, boolean identity, long[] slots, int shift, int mask) {
        this.sortedIds = sortedIds;
        this.identity = identity;
        this.slots = slots;
        this.shift = shift;
        this.mask = mask;
    }

    /**
     * @param sortedIds distinct non-negative ids in strictly ascending order; index = dense id.
     *                  Kept by reference, not copied.
     */
    public static IdMap of(long[] sortedIds) {
        int n = sortedIds.length;
        if (n == 0 || sortedIds[n - 1] == n - 1L) {
            // strictly ascending non-negative ids ending at n-1 are exactly 0..n-1
            return new IdMap(sortedIds, true, null, 0, 0);
        }
        long wanted = Math.max(2L, 2L * n);
        if (wanted > MAX_SLOTS) {
            return new IdMap(sortedIds, false, null, 0, 0);
        }
        int capacity = Integer.highestOneBit((int) wanted - 1) << 1;
        long[] slots = new long[2 * capacity];
        Arrays.fill(slots, EMPTY);
        int shift = 64 - Integer.numberOfTrailingZeros(capacity);
        int mask = capacity - 1;
        for (int dense = 0; dense < n; dense++) {
            long id = sortedIds[dense];
            int slot = hash(id, shift);
            while (slots[2 * slot] != EMPTY) {
                slot = (slot + 1) & mask;
            }
            slots[2 * slot] = id;
            slots[2 * slot + 1] = dense;
        }
        return new IdMap(sortedIds, false, slots, shift, mask);
    }

    /** Number of vertices. */
    public int size() { return sortedIds.length; }

    /** True when ids are exactly {@code 0..n-1} and {@link #denseId} is the identity. */
    public boolean isIdentity() { return identity; }

    /** The dense id of an original id, or -1 when there is no such vertex. */
    public int denseId(long id) {
        if (identity) {
            return id >= 0 && id < sortedIds.length ? (int) id : -1;
        }
        if (id < 0) {
            return -1;
        }
        if (slots == null) {
            int i = Arrays.binarySearch(sortedIds, id);
            return i >= 0 ? i : -1;
        }
        int slot = hash(id, shift);
        while (true) {
            long key = slots[2 * slot];
            if (key == id) {
                return (int) slots[2 * slot + 1];
            }
            if (key == EMPTY) {
                return -1;
            }
            slot = (slot + 1) & mask;
        }
    }

    private static int hash(long id, int shift) {
        return (int) ((id * 0x9E3779B97F4A7C15L) >>> shift);
    }
}
