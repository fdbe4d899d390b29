package io.graphagent.coordinator.job;

import io.graphagent.config.JobConfig;
import io.graphagent.coordinator.membership.AgentDirectory;
import io.graphagent.coordinator.membership.AgentView;
import io.graphagent.graph.kernels.Kernels;
import io.graphagent.config.Rebalance;
import io.graphagent.graph.partition.Partitioning;
import io.graphagent.graph.pregel.Aggregators;
import io.graphagent.graph.pregel.Delivery;
import io.graphagent.api.VertexProgram;
import io.graphagent.protocol.JobEpoch;
import io.graphagent.protocol.v1.AgentState;
import io.graphagent.protocol.v1.JobFailureKind;
import io.graphagent.protocol.v1.JobProgress;
import io.graphagent.protocol.v1.JobState;
import io.graphagent.protocol.v1.JobStatus;
import io.graphagent.protocol.v1.JobSummary;
import io.graphagent.protocol.v1.LoadDone;
import io.graphagent.protocol.v1.Report;
import io.graphagent.protocol.v1.StoredJob;
import io.grpc.stub.StreamObserver;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives one job on the cluster, from placement to output, by putting its phases in order:
 * wait for agents ({@link AgentWait}), load ({@link LoadPhase}), the superstep loop with its
 * checkpoints ({@link SuperstepLoop}, {@link CheckpointCoordinator}), a rollback whenever an
 * agent is lost ({@link Recovery}), and the output ({@link OutputPhase}). The same decisions as
 * the single-process engine ({@link Delivery}, {@link Aggregators}), so the result is the same.
 * What status and watchers see is on its {@link StatusBoard}.
 *
 * <p>Runs on the scheduler's driver thread; reports and membership news arrive on its
 * {@link Inbox} from gRPC threads, the only place the job waits. Every wait has a deadline on
 * the injected clock.
 */
final class JobRun implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(JobRun.class);

    private final String id;
    private final ResolvedJob job;
    private final JobConfig config;
    private final AgentDirectory directory;
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
    private final OutputPhase output;
    private volatile boolean cancelled;
    /** Guards the hand-over between a cancel and the driver starting the job. */
    private final Object startLock = new Object();
    /** Whether a driver thread took the job up; guarded by startLock. */
    private boolean driving;
    /** The record a restarted coordinator reloaded, or null for a job submitted to this process. */
    private StoredJob restored;
    /** When the job may place its partitions again after a coordinator restart; null unless restored. */
    private Rejoin rejoin;
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
        this.directory = directory;
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
        this.output = new OutputPhase(roster, sender, collector, board);
    }

    String id() {
        return id;
    }

    /** Shows {@code tap} every report the job takes as an answer (before {@link #run}; the job simulation). */
    void observeReports(ReportCollector.Tap tap) {
        collector.tap(tap);
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
        this.restored = record;
        this.rejoin = rejoin;
        roster.continueAbove(JobEpoch.of(record.getJobEpoch()).next());
        roster.recorded(record.getParticipantsList());
        board.restore(record);
        if (record.hasCheckpoint()) {
            checkpoints.recorded(CheckpointState.fromProto(record.getCheckpoint()));
        }
        if (record.getState() == JobState.QUEUED) {
            board.show(JobState.QUEUED, "queued (the coordinator restarted before the job started)");
        } else if (!finished()) {
            CheckpointState last = checkpoints.last();
            board.show(JobState.RECOVERING, "the coordinator restarted: waiting for agents to rejoin, then resuming from "
                    + (last == null ? "the start" : "the checkpoint of superstep " + last.superstep()));
        }
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
                log.info("event=job_cancelled job={} state={} detail=\"before a driver ran it\"", id, board.state());
                checkpoints.deleteAll();
                board.finish(JobState.CANCELLED, "cancelled by the user before it ran");
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
        } catch (JobFailedException e) {
            if (e.shuttingDown()) {
                // Neither failed nor finished: its record and checkpoints stay, and a coordinator started
                // on the same state directory resumes it (an in-memory coordinator forgets it anyway).
                log.info("event=job_suspended job={} state={} detail=\"the coordinator is shutting down\"", id,
                        board.state());
                return;
            }
            log.warn("event=job_failed job={} cause={} detail=\"{}\"", id, e.cause, e.getMessage());
            JobFailureKind kind = cancelled ? null : FailureKinds.of(e.cause, job.program() != null);
            // The user's code failed: the cause leads the message, in status, events and submit's stderr.
            end(kind, kind == JobFailureKind.PROGRAM_ERROR ? "PROGRAM_ERROR: " + e.getMessage() : e.getMessage());
        } catch (OutOfMemoryError e) {
            log.error("event=job_failed job={} cause=coordinator_out_of_memory detail=\"{}\"", id, e.toString(), e);
            end(JobFailureKind.CLUSTER_FAILURE, "the coordinator ran out of memory driving this job (" + e + "): give it fewer"
                    + " partitions, or give the coordinator more heap (GRAPHAGENT_JAVA_OPTS=-Xmx...)");
        } catch (RuntimeException | Error e) {
            log.error("event=job_failed job={} cause=internal_error detail=\"{}\"", id, e.toString(), e);
            end(JobFailureKind.CLUSTER_FAILURE, "internal error in the coordinator: " + e);
        }
    }

    /**
     * The job failed (the fault of {@code kind}) or was cancelled ({@code kind} null): agents drop
     * it, its checkpoints go, it ends FAILED or CANCELLED.
     */
    private void end(JobFailureKind kind, String reason) {
        try {
            sender.abort(reason);
            checkpoints.deleteAllAfterWrites();
        } catch (RuntimeException | Error e) {
            log.error("event=job_cleanup_failed job={} detail=\"{}\"", id, e.toString(), e);
        } finally {
            if (kind == null) {
                board.finish(JobState.CANCELLED, reason);
            } else {
                board.fail(kind, reason);
            }
        }
    }

    /**
     * The job's configured program: a built-in kernel, or the user's, loaded in a class loader of
     * the job's own that {@link #run} closes when the job ends.
     */
    private VertexProgram openProgram() throws JobFailedException {
        if (job.program() == null) {
            return Kernels.programShape(job.algorithm(), job.parameters());
        }
        try {
            return job.program().open();
        } catch (io.graphagent.graph.kernels.ProgramLoadException | RuntimeException | LinkageError e) {
            throw new JobFailedException("program_error", "the coordinator cannot load " + job.program().className()
                    + " again: " + e.getMessage());
        }
    }

    /**
     * Supersteps the job runs at most: the program's cap, lowered by {@code --max-supersteps};
     * a user program with neither stops after {@link JobProgram#DEFAULT_USER_MAX_SUPERSTEPS}.
     */
    private int superstepCap(VertexProgram program) {
        int cap = program.shape().maxSupersteps();
        if (job.spec().hasMaxSupersteps()) {
            cap = Math.min(cap, (int) Math.min(Integer.MAX_VALUE, Integer.toUnsignedLong(job.spec().getMaxSupersteps())));
        } else if (job.program() != null && cap == Integer.MAX_VALUE) {
            cap = JobProgram.DEFAULT_USER_MAX_SUPERSTEPS;
        }
        return cap;
    }

    private void execute() throws JobFailedException {
        if (restored != null) {
            agents.rejoined(rejoin, restored.getParticipantsList());
            if (job.resident() != null) {
                agents.residentRestored(residents, job.resident().name(), rejoin);
            }
        }
        // Placed before the restart: every agent loads again and restores the checkpoint.
        boolean resuming = restored != null && board.partitions() > 0;
        LoadDone graph = null;
        long loadMs = 0;
        if (!resuming) {
            Instant loadStart = clock.instant();
            graph = loadFromScratch();
            loadMs = Duration.between(loadStart, clock.instant()).toMillis();
        }
        int partitions = board.partitions();
        VertexProgram program = openProgram();
        int cap = superstepCap(program);
        board.maxSupersteps(cap == Integer.MAX_VALUE ? 0 : cap);
        SuperstepLoop loop = new SuperstepLoop(id, job.checkpointEvery(), program, partitions, roster, sender, collector,
                checkpoints, board, clock, listeners);
        loop.capAt(cap);
        if (config.rebalance() == Rebalance.ON_JOIN) {
            loop.rebalanceWhen(this::agentsWaiting);
        }
        Instant computeStart = clock.instant();
        if (resuming) {
            CheckpointState recorded = checkpoints.last();
            int resumeAt = recovery.afterRestart(board.superstep() + 1);
            loop.rewind(resumeAt, checkpoints.last());
            graph = loader.facts();
            log.info("event=job_resumed cause={} job={} resume_superstep={} checkpoint_superstep={} epoch={} agents={}"
                    + " recoveries={}", Recovery.RESTARTED, id, resumeAt, recorded == null ? -1 : recorded.superstep(),
                    roster.epoch(), roster.participants().size(), board.recoveries());
            for (JobListener listener : listeners) {
                listener.resumedAfterRestart(id, resumeAt);
            }
        } else {
            board.setState(JobState.RUNNING, "running " + job.describe());
        }
        long vertices;
        Instant outputStart;
        while (true) {
            try {
                loop.run(graph);
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
        succeed(graph, vertices, loadMs, Duration.between(computeStart, outputStart).toMillis(),
                Duration.between(outputStart, clock.instant()).toMillis(), loop);
    }

    /** Whether an ALIVE agent is outside the job (it joined after the job was placed). */
    private boolean agentsWaiting() {
        java.util.Set<String> participants = new java.util.HashSet<>(roster.participants());
        return directory.alive().stream().anyMatch(a -> !participants.contains(a.agentId()));
    }

    /**
     * Places the partitions over the ALIVE agents and has them load (or attach) their shares,
     * again on other agents while one is lost.
     */
    private LoadDone loadFromScratch() throws JobFailedException {
        List<AgentView> alive = agents.enough();
        int partitions = job.partitions() > 0 ? job.partitions()
                : Math.min(Partitioning.MAX_PARTITIONS, alive.size() * config.partitionsPerAgent());
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

    /**
     * The output is written: the agents may drop the job; the summary and the SUCCEEDED state
     * are recorded before the checkpoints go (a restart in between shows the job SUCCEEDED rather
     * than resuming it from a checkpoint that no longer exists).
     *
     * @param computeMs the supersteps (with checkpoints and recoveries) apart from gathering and writing the output
     */
    private void succeed(LoadDone graph, long vertices, long loadMs, long computeMs, long outputMs, SuperstepLoop loop)
            throws JobFailedException {
        sender.release();
        int recoveries = board.recoveries();
        board.summary(JobSummary.newBuilder().setOutputPath(job.output().toString()).setVertices(vertices)
                .setEdges(graph.getEdges()).setSupersteps(board.superstep() + 1).setTotalTimeMs(board.elapsedMs())
                .setLoadTimeMs(loadMs).setComputeTimeMs(computeMs).setOutputTimeMs(outputMs).setRecoveries(recoveries)
                .setBytesExchanged(loop.bytes()).setMessages(loop.messages()).setAgents(roster.participants().size())
                .setPartitions(board.partitions()).setInputBytesRead(graph.getBytesRead())
                .setEdgesShipped(graph.getEdgesShipped()).setShareBytes(graph.getShareBytes()).setMirrors(graph.getMirrors())
                .build());
        journal.save(snapshot().toBuilder().setState(JobState.SUCCEEDED).build());
        checkpoints.deleteAll();
        board.finish(JobState.SUCCEEDED, "done: " + vertices + " vertices written to " + job.output()
                + (recoveries > 0 ? " after " + recoveries + " recover" + (recoveries == 1 ? "y" : "ies") : ""));
    }
}
