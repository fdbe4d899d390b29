package io.graphagent.coordinator.membership;

import io.graphagent.protocol.v1.Command;
import java.util.List;
import java.util.Map;

/**
 * The membership as the job layer sees it: which agents are ALIVE, a way to send them
 * commands on their session stream, and news of every state change. Implemented by the
 * session layer; thread-safe.
 */
public interface AgentDirectory {

    /** Agents currently ALIVE, ordered by agent id. */
    List<AgentView> alive();

    /**
     * Sends a command on the agent's session stream, stamped with its current epoch.
     *
     * @return false when the agent has no open session (the command is dropped)
     */
    boolean send(String agentId, Command command);

    /** Registers the receiver of job reports (at most one; replaces the previous). */
    void setReportSink(ReportSink sink);

    void addListener(MembershipListener listener);

    /**
     * The partitions an agent said it still holds, per job, in the Hello of its current
     * session (what a resumed agent kept in memory); empty for an unknown agent.
     */
    default Map<String, List<Integer>> heldPartitions(String agentId) {
        return Map.of();
    }

    /**
     * What the agent said it holds in the Hello of its current session, as sent: batch jobs'
     * partitions and resident graphs' (with their generation); empty for an unknown agent.
     */
    default List<io.graphagent.protocol.v1.HeldPartitions> held(String agentId) {
        return List.of();
    }

    /** Receives reports from agents whose epoch matched their current session; stale ones never arrive here. */
    @FunctionalInterface
    interface ReportSink {
        void onReport(String agentId, io.graphagent.protocol.v1.Report report);
    }

    /** Told of every agent state transition, with its cause (a DisconnectCause label or a lifecycle word). */
    @FunctionalInterface
    interface MembershipListener {
        void onTransition(String agentId, io.graphagent.protocol.v1.AgentState from,
                          io.graphagent.protocol.v1.AgentState to, String cause);
    }
}
