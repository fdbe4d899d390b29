package io.graphagent.coordinator.query;

import io.graphagent.coordinator.resident.GraphView;
import io.graphagent.net.cause.DisconnectCause;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The replicas of one partition that failed a query's request so far, each with its failure:
 * which to route around, and the answer when none is left. Created on a partition's first
 * failure only (most partitions have none); used by the one thread that runs the query.
 */
final class ReplicaTries {
    /** The replicas tried and failed. */
    final Set<String> tried = new HashSet<>();
    /** Each failed replica with its failure, in order. */
    private final Map<String, ReplicaFailure> why = new LinkedHashMap<>();
    /** The longest "retry after" of a busy replica, ms; -1 while none was busy. */
    private long busyRetryMs = -1;

    /** The replicas to route around for a partition with {@code tries} (null: none failed yet). */
    static Set<String> excluded(ReplicaTries tries) {
        return tries == null ? Set.of() : tries.tried;
    }

    void failed(String agent, ReplicaFailure failure, long retryAfterMs) {
        tried.add(agent);
        why.put(agent, failure);
        busyRetryMs = Math.max(busyRetryMs, retryAfterMs);
    }

    /**
     * Why partition {@code p} of {@code g} cannot be answered, tries or not ({@code tries} null:
     * no replica was ALIVE): busy when every replica tried was, else unavailable with each
     * replica's failure and the explanation of each connection cause.
     */
    static QueryException exhausted(ReplicaTries tries, GraphView g, int p) {
        Map<String, ReplicaFailure> why = tries == null ? Map.of() : tries.why;
        if (tries != null && tries.busyRetryMs >= 0 && !why.isEmpty()
                && why.values().stream().allMatch(ReplicaFailure::busy)) {
            return new QueryException(QueryException.Kind.BUSY, "busy: every live replica of partition " + p + " of graph "
                    + g.name() + " is at query.agent-max-in-flight (" + String.join(", ", why.keySet())
                    + "), retry after " + tries.busyRetryMs + " ms", tries.busyRetryMs);
        }
        StringBuilder m = new StringBuilder("partition ").append(p).append(" of graph ").append(g.name())
                .append(" has no live replica that answered");
        if (why.isEmpty()) {
            m.append(" (none is ALIVE)");
        } else {
            m.append(": ");
            String sep = "";
            for (Map.Entry<String, ReplicaFailure> e : why.entrySet()) {
                m.append(sep).append(e.getKey()).append(": ").append(e.getValue().describe());
                sep = "; ";
            }
            Set<DisconnectCause> causes = new TreeSet<>();
            why.values().forEach(f -> {
                if (f.connection() != null) {
                    causes.add(f.connection());
                }
            });
            for (DisconnectCause c : causes) {
                m.append(". ").append(c.label()).append(": ").append(c.explanation());
            }
        }
        return new QueryException(QueryException.Kind.UNAVAILABLE, m.append(". Fix: wait for its replicas to be"
                + " re-created (graphagent graph list), or load the graph again").toString());
    }
}
