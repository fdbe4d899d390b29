package io.graphagent.coordinator.resident;

import io.graphagent.coordinator.job.Rejoin;
import io.graphagent.protocol.v1.HeldPartitions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * How a resident graph takes back the replicas its agents report in their Hello ({@link
 * HeldPartitions} with the generation), after a coordinator restart or a change of leader, and
 * when an agent comes back after its replicas were counted lost. Rules:
 *
 * <ul>
 *   <li>a generation other than the graph's, or a graph unknown or failed: the agent drops it;</li>
 *   <li>while the graph is restoring, every partition reported is taken back;</li>
 *   <li>afterwards a partition is taken back while it has fewer live holders than asked, and
 *       dropped on the agent when it has enough (it was re-created elsewhere meanwhile).</li>
 * </ul>
 *
 * A restoring graph makes no copies (an agent still on its way back holds them) until every
 * partition has its R replicas again, or the agents of the earlier incarnation are all back, or
 * the {@linkplain Rejoin#window rejoin window} passed since the first agent came back: the rule a
 * reloaded job waits by, counted from the first agent rather than from the start of the process,
 * since agents can only reconnect once the coordinator serves (a slow start on a loaded machine
 * would otherwise end the wait before any agent could be back).
 * Then missing replicas are copied from the remaining ones, and a partition nobody reported
 * makes the graph UNAVAILABLE, its message naming the partition. Pure decisions; called under
 * the {@link KeptGraphs} lock.
 */
final class GraphRestore {

    /** What to do with what one agent reported of one graph. */
    record Decision(List<Integer> takeBack, List<Integer> drop, boolean dropAll) {
    }

    private final java.util.function.Function<Instant, Rejoin> rejoinFrom;
    /** Counted from the first agent back; null before. */
    private Rejoin rejoin;

    /** @param rejoinFrom the rejoin rule counted from a given instant (the first agent back) */
    GraphRestore(java.util.function.Function<Instant, Rejoin> rejoinFrom) {
        this.rejoinFrom = rejoinFrom;
    }

    /** An agent came back at {@code now}: the first one starts the rejoin window. */
    void agentBack(Instant now) {
        if (rejoin == null) {
            rejoin = rejoinFrom.apply(now);
        }
    }

    /**
     * @param graph the graph of that name here, or null
     * @param live  agents ALIVE now
     */
    static Decision decide(KeptGraph graph, String agent, HeldPartitions held, Collection<String> live) {
        if (graph != null && graph.layout == null && graph.state != io.graphagent.protocol.v1.ResidentState.GRAPH_FAILED) {
            // Loading from generation graph.generation on (a later attempt takes a later one): an older generation is
            // a predecessor's, anything else this load's share on its way.
            boolean older = held.getGeneration() < graph.generation;
            return new Decision(List.of(), List.of(), older);
        }
        if (graph == null || graph.state == io.graphagent.protocol.v1.ResidentState.GRAPH_FAILED
                || held.getGeneration() != graph.generation) {
            return new Decision(List.of(), List.of(), true);
        }
        int want = Math.min(graph.replicas, Math.max(1, live.size()));
        List<Integer> take = new ArrayList<>();
        List<Integer> drop = new ArrayList<>();
        for (int p : held.getPartitionIdsList()) {
            if (p >= graph.holders.size()) {
                drop.add(p);
            } else if (graph.holders.get(p).contains(agent)) {
                continue;
            } else if (graph.restoring || graph.holders.get(p).stream().filter(live::contains).count() < want) {
                take.add(p);
            } else {
                drop.add(p);
            }
        }
        return new Decision(take, drop, false);
    }

    /**
     * Whether a restoring graph may stop waiting for its agents: each partition has its live
     * replicas, or the earlier incarnation's agents are back, or the rejoin window passed.
     */
    boolean over(KeptGraph graph, Set<String> live, Instant now) {
        boolean complete = !live.isEmpty();
        for (TreeSet<String> h : graph.holders) {
            complete &= h.stream().filter(live::contains).count() >= graph.replicas;
        }
        return complete || (rejoin != null && rejoin.verdict(Set.of(), live, now) != Rejoin.Verdict.WAIT);
    }

    /** Partitions of {@code graph} without a live holder, ascending. */
    static List<Integer> unheld(KeptGraph graph, Set<String> live) {
        List<Integer> out = new ArrayList<>();
        for (int p = 0; p < graph.holders.size(); p++) {
            if (graph.holders.get(p).stream().noneMatch(live::contains)) {
                out.add(p);
            }
        }
        return out;
    }
}
