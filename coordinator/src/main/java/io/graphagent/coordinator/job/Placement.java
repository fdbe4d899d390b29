package io.graphagent.coordinator.job;

import io.graphagent.coordinator.membership.AgentView;
import io.graphagent.protocol.v1.PartitionMap;
import io.graphagent.protocol.v1.PartitionOwner;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where a job's partitions live: P partitions dealt round-robin over the agents in id
 * order, so every agent holds P/agents or one more. More partitions than agents let a lost
 * agent's share be spread over all survivors, who keep their own ({@link #keepingSurvivors}).
 * Immutable.
 */
final class Placement {
    private final List<AgentView> agents;
    private final int[] ownerIndex;

    private Placement(List<AgentView> agents, int[] ownerIndex) {
        this.agents = agents;
        this.ownerIndex = ownerIndex;
    }

    /** Deals {@code partitions} partitions over {@code agents} (non-empty, any order). */
    static Placement roundRobin(List<AgentView> agents, int partitions) {
        List<AgentView> sorted = new ArrayList<>(agents);
        sorted.sort((a, b) -> a.agentId().compareTo(b.agentId()));
        int[] owner = new int[partitions];
        for (int p = 0; p < partitions; p++) {
            owner[p] = p % sorted.size();
        }
        return new Placement(List.copyOf(sorted), owner);
    }

    /**
     * The placement after a recovery: every partition whose owner is still among {@code agents}
     * stays where it is; the lost agents' partitions go, in partition order, to the agent
     * holding fewest (ties: lowest id); then, while one agent holds two more than another (an
     * agent joined), the fuller one's highest partition moves to the emptier one. So survivors
     * keep their partitions and only what must move moves.
     */
    static Placement keepingSurvivors(Placement previous, List<AgentView> agents) {
        List<AgentView> sorted = new ArrayList<>(agents);
        sorted.sort((a, b) -> a.agentId().compareTo(b.agentId()));
        Map<String, Integer> index = new java.util.HashMap<>();
        for (int i = 0; i < sorted.size(); i++) {
            index.put(sorted.get(i).agentId(), i);
        }
        int partitions = previous.partitions();
        int[] owner = new int[partitions];
        int[] counts = new int[sorted.size()];
        for (int p = 0; p < partitions; p++) {
            Integer kept = index.get(previous.ownerOf(p));
            owner[p] = kept == null ? -1 : kept;
            if (kept != null) {
                counts[kept]++;
            }
        }
        for (int p = 0; p < partitions; p++) {
            if (owner[p] < 0) {
                int least = least(counts);
                owner[p] = least;
                counts[least]++;
            }
        }
        while (true) {
            int least = least(counts);
            int most = most(counts);
            if (counts[most] - counts[least] <= 1) {
                break;
            }
            for (int p = partitions - 1; p >= 0; p--) {
                if (owner[p] == most) {
                    owner[p] = least;
                    counts[most]--;
                    counts[least]++;
                    break;
                }
            }
        }
        return new Placement(List.copyOf(sorted), owner);
    }

    /**
     * The placement of a job on a resident graph: each partition on one of its live holders
     * ({@code holders}, by partition), the one given fewest partitions so far (ties: lowest id),
     * so the job spreads over the replicas. Only agents given a partition take part. Null when
     * some partition has no live holder ({@link #firstWithoutLiveHolder} names it).
     */
    static Placement onReplicas(List<AgentView> alive, List<List<String>> holders) {
        Map<String, AgentView> live = new TreeMap<>();
        alive.forEach(a -> live.put(a.agentId(), a));
        Map<String, Integer> counts = new TreeMap<>();
        String[] chosen = new String[holders.size()];
        for (int p = 0; p < holders.size(); p++) {
            String best = null;
            for (String h : holders.get(p)) {
                if (live.containsKey(h) && (best == null || counts.getOrDefault(h, 0) < counts.getOrDefault(best, 0)
                        || counts.getOrDefault(h, 0).equals(counts.getOrDefault(best, 0)) && h.compareTo(best) < 0)) {
                    best = h;
                }
            }
            if (best == null) {
                return null;
            }
            chosen[p] = best;
            counts.merge(best, 1, Integer::sum);
        }
        List<AgentView> agents = counts.keySet().stream().map(live::get).toList();
        List<String> ids = List.copyOf(counts.keySet());
        int[] owner = new int[chosen.length];
        for (int p = 0; p < chosen.length; p++) {
            owner[p] = ids.indexOf(chosen[p]);
        }
        return new Placement(agents, owner);
    }

    /** The first partition none of whose {@code holders} is among {@code alive}, or -1. */
    static int firstWithoutLiveHolder(List<AgentView> alive, List<List<String>> holders) {
        java.util.Set<String> live = new java.util.HashSet<>();
        alive.forEach(a -> live.add(a.agentId()));
        for (int p = 0; p < holders.size(); p++) {
            if (holders.get(p).stream().noneMatch(live::contains)) {
                return p;
            }
        }
        return -1;
    }

    private static int least(int[] counts) {
        int best = 0;
        for (int i = 1; i < counts.length; i++) {
            if (counts[i] < counts[best]) {
                best = i;
            }
        }
        return best;
    }

    private static int most(int[] counts) {
        int best = 0;
        for (int i = 1; i < counts.length; i++) {
            if (counts[i] > counts[best]) {
                best = i;
            }
        }
        return best;
    }

    List<AgentView> agents() {
        return agents;
    }

    int partitions() {
        return ownerIndex.length;
    }

    /** Partitions of each agent, by agent id. */
    Map<String, List<Integer>> partitionsByAgent() {
        Map<String, List<Integer>> byAgent = new TreeMap<>();
        for (AgentView a : agents) {
            byAgent.put(a.agentId(), new ArrayList<>());
        }
        for (int p = 0; p < ownerIndex.length; p++) {
            byAgent.get(agents.get(ownerIndex[p]).agentId()).add(p);
        }
        return byAgent;
    }

    String ownerOf(int partition) {
        return agents.get(ownerIndex[partition]).agentId();
    }

    PartitionMap toProto() {
        PartitionMap.Builder map = PartitionMap.newBuilder();
        for (int p = 0; p < ownerIndex.length; p++) {
            AgentView a = agents.get(ownerIndex[p]);
            map.addOwners(PartitionOwner.newBuilder().setPartitionId(p).setAgentId(a.agentId()).setDataAddress(a.dataAddress()));
        }
        return map.build();
    }
}
