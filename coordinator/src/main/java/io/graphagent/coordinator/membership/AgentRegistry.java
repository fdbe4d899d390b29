package io.graphagent.coordinator.membership;

import io.graphagent.protocol.v1.AgentState;
import io.graphagent.protocol.v1.AgentStatus;
import io.graphagent.protocol.v1.HeldPartitions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every agent id the coordinator has seen, with its {@link AgentRecord} (kept after DEAD and
 * LEFT for status), ordered by id, and the views of them the job layer and status read. Not
 * thread-safe: used under {@link Membership}'s lock.
 */
final class AgentRegistry {

    private final Map<String, AgentRecord> agents = new TreeMap<>();

    /** The record of {@code agentId}, or null when never seen. */
    AgentRecord get(String agentId) {
        return agents.get(agentId);
    }

    boolean contains(String agentId) {
        return agents.containsKey(agentId);
    }

    void add(AgentRecord record) {
        agents.put(record.agentId, record);
    }

    /** All records, ordered by agent id. */
    Collection<AgentRecord> records() {
        return agents.values();
    }

    /** The ALIVE agents, ordered by id. */
    List<AgentView> alive() {
        List<AgentView> views = new ArrayList<>();
        for (AgentRecord record : agents.values()) {
            if (record.state == AgentState.ALIVE) {
                views.add(new AgentView(record.agentId, record.epoch, record.hello.getDataAddress(),
                        record.hello.getResources().getCores(), record.protocolVersion));
            }
        }
        return views;
    }

    /** The partitions per job the agent's current Hello says it holds; empty for an unknown agent. */
    Map<String, List<Integer>> heldPartitions(String agentId) {
        AgentRecord record = agents.get(agentId);
        Map<String, List<Integer>> held = new LinkedHashMap<>();
        if (record != null) {
            for (HeldPartitions h : record.hello.getHeldList()) {
                held.put(h.getJobId(), List.copyOf(h.getPartitionIdsList()));
            }
        }
        return held;
    }

    /** What the agent's current Hello says it holds, as sent; empty for an unknown agent. */
    List<HeldPartitions> held(String agentId) {
        AgentRecord record = agents.get(agentId);
        return record == null ? List.of() : List.copyOf(record.hello.getHeldList());
    }

    List<AgentStatus> statuses(Instant now) {
        return agents.values().stream().map(record -> record.status(now)).toList();
    }

    /** The state of one agent, or AGENT_STATE_UNSPECIFIED when never seen. */
    AgentState state(String agentId) {
        AgentRecord record = agents.get(agentId);
        return record == null ? AgentState.AGENT_STATE_UNSPECIFIED : record.state;
    }

    /** The open streams of all sessions. */
    List<AgentConnection> connections() {
        List<AgentConnection> open = new ArrayList<>();
        for (AgentRecord record : agents.values()) {
            if (record.connection != null) {
                open.add(record.connection);
            }
        }
        return open;
    }
}
