package io.graphagent.agent.query;

import io.graphagent.graph.partition.GraphShare;
import io.graphagent.graph.traverse.VertexBits;

/**
 * One query thread's bit sets over the slots of the shares its hops read (the load's share and
 * the replicas copied later: a few). A hop read without parents gathers each share's neighbours
 * by slot, one bit test per edge in an array of the share's slots, and reads them into dense ids
 * once per vertex met ({@link VertexBits#addMapped}) rather than once per edge through the
 * share's slot-to-id array: that array is 4 bytes per slot (4 MiB at RMAT scale 20), and a hop's
 * edges read it at random, a cache miss per edge, which was most of an agent's query threads'
 * samples. Every set is empty between hops. Not thread-safe: one per thread.
 */
final class SlotSets {
    /** Shares kept at most; a hop over more shares reads the others through their slot-to-id arrays. */
    static final int KEPT = 4;

    private final GraphShare[] shares = new GraphShare[KEPT];
    private final VertexBits[] sets = new VertexBits[KEPT];
    /** Entries gathered into since the last {@link #drainInto}: {@code inUse[0..used)}. */
    private final int[] inUse = new int[KEPT];
    private int used;

    /**
     * The set over {@code share}'s slots for this hop, or null when the share maps no slots (its
     * slots are dense ids) or this hop already uses {@link #KEPT} others.
     */
    VertexBits of(GraphShare share) {
        if (share.slotGlobals() == null) {
            return null;
        }
        for (int i = 0; i < used; i++) {
            if (shares[inUse[i]] == share) {
                return sets[inUse[i]];
            }
        }
        if (used == KEPT) {
            return null;
        }
        int entry = entryFor(share);
        inUse[used++] = entry;
        return sets[entry];
    }

    /** An entry not in this hop's use: the share's own when kept, else the first free, else the first not in use replaced. */
    private int entryFor(GraphShare share) {
        int free = -1;
        for (int e = 0; e < KEPT; e++) {
            if (shares[e] == share) {
                return e;
            }
            if (free < 0 && !inUse(e)) {
                free = e;
            }
        }
        if (sets[free] == null || sets[free].universe() != share.slots()) {
            sets[free] = new VertexBits(share.slots());
        }
        shares[free] = share;
        return free;
    }

    private boolean inUse(int entry) {
        for (int i = 0; i < used; i++) {
            if (inUse[i] == entry) {
                return true;
            }
        }
        return false;
    }

    /** Adds what this hop gathered to {@code into} as dense ids and empties the sets, even when a mapping fails. */
    void drainInto(VertexBits into) {
        try {
            for (int i = 0; i < used; i++) {
                into.addMapped(sets[inUse[i]], shares[inUse[i]].slotGlobals());
            }
        } finally {
            for (int i = 0; i < used; i++) {
                sets[inUse[i]].clear();
            }
            used = 0;
        }
    }
}
