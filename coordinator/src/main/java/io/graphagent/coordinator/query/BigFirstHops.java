package io.graphagent.coordinator.query;

import io.graphagent.coordinator.resident.GraphView;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Start vertices whose first hop was big ({@link #BIG} neighbours or more), per graph
 * generation: a k-hop from one of them does not have the agent answering the first hop take
 * the second on itself ({@code also_next}), which that agent would do alone, one partition after
 * the other, before the gateway could send the rest; the second hop goes out at once to the
 * chosen replica of every partition instead, expanded by all of them side by side, for one more
 * round trip. A hot hub (a skewed load starts most queries at a few) is thus served by its
 * replicas together. At most {@link #MAX_PER_GRAPH} vertices are kept per generation (power-law
 * graphs have few such hubs; past that, no more are noted); a graph loaded again (another
 * generation) starts afresh. Thread-safe.
 */
final class BigFirstHops {
    /**
     * Neighbours from which a first hop counts as big: its second hop is then thousands of
     * adjacency lists, milliseconds of one agent's thread, against a round trip of well under one.
     */
    static final int BIG = 4096;
    static final int MAX_PER_GRAPH = 4096;

    /** Per graph name, the big start vertices of its current generation. */
    private final Map<String, Noted> big = new ConcurrentHashMap<>();

    private record Noted(long generation, Set<Integer> vertices) {
    }

    /** Whether a first hop from {@code vertex} was big. */
    boolean big(GraphView g, int vertex) {
        Noted n = big.get(g.name());
        return n != null && n.generation() == g.generation() && n.vertices().contains(vertex);
    }

    /** A first hop from {@code vertex} reached {@code neighbours}; a graph loaded again starts afresh. */
    void reached(GraphView g, int vertex, int neighbours) {
        if (neighbours < BIG) {
            return;
        }
        Noted n = big.compute(g.name(), (k, was) -> was != null && was.generation() == g.generation() ? was
                : new Noted(g.generation(), ConcurrentHashMap.newKeySet()));
        if (n.vertices().size() < MAX_PER_GRAPH) {
            n.vertices().add(vertex);
        }
    }
}
