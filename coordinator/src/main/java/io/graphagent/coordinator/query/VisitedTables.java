package io.graphagent.coordinator.query;

import io.graphagent.graph.traverse.VertexTable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The gateway's visited tables, kept from one query to the next: a k-hop over a hub's
 * neighbourhood fills hundreds of thousands of vertices, and a fresh table per query would
 * grow (and the collector free) its arrays every time. At most {@code keep} idle tables are
 * kept (each within {@link VertexTable}'s own retention bounds); a table of another universe
 * (another graph's size) is dropped rather than handed out. Thread-safe.
 */
final class VisitedTables {
    private final int keep;
    private final ConcurrentLinkedQueue<VertexTable> idle = new ConcurrentLinkedQueue<>();
    private final AtomicInteger idleCount = new AtomicInteger();

    /** @param keep idle tables kept at most (the queries that run on the CPU at once: about the cores) */
    VisitedTables(int keep) {
        this.keep = keep;
    }

    /** An empty table of ids below {@code universe}, to be given back when the query is done. */
    VertexTable take(int universe) {
        VertexTable t;
        while ((t = idle.poll()) != null) {
            idleCount.decrementAndGet();
            if (t.universe() == universe) {
                return t;
            }
        }
        return new VertexTable(universe);
    }

    /** Gives back a table taken; it is emptied, and kept unless {@code keep} are idle already. */
    void give(VertexTable table) {
        table.clear();
        if (idleCount.incrementAndGet() <= keep) {
            idle.offer(table);
        } else {
            idleCount.decrementAndGet();
        }
    }

    /** Tables idle now. */
    int idle() {
        return idleCount.get();
    }
}
