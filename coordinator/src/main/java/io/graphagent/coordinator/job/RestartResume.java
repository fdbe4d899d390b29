package io.graphagent.coordinator.job;

import io.graphagent.protocol.JobEpoch;
import io.graphagent.protocol.v1.JobState;
import io.graphagent.protocol.v1.LoadDone;
import io.graphagent.protocol.v1.StoredJob;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A job that an earlier coordinator process ran, taken over by a restarted one. Its record gives
 * back the job epoch, participants, status and last checkpoint ({@link #takeOver}); when driven, the
 * job waits for its agents (and its resident graph) to rejoin ({@link #awaitAgents}), and a job
 * placed before the restart resumes through the recovery path from the recorded checkpoint, or
 * from the start without one ({@link #resume}). Driver thread only, after {@link #takeOver}.
 */
final class RestartResume {
    private static final Logger log = LoggerFactory.getLogger(RestartResume.class);

    private final String id;
    private final ResolvedJob job;
    /** The record the restarted coordinator reloaded. */
    private final StoredJob record;
    /** When the job may place its partitions again. */
    private final Rejoin rejoin;
    private final Roster roster;
    private final StatusBoard board;
    private final CheckpointCoordinator checkpoints;
    private final AgentWait agents;
    private final ResidentCatalog residents;
    private final Recovery recovery;
    private final ShareSource loader;
    private final List<JobListener> listeners;

    RestartResume(String id, ResolvedJob job, StoredJob record, Rejoin rejoin, Roster roster, StatusBoard board,
                  CheckpointCoordinator checkpoints, AgentWait agents, ResidentCatalog residents, Recovery recovery,
                  ShareSource loader, List<JobListener> listeners) {
        this.id = id;
        this.job = job;
        this.record = record;
        this.rejoin = rejoin;
        this.roster = roster;
        this.board = board;
        this.checkpoints = checkpoints;
        this.agents = agents;
        this.residents = residents;
        this.recovery = recovery;
        this.loader = loader;
        this.listeners = listeners;
    }

    /**
     * Takes over the record (before the job runs). A finished job is only shown. The job epoch
     * continues above the record's plus one: a recovery may have begun that epoch before its state
     * change reached the disk.
     */
    void takeOver() {
        roster.continueAbove(JobEpoch.of(record.getJobEpoch()).next());
        roster.recorded(record.getParticipantsList());
        board.restore(record);
        if (record.hasCheckpoint()) {
            checkpoints.recorded(CheckpointState.fromProto(record.getCheckpoint()));
        }
        if (record.getState() == JobState.QUEUED) {
            board.show(JobState.QUEUED, "queued (the coordinator restarted before the job started)");
        } else if (!board.finished()) {
            CheckpointState last = checkpoints.last();
            board.show(JobState.RECOVERING, "the coordinator restarted: waiting for agents to rejoin, then resuming from "
                    + (last == null ? "the start" : "the checkpoint of superstep " + last.superstep()));
        }
    }

    /** Waits for the record's agents to rejoin, and for the resident graph the job runs on. */
    void awaitAgents() throws JobFailedException {
        agents.rejoined(rejoin, record.getParticipantsList());
        if (job.resident() != null) {
            agents.residentRestored(residents, job.resident().name(), rejoin);
        }
    }

    /** Whether the job was placed before the restart: every agent then loads again and restores the checkpoint. */
    boolean placed() {
        return board.partitions() > 0;
    }

    /** Loads the placed job again and rewinds {@code loop} to where it resumes; the graph's load facts. */
    LoadDone resume(SuperstepLoop loop) throws JobFailedException {
        CheckpointState recorded = checkpoints.last();
        int resumeAt = recovery.afterRestart(board.superstep() + 1);
        loop.rewind(resumeAt, checkpoints.last());
        LoadDone graph = loader.facts();
        log.info("event=job_resumed cause={} job={} resume_superstep={} checkpoint_superstep={} epoch={} agents={}"
                + " recoveries={}", Recovery.RESTARTED, id, resumeAt, recorded == null ? -1 : recorded.superstep(),
                roster.epoch(), roster.participants().size(), board.recoveries());
        for (JobListener listener : listeners) {
            listener.resumedAfterRestart(id, resumeAt);
        }
        return graph;
    }
}
