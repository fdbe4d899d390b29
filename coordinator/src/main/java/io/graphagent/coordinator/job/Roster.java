package io.graphagent.coordinator.job;

import io.graphagent.protocol.JobEpoch;
import io.graphagent.coordinator.membership.AgentView;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Who runs a job now: the placement of its partitions, the agents of that placement (the
 * participants) and the job epoch, raised by every rollback so that reports and batches of
 * older work are refused. Changed on the driver thread only; the epoch is read by status
 * calls too.
 */
final class Roster {
    private Placement placement;
    private volatile List<String> participants = List.of();
    private volatile JobEpoch epoch;

    Roster(JobEpoch epoch) {
        this.epoch = epoch;
    }

    /** The partitions are placed on {@code next}'s agents from now on. */
    void place(Placement next) {
        placement = next;
        participants = next.agents().stream().map(AgentView::agentId).toList();
    }

    /** The current placement; null before the first. */
    Placement placement() {
        return placement;
    }

    /** Agent ids of the placement, in id order; empty before the first placement. */
    List<String> participants() {
        return participants;
    }

    boolean includes(String agent) {
        return participants.contains(agent);
    }

    /** The participants recorded before a coordinator restart, for the job's record until it is placed again. */
    void recorded(List<String> agents) {
        participants = List.copyOf(agents);
    }

    JobEpoch epoch() {
        return epoch;
    }

    /** A reloaded job goes on at {@code epoch}, above any its earlier coordinator may have used. */
    void continueAbove(JobEpoch epoch) {
        this.epoch = epoch;
    }

    /** Starts the next job epoch (a rollback); returns it. */
    JobEpoch advance() {
        epoch = epoch.next();
        return epoch;
    }

    /** Whether every agent of the placement speaks at least protocol {@code version}. */
    boolean allSpeak(int version) {
        return placement.agents().stream().allMatch(a -> a.protocolVersion() >= version);
    }

    /** Data address of each agent of the placement, by id. */
    Map<String, String> dataAddresses() {
        Map<String, String> addresses = new TreeMap<>();
        for (AgentView a : placement.agents()) {
            addresses.put(a.agentId(), a.dataAddress());
        }
        return addresses;
    }
}
