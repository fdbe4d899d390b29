package io.graphagent.coordinator.job;

import io.graphagent.coordinator.membership.AgentView;
import io.graphagent.graph.partition.Partitioning;
import io.graphagent.protocol.v1.JobState;
import io.graphagent.protocol.v1.LoadDone;
import java.util.List;
import java.util.Set;

/**
 * A job's first placement and load: the partition count (the job's, else partitions per ALIVE
 * agent, at most {@link Partitioning#MAX_PARTITIONS}), the partitions placed over the ALIVE agents,
 * and their shares loaded (or attached) — again on the agents left, at a new job epoch, while one
 * is lost. Driver thread only.
 */
final class FirstPlacement {
    private final ResolvedJob job;
    private final int partitionsPerAgent;
    private final Roster roster;
    private final StatusBoard board;
    private final AgentWait agents;
    private final ShareSource loader;
    private final Recovery recovery;

    /** @param partitionsPerAgent partitions per ALIVE agent when the job names no count (job.partitions-per-agent) */
    FirstPlacement(ResolvedJob job, int partitionsPerAgent, Roster roster, StatusBoard board, AgentWait agents,
                   ShareSource loader, Recovery recovery) {
        this.job = job;
        this.partitionsPerAgent = partitionsPerAgent;
        this.roster = roster;
        this.board = board;
        this.agents = agents;
        this.loader = loader;
        this.recovery = recovery;
    }

    /**
     * Places the partitions over the ALIVE agents and has them load (or attach) their shares,
     * again on other agents while one is lost.
     */
    LoadDone load() throws JobFailedException {
        List<AgentView> alive = agents.enough();
        int partitions = job.partitions() > 0 ? job.partitions()
                : Math.min(Partitioning.MAX_PARTITIONS, alive.size() * partitionsPerAgent);
        board.partitions(partitions);
        board.setState(JobState.LOADING, (job.resident() == null ? "loading " : "attaching ") + job.describe() + " on "
                + alive.size() + " agents, " + partitions + " partitions");
        while (true) {
            try {
                return loader.load(loader.place(alive, partitions, null, false), Set.of());
            } catch (AgentLostException lost) {
                recovery.count(lost);
                alive = agents.enough();
                // A new placement is a new job epoch: records and reports of the abandoned load are refused.
                roster.advance();
            }
        }
    }
}
