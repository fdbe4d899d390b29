package io.graphagent.coordinator.resident;

import io.graphagent.coordinator.job.KeptLoad;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The resident graphs the coordinator keeps, by name ({@link KeptGraph}), with the last
 * generation of every name ever loaded (a name loaded again starts above it), the loads in
 * progress by job id, and the views queries read. This object's lock guards the graphs, their
 * records and the generations; the loads are a concurrent map; the views are published
 * ({@link #publish}) and read without the lock.
 */
final class KeptGraphs {
    /** Guarded by this. */
    final Map<String, KeptGraph> byName = new TreeMap<>();
    /** Guarded by this. */
    final Map<String, Long> generations = new HashMap<>();
    final Map<String, KeptLoad> loads = new ConcurrentHashMap<>();
    /**
     * Agents whose replicas, as their Hello listed them, were taken in since they last turned
     * ALIVE ({@link ReplicaTakeBack}); forgotten when they are lost. The membership says ALIVE
     * before its listeners hear of it (seconds later in a reconnect storm), so the
     * reconciliation counts only these as live: an agent whose report is still on its way
     * neither ends a restore as if it were back nor looks like one holding nothing.
     */
    final Set<String> reported = ConcurrentHashMap.newKeySet();
    private volatile Map<String, GraphView> views = Map.of();

    /** Whether {@code g} is still the graph of its name (not dropped meanwhile); under the lock. */
    boolean current(KeptGraph g) {
        return byName.get(g.name) == g;
    }

    /** Whether the replicas of {@code g} are kept: loaded, not restoring, no load running; under the lock. */
    boolean settled(KeptGraph g) {
        return g.ready() && !g.restoring && !loads.containsKey(g.jobId);
    }

    /** Partitions each agent holds over every graph; under the lock. */
    Map<String, Integer> heldCounts() {
        Map<String, Integer> counts = new HashMap<>();
        for (KeptGraph g : byName.values()) {
            for (Set<String> h : g.holders) {
                h.forEach(a -> counts.merge(a, 1, Integer::sum));
            }
        }
        return counts;
    }

    /** Publishes the views queries read. */
    void publish() {
        Map<String, GraphView> next = new TreeMap<>();
        synchronized (this) {
            for (KeptGraph g : byName.values()) {
                if (g.ready()) {
                    next.put(g.name, g.view());
                }
            }
        }
        views = Map.copyOf(next);
    }

    /** Every graph as queries see it, by name. */
    Map<String, GraphView> views() {
        return views;
    }
}
