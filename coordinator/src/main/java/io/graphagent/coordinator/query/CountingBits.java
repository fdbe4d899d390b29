package io.graphagent.coordinator.query;

import io.graphagent.graph.traverse.VertexBits;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The gateway's bit sets for a count-only last hop, kept from one query to the next like
 * {@link VisitedTables} (a set is a bit per vertex of the graph: 128 KiB at scale 20, too much
 * to allocate per query). At most {@code keep} idle sets are kept; a set of another universe is
 * dropped rather than handed out. Thread-safe.
 */
final class CountingBits {
    private final int keep;
    private final ConcurrentLinkedQueue<VertexBits> idle = new ConcurrentLinkedQueue<>();
    private final AtomicInteger idleCount = new AtomicInteger();

    /** @param keep idle sets kept at most (the queries that run on the CPU at once: about the cores) */
    CountingBits(int keep) {
        this.keep = keep;
    }

    /** An empty set of ids below {@code universe}, to be given back when the query is done. */
    VertexBits take(int universe) {
        VertexBits b;
        while ((b = idle.poll()) != null) {
            idleCount.decrementAndGet();
            if (b.universe() == universe) {
                return b;
            }
        }
        return new VertexBits(universe);
    }

    /** Gives back a set taken; it is emptied, and kept unless {@code keep} are idle already. */
    void give(VertexBits set) {
        set.clear();
        if (idleCount.incrementAndGet() <= keep) {
            idle.offer(set);
        } else {
            idleCount.decrementAndGet();
        }
    }

    /** Sets idle now. */
    int idle() {
        return idleCount.get();
    }
}
