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
 * agent's share be spread over all survivors. Immutable.
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
