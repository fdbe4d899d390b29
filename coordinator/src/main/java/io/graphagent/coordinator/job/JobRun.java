package io.graphagent.coordinator.job;

import io.graphagent.config.JobConfig;
import io.graphagent.config.Rebalance;
import io.graphagent.coordinator.membership.AgentDirectory;
import io.graphagent.graph.pregel.Aggregators;
import io.graphagent.graph.pregel.Delivery;
import io.graphagent.protocol.JobEpoch;
import io.graphagent.protocol.v1.AgentState;
import io.graphagent.protocol.v1.JobFailureKind;
import io.graphagent.protocol.v1.JobProgress;
import io.graphagent.protocol.v1.JobState;
import io.graphagent.protocol.v1.JobStatus;
import io.graphagent.protocol.v1.LoadDone;
import io.graphagent.protocol.v1.Report;
import io.graphagent.protocol.v1.StoredJob;
import io.grpc.stub.StreamObserver;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Drives one job on the cluster, from placement to output, by putting its phases in order:
 * wait for agents ({@link AgentWait}), the first placement and load ({@link FirstPlacement},
 * {@link LoadPhase}), or the take-over of a job an earlier coordinator ran ({@link RestartResume}),
 * the superstep loop of its program ({@link SuperstepProgram}, {@link SuperstepLoop}) with its
 * checkpoints ({@link CheckpointCoordinator}), a rollback whenever an agent is lost ({@link Recovery}),
 * the output ({@link OutputPhase}) and the job's end ({@link JobEnding}). The same decisions as
 * the single-process engine ({@link Delivery}, {@link Aggregators}), so the result is the same.
 * What status and watchers see is on its {@link StatusBoard}.
 *
 * <p>Runs on the scheduler's driver thread; reports and membership news arrive on its
 * {@link Inbox} from gRPC threads, the only place the job waits. Every wait has a deadline on
 * the injected clock.
 */
final class JobRun implements Runnable {
    private final String id;
    private final ResolvedJob job;
    private final JobConfig config;
    private final Clock clock;
    private final List<JobListener> listeners;
    private final JobJournal journal;
    private final Inbox inbox;
    private final Roster roster = new Roster(JobEpoch.FIRST);
    private final StatusBoard board;
    private final CommandSender sender;
    private final ReportCollector collector;
    private final CheckpointCoordinator checkpoints;
    private final AgentWait agents;
    private final ShareSource loader;
    private final Recovery recovery;
    private final FirstPlacement placement;
    private final OutputPhase output;
    private final JobEnding ending;
    private volatile boolean cancelled;
    /** Guards the hand-over between a cancel and the driver starting the job. */
    private final Object startLock = new Object();
    /** Whether a driver thread took the job up; guarded by startLock. */
    private boolean driving;
    /** The job an earlier coordinator process ran, or null for a job submitted to this process. */
    private RestartResume restored;
    /** The resident graphs, for a job on one. */
    private final ResidentCatalog residents;

    /**
     * @param config       the cluster's job settings: partitions per agent, agents needed and their wait,
     *                     where checkpoints live (job.checkpoint-storage; job.checkpoint-dir)
     * @param resumeWindow how long a broken session may take to resume before the agent counts as lost (the lease ttl)
     * @param journal      receives the job's record at every state change and complete checkpoint
     * @param inbox        where reports and membership news reach the job; the only place it waits
     * @param residents    the resident graphs, for a job on one ({@link ResolvedJob#resident()})
     */
    JobRun(String id, ResolvedJob job, AgentDirectory directory, JobConfig config, Duration resumeWindow, Clock clock,
           AtomicLong commandIds, List<JobListener> listeners, JobJournal journal, Inbox inbox, ResidentCatalog residents) {
        this.id = id;
        this.job = job;
        this.config = config;
        this.clock = clock;
        this.listeners = listeners;
        this.journal = journal;
        this.inbox = inbox;
        this.board = new StatusBoard(id, job.spec(), roster, clock, listeners, this::record);
        JobEvents events = new JobEvents(inbox, roster, () -> cancelled);
        this.residents = residents;
        this.sender = new CommandSender(id, directory, roster, events, clock, resumeWindow, commandIds);
        this.collector = new ReportCollector(events, roster, clock);
        this.checkpoints = new CheckpointCoordinator(id, config.checkpointDir(), config.checkpointStorage(), roster, sender,
                collector, board, clock, listeners, this::record);
        this.agents = new AgentWait(id, directory, events, clock, config.minAgents(), config.agentWait());
        this.loader = job.resident() == null
                ? new LoadPhase(id, job, config.inputTransfer(), roster, sender, collector, board.partitionTable())
                : new AttachPhase(id, job, residents, roster, sender, collector, board.partitionTable());
        this.recovery = new Recovery(id, job, roster, board, agents, loader, checkpoints, sender, collector, clock, listeners);
        this.placement = new FirstPlacement(job, config.partitionsPerAgent(), roster, board, agents, loader, recovery);
        this.output = new OutputPhase(roster, sender, collector, board);
        this.ending = new JobEnding(id, job, roster, board, sender, checkpoints, journal, this::snapshot, () -> cancelled);
    }

    String id() {
        return id;
    }

    /** Shows {@code tap} every report the job takes as an answer (before {@link #run}; the job simulation). */
    void observeReports(ReportCollector.Tap tap) {
        collector.tap(tap);
    }

    /** The partitions each participant is dealt now (the job simulation checks what a checkpoint covers). */
    Map<String, List<Integer>> partitionsByAgent() {
        return roster.placement().partitionsByAgent();
    }

    /** The job epoch now. */
    JobEpoch epoch() {
        return roster.epoch();
    }

    /**
     * Takes over the record of a job that an earlier coordinator process ran (before {@link #run}).
     * A finished job is only shown. Any other one runs again when started: it waits for the
     * agents to rejoin ({@code rejoin}), then goes through the recovery path from the record's
     * checkpoint (or from scratch without one). The job epoch continues above the record's plus
     * one: a recovery may have begun that epoch before its state change reached the disk.
     */
    void restore(StoredJob record, Rejoin rejoin) {
        restored = new RestartResume(id, job, record, rejoin, roster, board, checkpoints, agents, residents, recovery,
                loader, listeners);
        restored.takeOver();
    }

    /**
     * Ends a reloaded job that cannot run again, recording why: its spec no longer resolves (e.g.
     * its graph is gone, or outside the roots now), so the input is at fault.
     */
    void failRestored(String reason) {
        checkpoints.deleteAll();
        board.fail(JobFailureKind.BAD_INPUT, reason);
    }

    /** The job's durable record as of now. */
    StoredJob snapshot() {
        StoredJob.Builder record = board.record();
        CheckpointState checkpoint = checkpoints.last();
        if (checkpoint != null) {
            record.setCheckpoint(checkpoint.toProto());
        }
        return record.build();
    }

    private void record() {
        journal.save(snapshot());
    }

    /** The job's input files. */
    io.graphagent.protocol.v1.GraphFiles input() {
        return job.input();
    }

    boolean finished() {
        return board.finished();
    }

    void report(String agentId, Report report) {
        inbox.add(new JobEvent.Reported(agentId, report));
    }

    void agentChanged(String agentId, AgentState to, String cause) {
        inbox.add(new JobEvent.AgentChanged(agentId, to, cause));
    }

    /**
     * Ends the job as soon as its driver sees it: at once when no driver runs it yet (queued, or
     * reloaded and not yet resumed), else at its next wait. A finished job stays as it ended.
     */
    void cancel() {
        synchronized (startLock) {
            cancelled = true;
            if (!driving && !board.finished()) {
                ending.cancelledBeforeRun();
                return;
            }
        }
        inbox.add(new JobEvent.CancelRequested());
    }

    /** Adds a watcher; it gets the current progress now and every change until the job ends. */
    void watch(StreamObserver<JobProgress> watcher) {
        board.watch(watcher);
    }

    JobStatus status() {
        return board.status();
    }

    /**
     * Runs the job to its end on the calling (driver) thread. Whatever happens here ends the job
     * with its cause and returns, {@code Error}s such as {@code OutOfMemoryError} included, so
     * the driver goes on with the next job; only a coordinator shutting down leaves it unfinished
     * (suspended, for a restart to resume).
     */
    @Override
    public void run() {
        synchronized (startLock) {
            if (board.finished()) {
                return; // cancelled while queued
            }
            driving = true;
        }
        board.started();
        try (JobProgram user = job.program()) {
            execute();
        } catch (JobFailedException | RuntimeException | Error e) {
            ending.failed(e);
        }
    }

    private void execute() throws JobFailedException {
        if (restored != null) {
            restored.awaitAgents();
        }
        // Placed before the restart: every agent loads again and restores the checkpoint.
        boolean resuming = restored != null && restored.placed();
        LoadDone graph = null;
        long loadMs = 0;
        if (!resuming) {
            Instant loadStart = clock.instant();
            graph = placement.load();
            loadMs = Duration.between(loadStart, clock.instant()).toMillis();
        }
        int partitions = board.partitions();
        SuperstepProgram program = SuperstepProgram.open(job);
        board.maxSupersteps(program.shownCap());
        SuperstepLoop loop = new SuperstepLoop(id, job.checkpointEvery(), program.program(), partitions, roster, sender,
                collector, checkpoints, board, clock, listeners);
        loop.capAt(program.cap());
        if (config.rebalance() == Rebalance.ON_JOIN) {
            loop.rebalanceWhen(() -> agents.joinedOutside(roster.participants()));
        }
        Instant computeStart = clock.instant();
        if (resuming) {
            graph = restored.resume(loop);
        } else {
            board.setState(JobState.RUNNING, "running " + job.describe());
        }
        long vertices;
        Instant outputStart;
        while (true) {
            try {
                loop.run(graph);
                // The output follows the last checkpoint's commit (or failure): none is written after the job ends.
                checkpoints.settle();
                outputStart = clock.instant();
                vertices = output.write(job.output(), job.outputMode(), partitions);
                break;
            } catch (AgentLostException lost) {
                int resumeAt = recovery.afterLoss(lost, loop.step());
                loop.rewind(resumeAt, checkpoints.last());
            } catch (RebalanceDue due) {
                int resumeAt = recovery.rebalance(loop.step());
                loop.rewind(resumeAt, checkpoints.last());
            }
        }
        ending.succeeded(graph, vertices, loadMs, Duration.between(computeStart, outputStart).toMillis(),
                Duration.between(outputStart, clock.instant()).toMillis(), loop);
    }
}
