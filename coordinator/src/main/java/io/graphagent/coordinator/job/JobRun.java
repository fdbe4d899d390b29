package io.graphagent.coordinator.job;

import io.graphagent.config.JobConfig;
import io.grpc.stub.StreamObserver;
import io.graphagent.config.CheckpointStorage;
import io.graphagent.coordinator.membership.AgentDirectory;
import io.graphagent.coordinator.membership.AgentView;
import io.graphagent.graph.kernels.Kernels;
import io.graphagent.graph.pregel.Aggregators;
import io.graphagent.graph.pregel.Delivery;
import io.graphagent.graph.pregel.SuperstepStats;
import io.graphagent.graph.pregel.VertexProgram;
import io.graphagent.protocol.ProtocolVersion;
import io.graphagent.protocol.v1.AgentState;
import io.graphagent.protocol.v1.Command;
import io.graphagent.protocol.v1.Exchange;
import io.graphagent.protocol.v1.JobProgress;
import io.graphagent.protocol.v1.JobState;
import io.graphagent.protocol.v1.JobStatus;
import io.graphagent.protocol.v1.JobSummary;
import io.graphagent.protocol.v1.KernelParameters;
import io.graphagent.protocol.v1.LoadDone;
import io.graphagent.protocol.v1.LoadPartitions;
import io.graphagent.protocol.v1.PartitionAggregates;
import io.graphagent.protocol.v1.Release;
import io.graphagent.protocol.v1.Report;
import io.graphagent.protocol.v1.StartSuperstep;
import io.graphagent.protocol.v1.StoredCheckpoint;
import io.graphagent.protocol.v1.StoredHolders;
import io.graphagent.protocol.v1.StoredJob;
import io.graphagent.protocol.v1.SuperstepDone;
import io.graphagent.protocol.v1.WriteOutput;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives one job on the cluster: placement, load, the superstep loop with its two barriers
 * (compute, then exchange), master compute and aggregators in partition order, and the
 * output gathered to the user's file. The same decisions as the single-process engine
 * ({@link Delivery}, {@link Aggregators}), so the result is the same.
 *
 * <p>Runs on the scheduler's driver thread; reports and membership news arrive on its inbox
 * from gRPC threads. Every wait has a deadline.
 */
final class JobRun implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(JobRun.class);
    /** Per-superstep barrier timings, at DEBUG (as the agents' superstep_timing lines). */
    private static final Logger timing = LoggerFactory.getLogger("graphagent.timing");

    /** How long a job waits for a first ALIVE agent before it fails. */
    /** Bound on any one phase (load, a superstep's compute or exchange, output). */
    static final Duration PHASE_TIMEOUT = Duration.ofMinutes(30);
    /** The membership cause of a session that resumed (the agent kept its partitions). */
    static final String RESUMED = "resumed";
    /** Recoveries after which a job gives up: an agent that keeps dying is a problem to look at, not to retry. */
    static final int MAX_RECOVERIES = 10;
    /** The cause of a job's end when the driver thread is interrupted: the coordinator stops. */
    static final String SHUTTING_DOWN = "interrupted";
    /** The cause of the recovery a restarted coordinator runs for each job it reloads. */
    static final String RESTARTED = "coordinator_restarted";

    private final String id;
    private final ResolvedJob job;
    private final AgentDirectory directory;
    private final int partitionsPerAgent;
    private final int minAgents;
    private final Duration agentWait;
    private final Clock clock;
    private final AtomicLong commandIds;
    private final BlockingDeque<Object> inbox = new LinkedBlockingDeque<>();
    private final List<StreamObserver<JobProgress>> watchers = new java.util.ArrayList<>();
    private long submittedMs;
    private final Duration resumeWindow;
    /** Where the job's durable record goes at every state change and complete checkpoint. */
    private final JobJournal journal;
    /** The record a restarted coordinator reloaded, or null for a job submitted to this process. */
    private StoredJob restored;
    /** When the job may place its partitions again after a coordinator restart; null unless restored. */
    private Rejoin rejoin;

    private volatile JobState state = JobState.QUEUED;
    private volatile int superstep;
    private volatile String message = "queued";
    private volatile JobSummary summary;
    private volatile boolean cancelled;
    private volatile long startedNanos;
    private List<String> participants = List.of();
    /** The last command sent to each agent, re-sent when its session resumes; driver thread only. */
    private final Map<String, Command> lastSent = new HashMap<>();
    /** Where the partitions are now; a recovery keeps the survivors' ones in place. */
    private Placement placement;
    private volatile long jobEpoch = 1;
    private volatile int recoveries;
    private volatile int maxSupersteps;
    /** Superstep of the last complete checkpoint, -1 for none. */
    private volatile int lastCheckpoint = -1;
    /** Partitions of the job once placed, 0 before. */
    private volatile int partitionCount;
    /** A LoadDone of the last load: the graph's edge slots and vertices with out-edges; driver thread only. */
    private LoadDone loadFacts;
    private final PartitionTable partitionTable = new PartitionTable();
    private final java.nio.file.Path checkpointRoot;
    private final CheckpointStorage storage;
    private final List<JobListener> listeners;
    /** The last complete checkpoint, null for none; driver thread only. */
    private CheckpointState checkpointed;

    /**
     * @param config the cluster's job settings: partitions per agent, agents needed and their wait,
     *     where checkpoints live (job.checkpoint-storage; job.checkpoint-dir, under which each job's
     *     checkpoints go when shared)
     * @param resumeWindow how long a broken session may take to resume before the agent counts as lost (the lease ttl)
     * @param journal receives the job's record at every state change and complete checkpoint
     */
    JobRun(String id, ResolvedJob job, AgentDirectory directory, JobConfig config, Duration resumeWindow, Clock clock,
           AtomicLong commandIds, List<JobListener> listeners, JobJournal journal) {
        this.listeners = listeners;
        this.journal = journal;
        this.resumeWindow = resumeWindow;
        this.checkpointRoot = config.checkpointDir().toAbsolutePath().normalize();
        this.storage = config.checkpointStorage();
        this.id = id;
        this.job = job;
        this.directory = directory;
        this.partitionsPerAgent = config.partitionsPerAgent();
        this.minAgents = config.minAgents();
        this.agentWait = config.agentWait();
        this.clock = clock;
        this.commandIds = commandIds;
        this.submittedMs = clock.millis();
    }

    String id() {
        return id;
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
        this.submittedMs = record.getSubmittedTimeMs();
        this.jobEpoch = record.getJobEpoch() + 1;
        this.recoveries = record.getRecoveries();
        this.partitionCount = record.getPartitions();
        this.superstep = record.getSuperstep();
        this.maxSupersteps = record.getMaxSupersteps();
        if (record.hasCheckpoint()) {
            checkpointed = CheckpointState.fromProto(record.getCheckpoint());
            lastCheckpoint = checkpointed.superstep();
        }
        if (record.hasSummary()) {
            summary = record.getSummary();
        }
        state = record.getState();
        message = record.getMessage();
        if (state == JobState.QUEUED) {
            message = "queued (the coordinator restarted before the job started)";
        } else if (!finished()) {
            state = JobState.RECOVERING;
            message = "the coordinator restarted: waiting for agents to rejoin, then resuming from "
                    + (checkpointed == null ? "the start" : "the checkpoint of superstep " + checkpointed.superstep());
        }
    }

    /** Ends a reloaded job that cannot run again (e.g. its graph is gone), recording why. */
    void failRestored(String reason) {
        deleteCheckpoints();
        finish(JobState.FAILED, reason);
    }

    /** The job's durable record as of now. */
    StoredJob snapshot() {
        StoredJob.Builder record = StoredJob.newBuilder().setJobId(id).setSpec(job.spec()).setState(state).setMessage(message)
                .setJobEpoch(jobEpoch).setRecoveries(recoveries).setPartitions(partitionCount)
                .addAllParticipants(participants).setSubmittedTimeMs(submittedMs).setSuperstep(superstep)
                .setMaxSupersteps(maxSupersteps);
        CheckpointState checkpoint = checkpointed;
        if (checkpoint != null) {
            record.setCheckpoint(checkpoint.toProto());
        }
        if (summary != null) {
            record.setSummary(summary);
        }
        return record.build();
    }

    boolean finished() {
        return state == JobState.SUCCEEDED || state == JobState.FAILED || state == JobState.CANCELLED;
    }

    void report(String agentId, Report report) {
        inbox.add(new Incoming(agentId, report));
    }

    void agentChanged(String agentId, AgentState to, String cause) {
        inbox.add(new AgentChange(agentId, to, cause));
    }

    void cancel() {
        cancelled = true;
        inbox.add(new AgentChange("", AgentState.AGENT_STATE_UNSPECIFIED, "cancel"));
    }

    /**
     * Adds a watcher; it gets the current progress now and every change until the job ends.
     * All calls on watchers hold {@link #watchers}' lock: a gRPC stream takes one call at a
     * time, and the driver thread and the watching client's thread both reach it.
     */
    void watch(StreamObserver<JobProgress> watcher) {
        synchronized (watchers) {
            watcher.onNext(progress(0, 0, 0, 0));
            if (finished()) {
                watcher.onCompleted();
            } else {
                watchers.add(watcher);
            }
        }
    }

    JobStatus status() {
        JobStatus.Builder status = JobStatus.newBuilder().setJobId(id).setSpec(job.spec()).setState(state)
                .setSuperstep(superstep).setSubmittedTimeMs(submittedMs).setElapsedMs(elapsedMs()).setJobEpoch(jobEpoch)
                .setRecoveries(recoveries).setMessage(message).setMaxSupersteps(maxSupersteps)
                .addAllPartitions(partitionTable.toProto());
        if (lastCheckpoint >= 0) {
            status.setLastCheckpointSuperstep(lastCheckpoint);
        }
        if (summary != null) {
            status.setSummary(summary);
        }
        return status.build();
    }

    @Override
    public void run() {
        startedNanos = System.nanoTime();
        try {
            execute();
        } catch (JobFailedException e) {
            if (e.cause.equals(SHUTTING_DOWN)) {
                // Neither failed nor finished: its record and checkpoints stay, and a coordinator started
                // on the same state directory resumes it (an in-memory coordinator forgets it anyway).
                log.info("event=job_suspended job={} state={} detail=\"the coordinator is shutting down\"", id, state);
                return;
            }
            log.warn("event=job_failed job={} cause={} detail=\"{}\"", id, e.cause, e.getMessage());
            abort(e.getMessage());
            deleteCheckpoints();
            finish(cancelled ? JobState.CANCELLED : JobState.FAILED, e.getMessage());
        } catch (RuntimeException e) {
            log.warn("event=job_failed job={} cause=internal_error detail=\"{}\"", id, e.toString(), e);
            abort(e.toString());
            finish(JobState.FAILED, "internal error in the coordinator: " + e);
        }
    }

    private void execute() throws JobFailedException {
        if (restored != null) {
            awaitRejoin();
        }
        // Placed before the restart: every agent loads again and restores the checkpoint.
        boolean resuming = restored != null && partitionCount > 0;
        int partitions;
        LoadDone anyLoad = null;
        long loadMs = 0;
        if (resuming) {
            partitions = partitionCount;
        } else {
            List<AgentView> agents = awaitAgents();
            partitions = job.partitions() > 0 ? job.partitions() : agents.size() * partitionsPerAgent;
            partitionCount = partitions;
            setState(JobState.LOADING, "loading " + job.describe() + " on " + agents.size() + " agents, " + partitions
                    + " partitions");
            long loadStart = System.nanoTime();
            while (anyLoad == null) {
                try {
                    anyLoad = load(Placement.roundRobin(agents, partitions), Set.of());
                } catch (AgentLostException lost) {
                    countRecovery(lost);
                    agents = awaitAgents();
                }
            }
            loadMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - loadStart);
        }

        VertexProgram shape = Kernels.programShape(job.algorithm(), job.parameters());
        maxSupersteps = shape.maxSupersteps() == Integer.MAX_VALUE ? 0 : shape.maxSupersteps();
        int aggregatorCount = shape.aggregators().length;
        Aggregators aggregators = new Aggregators(shape.aggregators(), partitions);
        long computeStart = System.nanoTime();
        long totalMessages = 0;
        long totalBytes = 0;
        int step = 0;
        if (resuming) {
            CheckpointState last = checkpointed;
            step = recover(new AgentLostException("coordinator", RESTARTED, "the coordinator restarted"), partitions,
                    aggregators, shape, superstep + 1);
            anyLoad = loadFacts;
            log.info("event=job_resumed cause={} job={} resume_superstep={} checkpoint_superstep={} epoch={} agents={}"
                    + " recoveries={}", RESTARTED, id, step, last == null ? -1 : last.superstep(), jobEpoch,
                    participants.size(), recoveries);
            for (JobListener listener : listeners) {
                listener.resumedAfterRestart(id, step);
            }
        } else {
            setState(JobState.RUNNING, "running " + job.describe());
        }
        long vertices;
        long outputStart = 0;
        while (true) {
            try {
                boolean halted = false;
                // True when the previous Exchange carried this step's start (then_start).
                boolean started = false;
                while (step < shape.maxSupersteps() && !halted) {
                    long stepStart = System.nanoTime();
                    if (!started) {
                        broadcast(Command.newBuilder().setStartSuperstep(start(step, aggregators)));
                    }
                    Map<String, Report> computed = collect(Report.KindCase.SUPERSTEP_DONE, step);
                    long computedAt = System.nanoTime();
                    SuperstepStats stats = SuperstepStats.ZERO;
                    double[][] partials = new double[partitions][aggregatorCount];
                    for (Report r : computed.values()) {
                        SuperstepDone d = r.getSuperstepDone();
                        stats = stats.plus(new SuperstepStats(d.getComputedVertices(), d.getActiveVertices(), d.getMessagesSent(),
                                d.getBroadcastEdges(), d.getBroadcastersWithOutEdges()));
                        for (PartitionAggregates pa : d.getPartialsList()) {
                            for (int i = 0; i < aggregatorCount; i++) {
                                partials[pa.getPartitionId()][i] = pa.getValues(i);
                            }
                        }
                    }
                    aggregators.reduce((p, i) -> partials[p][i]);
                    Delivery delivery = Delivery.decide(stats, anyLoad.getEdgeSlots(), anyLoad.getVerticesWithOutEdges());
                    // What follows the exchange is known now: halt, checkpoint, or the next step.
                    int next = step + 1;
                    boolean haltNext = delivery.quiescent(stats) || aggregators.runMaster(shape.master(), next, stats.stillActive());
                    boolean checkpointNext = !haltNext && next < shape.maxSupersteps() && job.checkpointEvery() > 0
                            && next % job.checkpointEvery() == 0;
                    started = !haltNext && !checkpointNext && next < shape.maxSupersteps() && participantsSpeak(
                            ProtocolVersion.EXCHANGE_THEN_START);
                    Exchange.Builder exchange = Exchange.newBuilder().setSuperstep(step)
                            .setPushBroadcasts(delivery.pushBroadcasts(stats)).setPull(delivery.pull())
                            .setPullFromAll(delivery.pullFromAll())
                            .setCompactBroadcasts(participantsSpeak(ProtocolVersion.COMPACT_BROADCASTS))
                            .setEarlyBroadcasts(participantsSpeak(ProtocolVersion.EARLY_BROADCASTS));
                    if (started) {
                        exchange.setThenStart(start(next, aggregators));
                    }
                    broadcast(Command.newBuilder().setExchange(exchange));
                    long exchangeSent = System.nanoTime();
                    Map<String, Report> exchanged = collect(Report.KindCase.EXCHANGE_DONE, step);
                    if (timing.isDebugEnabled()) {
                        logBarriers(step, stepStart, computedAt, exchangeSent, computed, exchanged);
                    }
                    long bytes = exchanged.values().stream().mapToLong(r -> r.getExchangeDone().getBytesSent()).sum();
                    totalMessages += stats.sent();
                    totalBytes += bytes;
                    superstep = step;
                    long stepMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stepStart);
                    publish(progress(stats.stillActive(), stats.sent(), bytes, stepMs));
                    for (JobListener listener : listeners) {
                        listener.superstepDone(id, step, stepMs, stats.sent(), bytes);
                    }
                    log.info("event=superstep_done job={} superstep={} computed={} active={} messages={} bytes={} pull={}",
                            id, step, stats.computed(), stats.stillActive(), stats.sent(), bytes, delivery.pull());
                    step = next;
                    halted = haltNext;
                    if (checkpointNext) {
                        checkpointed = checkpoint(step - 1, aggregators, delivery, checkpointed);
                    }
                }
                outputStart = System.nanoTime();
                setState(JobState.WRITING_OUTPUT, "writing " + job.output());
                OutputAssembler output = new OutputAssembler(partitions);
                broadcast(Command.newBuilder().setWriteOutput(WriteOutput.newBuilder().setPartDirectory("")));
                vertices = collectOutput(output);
                try {
                    output.writeTo(job.output());
                } catch (IOException e) {
                    throw new JobFailedException("output_failed", "cannot write " + job.output() + ": " + e.getMessage());
                }
                break;
            } catch (AgentLostException lost) {
                step = recover(lost, partitions, aggregators, shape, step);
            }
        }
        long end = System.nanoTime();
        // The supersteps (with checkpoints and recoveries) apart from gathering and writing the output.
        long computeMs = TimeUnit.NANOSECONDS.toMillis(outputStart - computeStart);
        long outputMs = TimeUnit.NANOSECONDS.toMillis(end - outputStart);
        broadcast(Command.newBuilder().setRelease(Release.getDefaultInstance()));
        summary = JobSummary.newBuilder().setOutputPath(job.output().toString()).setVertices(vertices)
                .setEdges(anyLoad.getEdges()).setSupersteps(superstep + 1).setTotalTimeMs(elapsedMs()).setLoadTimeMs(loadMs)
                .setComputeTimeMs(computeMs).setOutputTimeMs(outputMs).setRecoveries(recoveries).setBytesExchanged(totalBytes).setMessages(totalMessages)
                .setAgents(participants.size()).setPartitions(partitions).build();
        // Recorded as done before its checkpoints go: a restart in between shows the job SUCCEEDED
        // rather than resuming it from a checkpoint that no longer exists.
        journal.save(snapshot().toBuilder().setState(JobState.SUCCEEDED).build());
        deleteCheckpoints();
        finish(JobState.SUCCEEDED, "done: " + vertices + " vertices written to " + job.output()
                + (recoveries > 0 ? " after " + recoveries + " recover" + (recoveries == 1 ? "y" : "ies") : ""));
    }

    /**
     * Places the partitions and has every agent of the placement that does not hold the job
     * yet load it ({@code loaded}: those that do). Returns one of the LoadDone reports.
     */
    private LoadDone load(Placement placement, Set<String> loaded) throws JobFailedException {
        this.placement = placement;
        participants = placement.agents().stream().map(AgentView::agentId).toList();
        partitionTable.place(placement);
        KernelParameters params = KernelParameters.newBuilder().setSourceVertex(job.parameters().sourceVertex())
                .setIterations(job.parameters().iterations()).setDamping(job.parameters().damping()).build();
        Map<String, List<Integer>> byAgent = placement.partitionsByAgent();
        List<String> loading = participants.stream().filter(a -> !loaded.contains(a)).toList();
        for (String agent : loading) {
            send(agent, Command.newBuilder().setLoadPartitions(LoadPartitions.newBuilder()
                    .setAlgorithm(io.graphagent.protocol.v1.Algorithm.valueOf(job.algorithm().name()))
                    .setInput(job.input()).setParameters(params).setPartitions(placement.partitions())
                    .addAllPartitionIds(byAgent.get(agent)).setPartitionMap(placement.toProto())));
        }
        Map<String, Report> loads = collect(Report.KindCase.LOAD_DONE, -1, loading);
        loads.values().forEach(r -> partitionTable.loaded(r.getLoadDone()));
        if (!loads.isEmpty()) {
            loadFacts = loads.values().iterator().next().getLoadDone();
        }
        return loads.isEmpty() ? null : loads.values().iterator().next().getLoadDone();
    }

    /**
     * What a complete checkpoint holds on the coordinator's side.
     *
     * @param directory the Checkpoint.directory sent: absolute (shared) or job-relative (peer copy)
     * @param holders who holds each partition's file (peer copy); null with a shared directory
     */
    private record CheckpointState(int superstep, String directory, double[] aggregates, Delivery delivery,
                                   CheckpointHolders holders) {
        CheckpointState withHolders(CheckpointHolders h) {
            return new CheckpointState(superstep, directory, aggregates, delivery, h);
        }

        /** For the job's record ({@link #snapshot}), holders included, so a restarted coordinator can restore peer copies. */
        StoredCheckpoint toProto() {
            StoredCheckpoint.Builder p = StoredCheckpoint.newBuilder().setSuperstep(superstep).setDirectory(directory)
                    .setPull(delivery.pull()).setPullFromAll(delivery.pullFromAll()).setPeerCopy(holders != null);
            for (double v : aggregates) {
                p.addAggregates(v);
            }
            if (holders != null) {
                holders.asMap().forEach((partition, agents) -> p.addHolders(
                        StoredHolders.newBuilder().setPartitionId(partition).addAllAgentIds(agents)));
            }
            return p.build();
        }

        static CheckpointState fromProto(StoredCheckpoint p) {
            CheckpointHolders holders = null;
            if (p.getPeerCopy()) {
                Map<Integer, List<String>> recorded = new java.util.TreeMap<>();
                for (StoredHolders h : p.getHoldersList()) {
                    recorded.put(h.getPartitionId(), h.getAgentIdsList());
                }
                holders = CheckpointHolders.of(recorded);
            }
            return new CheckpointState(p.getSuperstep(), p.getDirectory(),
                    p.getAggregatesList().stream().mapToDouble(Double::doubleValue).toArray(),
                    new Delivery(p.getPull(), p.getPullFromAll()), holders);
        }
    }

    private boolean peerCopy() {
        return storage == CheckpointStorage.PEER_COPY;
    }

    /** Data address of each agent of the placement, by id. */
    private Map<String, String> dataAddresses() {
        Map<String, String> addresses = new java.util.TreeMap<>();
        for (AgentView a : placement.agents()) {
            addresses.put(a.agentId(), a.dataAddress());
        }
        return addresses;
    }

    /**
     * Has every agent write its partitions after superstep {@code step}; the checkpoint counts
     * only once every agent reported it written (and, with peer copies, copied to the next agent
     * in the ring). A failed write or copy keeps the previous checkpoint and the job carries on
     * (logged): a lost agent then costs more supersteps, never a result.
     */
    private CheckpointState checkpoint(int step, Aggregators aggregators, Delivery delivery, CheckpointState previous)
            throws JobFailedException {
        long t0 = System.nanoTime();
        java.nio.file.Path dir = checkpointRoot.resolve(id).resolve("step-" + step);
        String directory = peerCopy() ? id + "/step-" + step : dir.toString();
        Map<String, String> copyHolders = new HashMap<>();
        if (peerCopy()) {
            Map<String, String> addresses = dataAddresses();
            for (String agent : participants) {
                io.graphagent.protocol.v1.Checkpoint.Builder c = io.graphagent.protocol.v1.Checkpoint.newBuilder()
                        .setSuperstep(step).setDirectory(directory);
                if (previous != null) {
                    c.setRetainedSuperstep(previous.superstep());
                }
                String holder = CheckpointHolders.copyHolder(agent, participants);
                if (holder != null) {
                    c.setReplicaAddress(addresses.get(holder));
                    copyHolders.put(agent, holder);
                }
                send(agent, Command.newBuilder().setCheckpoint(c));
            }
        } else {
            broadcast(Command.newBuilder().setCheckpoint(io.graphagent.protocol.v1.Checkpoint.newBuilder()
                    .setSuperstep(step).setDirectory(directory)));
        }
        Map<String, Report> done = new HashMap<>();
        List<String> failed = new java.util.ArrayList<>();
        long deadline = System.nanoTime() + PHASE_TIMEOUT.toNanos();
        while (done.size() + failed.size() < participants.size()) {
            Object event = poll(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            if (event == null) {
                if (System.nanoTime() >= deadline) {
                    throw new JobFailedException("phase_timeout", "checkpoint of superstep " + step + " not reported within "
                            + PHASE_TIMEOUT.toMinutes() + " min");
                }
                continue;
            }
            if (event instanceof Incoming in && participants.contains(in.agentId()) && in.report().getJobEpoch() == jobEpoch) {
                Report r = in.report();
                if (r.getKindCase() == Report.KindCase.CHECKPOINT_DONE && r.getCheckpointDone().getSuperstep() == step
                        && copyHolders.containsKey(in.agentId()) && !r.getCheckpointDone().getReplicated()) {
                    failed.add(in.agentId() + ": wrote its partitions but reported no copy on " + copyHolders.get(in.agentId())
                            + " (an agent without peer-copy support? upgrade it)");
                } else if (r.getKindCase() == Report.KindCase.CHECKPOINT_DONE && r.getCheckpointDone().getSuperstep() == step) {
                    done.put(in.agentId(), r);
                } else if (r.getKindCase() == Report.KindCase.FAILURE
                        && r.getFailure().getKind() == io.graphagent.protocol.v1.FailureKind.CHECKPOINT_FAILED) {
                    failed.add(in.agentId() + ": " + r.getFailure().getMessage());
                } else if (r.getKindCase() == Report.KindCase.FAILURE) {
                    failure(in.agentId(), r);
                }
            }
        }
        if (!failed.isEmpty()) {
            log.warn("event=checkpoint_failed cause=checkpoint_failed job={} superstep={} storage={} policy=carry_on"
                    + " detail=\"{}\"", id, step, storage.configName(), String.join("; ", failed));
            if (!peerCopy()) {
                // Peer copies: each agent deletes its partial files before its next checkpoint, or at the job's end.
                deleteTree(dir);
            }
            return previous;
        }
        long bytes = done.values().stream().mapToLong(r -> r.getCheckpointDone().getBytes()).sum();
        long checkpointMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        log.info("event=checkpoint_complete job={} superstep={} storage={} bytes={} copies={} ms={}", id, step,
                storage.configName(), bytes, copyHolders.size(), checkpointMs);
        for (JobListener listener : listeners) {
            listener.checkpointDone(id, step, checkpointMs, bytes);
        }
        lastCheckpoint = step;
        CheckpointState complete = new CheckpointState(step, directory, aggregators.values().clone(), delivery,
                peerCopy() ? CheckpointHolders.written(placement, copyHolders) : null);
        // On disk before the previous checkpoint goes: a restarted coordinator always finds the one its record names.
        checkpointed = complete;
        journal.save(snapshot());
        if (previous != null && !peerCopy()) {
            deleteTree(java.nio.file.Path.of(previous.directory()));
        }
        return complete;
    }

    /**
     * Rolls the job back after losing an agent: a new job epoch (reports and batches of the old
     * one are refused), the partitions dealt again over the ALIVE agents, each agent restoring
     * the last complete checkpoint (or starting again from superstep 0 without one). Returns
     * the superstep to go on with.
     */
    private int recover(AgentLostException lost, int partitions, Aggregators aggregators, VertexProgram shape, int reached)
            throws JobFailedException {
        while (true) {
            countRecovery(lost);
            long t0 = System.nanoTime();
            if (checkpointed != null && checkpointed.holders() != null) {
                checkpointed = checkpointed.withHolders(checkpointed.holders().without(lost.agent));
            }
            CheckpointState last = checkpointed;
            int resumeAt = last == null ? 0 : last.superstep() + 1;
            setState(JobState.RECOVERING, "lost agent " + lost.agent + " (" + lost.cause + "): rolling back to "
                    + (last == null ? "the start" : "the checkpoint of superstep " + last.superstep()) + ", epoch " + (jobEpoch + 1));
            jobEpoch++;
            Set<String> loaded = new java.util.HashSet<>(participants);
            loaded.remove(lost.agent);
            try {
                List<AgentView> agents = awaitAgents();
                Placement placement = this.placement == null ? Placement.roundRobin(agents, partitions)
                        : Placement.keepingSurvivors(this.placement, agents);
                load(placement, loaded);
                Map<String, List<Integer>> byAgent = placement.partitionsByAgent();
                Map<String, Map<Integer, String>> fetches = last == null || last.holders() == null ? Map.of()
                        : fetchPlan(last, byAgent);
                if (last != null && last.holders() != null && fetches == null) {
                    // Every holder of some file is lost: that checkpoint is gone; start again from superstep 0.
                    checkpointed = null;
                    lastCheckpoint = -1;
                    last = null;
                    fetches = Map.of();
                    resumeAt = 0;
                }
                for (String agent : participants) {
                    io.graphagent.protocol.v1.Restore.Builder restore = io.graphagent.protocol.v1.Restore.newBuilder()
                            .addAllPartitionIds(byAgent.get(agent)).setPartitionMap(placement.toProto());
                    if (last == null) {
                        restore.setFromScratch(true);
                    } else {
                        restore.setSuperstep(last.superstep()).setDirectory(last.directory())
                                .setPull(last.delivery().pull()).setPullFromAll(last.delivery().pullFromAll())
                                .putAllReplicaAddresses(fetches.getOrDefault(agent, Map.of()));
                    }
                    send(agent, Command.newBuilder().setRestore(restore));
                }
                collect(Report.KindCase.RESTORE_DONE, -1);
                if (last != null && last.holders() != null) {
                    // Restored agents hold what they fetched: the checkpoint survives more losses before the next one.
                    CheckpointHolders holders = last.holders();
                    for (Map.Entry<String, Map<Integer, String>> f : fetches.entrySet()) {
                        holders = holders.with(f.getKey(), f.getValue().keySet());
                    }
                    checkpointed = last.withHolders(holders);
                }
            } catch (AgentLostException again) {
                lost = again;
                continue;
            }
            double[] values = aggregators.values();
            if (last == null) {
                Aggregators fresh = new Aggregators(shape.aggregators(), partitions);
                System.arraycopy(fresh.values(), 0, values, 0, values.length);
            } else {
                System.arraycopy(last.aggregates(), 0, values, 0, values.length);
            }
            long recoveryMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            log.info("event=job_recovered job={} epoch={} resume_superstep={} agents={} recovery_ms={}", id, jobEpoch, resumeAt,
                    participants.size(), recoveryMs);
            for (JobListener listener : listeners) {
                listener.recovered(id, resumeAt, Math.max(0, reached - resumeAt), recoveryMs);
            }
            setState(JobState.RUNNING, "running " + job.describe() + " (resumed at superstep " + resumeAt + " after losing "
                    + lost.agent + ")");
            return resumeAt;
        }
    }

    /**
     * Which files each participant fetches from whom to restore {@code last} (peer copies):
     * its own partitions, and every partition when the next superstep pulls broadcasts, minus
     * what it holds. Null when no live agent holds some file (logged).
     */
    private Map<String, Map<Integer, String>> fetchPlan(CheckpointState last, Map<String, List<Integer>> byAgent) {
        Map<String, String> live = dataAddresses();
        List<Integer> all = java.util.stream.IntStream.range(0, placement.partitions()).boxed().toList();
        Map<String, Map<Integer, String>> plan = new java.util.TreeMap<>();
        for (String agent : participants) {
            try {
                Map<Integer, String> sources = last.holders().sources(agent,
                        last.delivery().pull() ? all : byAgent.get(agent), live);
                plan.put(agent, sources);
                if (!sources.isEmpty()) {
                    log.info("event=checkpoint_fetch_planned job={} superstep={} agent={} partitions={}", id,
                            last.superstep(), agent, sources.keySet());
                }
            } catch (CheckpointHolders.LostCheckpointException e) {
                log.warn("event=checkpoint_lost cause=holders_lost job={} superstep={} partition={} policy=restart_from_scratch"
                        + " detail=\"{}\"", id, last.superstep(), e.partition, e.getMessage());
                return null;
            }
        }
        return plan;
    }

    private void countRecovery(AgentLostException lost) throws JobFailedException {
        recoveries++;
        log.warn("event=agent_lost job={} agent={} cause={} recoveries={} detail=\"{}\"", id, lost.agent, lost.cause, recoveries,
                lost.getMessage());
        if (recoveries > MAX_RECOVERIES) {
            throw new JobFailedException(lost.cause, "gave up after " + MAX_RECOVERIES + " recoveries; last: " + lost.getMessage());
        }
    }

    private void deleteCheckpoints() {
        deleteTree(checkpointRoot.resolve(id));
    }

    private static void deleteTree(java.nio.file.Path dir) {
        if (!java.nio.file.Files.exists(dir)) {
            return;
        }
        try (java.util.stream.Stream<java.nio.file.Path> paths = java.nio.file.Files.walk(dir)) {
            for (java.nio.file.Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                java.nio.file.Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            log.warn("event=checkpoint_cleanup_failed dir={} detail=\"{}\"", dir, e.getMessage());
        }
    }

    /**
     * The ALIVE agents, once there are at least {@code job.min-agents}; waits up to
     * {@code job.agent-wait} for more to join, then fails the job (nothing is written then).
     */
    private List<AgentView> awaitAgents() throws JobFailedException {
        long deadline = System.nanoTime() + agentWait.toNanos();
        while (true) {
            List<AgentView> alive = directory.alive();
            if (alive.size() >= minAgents) {
                return alive;
            }
            if (cancelled) {
                throw new JobFailedException("cancelled", "cancelled while waiting for agents");
            }
            if (System.nanoTime() > deadline) {
                String waited = io.graphagent.config.DurationFormat.format(agentWait);
                if (alive.isEmpty() && minAgents == 1) {
                    throw new JobFailedException("no_agents", "no agent is ALIVE after " + waited
                            + " (job.agent-wait): start agents with `graphagent agent --coordinator HOST:PORT` (or `graphagent local`)");
                }
                throw new JobFailedException("too_few_agents", alive.size() + " agent" + (alive.size() == 1 ? " is" : "s are")
                        + " ALIVE but the job needs at least " + minAgents + " (job.min-agents), and no more joined within "
                        + waited + " (job.agent-wait): start more agents, or lower job.min-agents");
            }
            poll(Duration.ofMillis(200));
        }
    }

    /**
     * After a coordinator restart: waits until the agents the job ran on are ALIVE again, or the
     * rejoin window passed and at least one is; fails the job (no_agents) when none came back.
     */
    private void awaitRejoin() throws JobFailedException {
        java.util.Set<String> expected = new java.util.TreeSet<>(restored.getParticipantsList());
        while (true) {
            java.util.Set<String> alive = new java.util.TreeSet<>();
            directory.alive().forEach(a -> alive.add(a.agentId()));
            switch (rejoin.verdict(expected, alive, clock.instant())) {
                case PLACE -> {
                    log.info("event=agents_rejoined job={} alive={} expected={}", id, alive, expected);
                    return;
                }
                case GIVE_UP -> throw new JobFailedException("no_agents", "no agent rejoined within "
                        + rejoin.giveUpAfter().toSeconds() + " s of the coordinator restart (expected "
                        + (expected.isEmpty() ? "any" : String.join(", ", expected)) + "): start the agents with"
                        + " `graphagent agent --coordinator HOST:PORT`, then submit the job again");
                case WAIT -> poll(Duration.ofMillis(200));
            }
        }
    }

    /** Waits for one report of {@code kind} (for superstep {@code step} when >= 0) from every participant. */
    private static StartSuperstep.Builder start(int step, Aggregators aggregators) {
        StartSuperstep.Builder start = StartSuperstep.newBuilder().setSuperstep(step);
        for (double v : aggregators.values()) {
            start.addAggregateValues(v);
        }
        return start;
    }

    /** Whether every agent of the placement speaks at least {@code version}. */
    private boolean participantsSpeak(int version) {
        return placement.agents().stream().allMatch(a -> a.protocolVersion() >= version);
    }

    /**
     * One line per superstep on {@code graphagent.timing} at DEBUG: each barrier's wall time
     * (command sent to the last report in) beside the slowest agent's own time for the phase;
     * the difference is what the round trip and the barrier cost.
     */
    private void logBarriers(int step, long stepStart, long computedAt, long exchangeSent, Map<String, Report> computed,
                             Map<String, Report> exchanged) {
        long now = System.nanoTime();
        long computeMax = computed.values().stream().mapToLong(r -> r.getSuperstepDone().getComputeTimeMs()).max().orElse(0);
        long exchangeMax = exchanged.values().stream().mapToLong(r -> r.getExchangeDone().getExchangeTimeMs()).max().orElse(0);
        timing.debug("event=superstep_barrier job={} superstep={} compute_phase_ms={} agent_compute_max_ms={} decide_ms={}"
                        + " exchange_phase_ms={} agent_exchange_max_ms={} step_ms={}", id, step,
                ms(computedAt - stepStart), computeMax, ms(exchangeSent - computedAt), ms(now - exchangeSent), exchangeMax,
                ms(now - stepStart));
    }

    private static String ms(long nanos) {
        return String.format(java.util.Locale.ROOT, "%.1f", nanos / 1e6);
    }

    private Map<String, Report> collect(Report.KindCase kind, int step) throws JobFailedException {
        return collect(kind, step, participants);
    }

    /**
     * Waits for one report of {@code kind} from each of {@code from}. Reports of an older job
     * epoch are dropped. A peer that cannot be reached is a lost agent (recovery); any other
     * failure ends the job. SuperstepDone reports of a later step (an agent that started it
     * from {@code Exchange.then_start} while others still exchange) stay in the inbox.
     */
    private Map<String, Report> collect(Report.KindCase kind, int step, List<String> from) throws JobFailedException {
        Map<String, Report> got = new HashMap<>();
        List<Object> early = new java.util.ArrayList<>();
        try {
            collect(kind, step, from, got, early);
        } finally {
            for (int i = early.size() - 1; i >= 0; i--) {
                inbox.addFirst(early.get(i));
            }
        }
        return got;
    }

    private void collect(Report.KindCase kind, int step, List<String> from, Map<String, Report> got, List<Object> early)
            throws JobFailedException {
        long deadline = System.nanoTime() + PHASE_TIMEOUT.toNanos();
        while (got.size() < from.size()) {
            Object event = poll(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            if (event == null) {
                if (System.nanoTime() >= deadline) {
                    throw new JobFailedException("phase_timeout", kind + " not reported by " + missing(from, got.keySet())
                            + " within " + PHASE_TIMEOUT.toMinutes() + " min");
                }
                continue;
            }
            if (event instanceof Incoming in && from.contains(in.agentId()) && in.report().getJobEpoch() == jobEpoch) {
                Report r = in.report();
                if (r.getKindCase() == Report.KindCase.FAILURE) {
                    failure(in.agentId(), r);
                }
                if (r.getKindCase() == kind && (step < 0 || stepOf(r) == step)) {
                    got.put(in.agentId(), r);
                } else if (r.getKindCase() == Report.KindCase.SUPERSTEP_DONE && step >= 0 && stepOf(r) > step) {
                    early.add(event);
                }
            }
        }
    }

    private void failure(String agent, Report r) throws JobFailedException {
        io.graphagent.protocol.v1.Failure f = r.getFailure();
        String cause = f.getKind().name().toLowerCase(java.util.Locale.ROOT);
        if (f.getKind() == io.graphagent.protocol.v1.FailureKind.PEER_UNREACHABLE) {
            String peer = f.getMessage().replaceFirst("^exchange with peer (\\S+) failed:.*$", "$1");
            // The agent names the connection's DisconnectCause at the end: "... [cause=path_mtu_blackhole]".
            String why = f.getMessage().replaceFirst("(?s)^.*\\[cause=([a-z0-9_]+)\\]$", "$1");
            throw new AgentLostException(participants.contains(peer) ? peer : agent,
                    why.equals(f.getMessage()) ? "peer_unreachable" : why,
                    "agent " + agent + ": " + f.getMessage());
        }
        throw new JobFailedException(cause, "agent " + agent + ": " + f.getMessage());
    }

    private long collectOutput(OutputAssembler output) throws JobFailedException {
        long deadline = System.nanoTime() + PHASE_TIMEOUT.toNanos();
        long vertices = 0;
        Set<String> done = new java.util.HashSet<>();
        while (done.size() < participants.size() || !output.complete()) {
            Object event = poll(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            if (event == null) {
                if (System.nanoTime() >= deadline) {
                    throw new JobFailedException("phase_timeout", "output not complete within " + PHASE_TIMEOUT.toMinutes() + " min");
                }
                continue;
            }
            if (event instanceof Incoming in && participants.contains(in.agentId()) && in.report().getJobEpoch() == jobEpoch) {
                Report r = in.report();
                switch (r.getKindCase()) {
                    case OUTPUT_CHUNK -> output.add(r.getOutputChunk());
                    case OUTPUT_DONE -> {
                        if (done.add(in.agentId())) {
                            vertices += r.getOutputDone().getVertices();
                        }
                    }
                    case FAILURE -> failure(in.agentId(), r);
                    default -> { }
                }
            }
        }
        return vertices;
    }

    /** Next inbox event, or null after {@code wait}; fails the job on cancel or on losing a participant. */
    private Object poll(Duration wait) throws JobFailedException {
        Object event;
        try {
            event = inbox.poll(Math.min(wait.toMillis(), 1000), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JobFailedException(SHUTTING_DOWN, "the coordinator is shutting down");
        }
        if (cancelled) {
            throw new JobFailedException("cancelled", "cancelled by the user");
        }
        if (event instanceof AgentChange change && participants.contains(change.agentId())
                && (change.to() == AgentState.DEAD || change.to() == AgentState.LEFT)) {
            throw new AgentLostException(change.agentId(), change.cause(), "agent " + change.agentId() + " became "
                    + change.to() + " (cause " + change.cause() + ") during the job");
        }
        if (event instanceof AgentChange change && change.to() == AgentState.ALIVE && change.cause().equals(RESUMED)) {
            resend(change.agentId());
        }
        return event;
    }

    /**
     * The agent's session resumed: the command or its reports may have been lost with the old
     * stream, so the last command goes again with its own id. An agent that has it already
     * answers by sending its reports again; the collectors keep one report per agent and phase.
     */
    private void resend(String agent) {
        Command c = lastSent.get(agent);
        if (c != null && c.getJobEpoch() == jobEpoch && participants.contains(agent)) {
            log.info("event=command_resent job={} agent={} command={} kind={} detail=\"session resumed\"", id, agent,
                    c.getCommandId(), c.getKindCase());
            directory.send(agent, c);
        }
    }

    private static int stepOf(Report r) {
        return switch (r.getKindCase()) {
            case SUPERSTEP_DONE -> r.getSuperstepDone().getSuperstep();
            case EXCHANGE_DONE -> r.getExchangeDone().getSuperstep();
            case CHECKPOINT_DONE -> r.getCheckpointDone().getSuperstep();
            default -> -1;
        };
    }

    private static String missing(List<String> from, java.util.Set<String> got) {
        return from.stream().filter(a -> !got.contains(a)).toList().toString();
    }

    private void broadcast(Command.Builder command) throws JobFailedException {
        for (String agent : participants) {
            send(agent, command);
        }
    }

    /**
     * Sends a command; when the agent's stream is broken, keeps trying for one lease (an agent
     * that resumes within it keeps its session) and fails the job after that.
     */
    private void send(String agent, Command.Builder command) throws JobFailedException {
        Command c = command.setCommandId(commandIds.incrementAndGet()).setJobId(id).setJobEpoch(jobEpoch).build();
        lastSent.put(agent, c);
        long deadline = System.nanoTime() + resumeWindow.toNanos();
        List<Object> seen = new java.util.ArrayList<>();
        try {
            while (!directory.send(agent, c)) {
                if (System.nanoTime() > deadline) {
                    throw new AgentLostException(agent, "stream_broken", "agent " + agent + " has had no open session for "
                            + resumeWindow.toMillis() + " ms (" + c.getKindCase() + " not delivered)");
                }
                Object event = poll(Duration.ofMillis(50));
                if (event != null) {
                    seen.add(event);
                }
            }
        } finally {
            // Back at the head, in their order: output chunks must stay in sequence.
            for (int i = seen.size() - 1; i >= 0; i--) {
                inbox.addFirst(seen.get(i));
            }
        }
    }

    private void abort(String reason) {
        for (String agent : participants) {
            directory.send(agent, Command.newBuilder().setCommandId(commandIds.incrementAndGet()).setJobId(id).setJobEpoch(jobEpoch)
                    .setAbort(io.graphagent.protocol.v1.Abort.newBuilder().setReason(reason)).build());
        }
    }

    private void setState(JobState next, String text) {
        state = next;
        message = text;
        journal.save(snapshot());
        log.info("event=job_state job={} state={} detail=\"{}\"", id, next, text);
        for (JobListener listener : listeners) {
            listener.stateChanged(id, next, text);
        }
        publish(progress(0, 0, 0, 0));
    }

    private void finish(JobState end, String text) {
        synchronized (watchers) {
            setState(end, text);
            for (StreamObserver<JobProgress> w : watchers) {
                try {
                    w.onCompleted();
                } catch (RuntimeException e) {
                    log.debug("event=watcher_gone job={} detail=\"{}\"", id, e.toString());
                }
            }
            watchers.clear();
        }
    }

    private void publish(JobProgress progress) {
        synchronized (watchers) {
            for (java.util.Iterator<StreamObserver<JobProgress>> it = watchers.iterator(); it.hasNext(); ) {
                StreamObserver<JobProgress> w = it.next();
                try {
                    w.onNext(progress);
                } catch (RuntimeException e) {
                    log.debug("event=watcher_gone job={} detail=\"{}\"", id, e.toString());
                    it.remove();
                }
            }
        }
    }

    private JobProgress progress(long active, long messages, long bytes, long stepMs) {
        JobProgress.Builder p = JobProgress.newBuilder().setJobId(id).setState(state).setSuperstep(superstep)
                .setActiveVertices(active).setMessages(messages).setBytesExchanged(bytes).setSuperstepTimeMs(stepMs)
                .setElapsedMs(elapsedMs()).setMessage(message);
        if (summary != null) {
            p.setSummary(summary);
        }
        return p.build();
    }

    private long elapsedMs() {
        return startedNanos == 0 ? 0 : TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
    }

    private record Incoming(String agentId, Report report) {
    }

    private record AgentChange(String agentId, AgentState to, String cause) {
    }

    /** A participant was lost (DEAD, LEFT, unreachable): the job rolls back rather than fails. */
    static final class AgentLostException extends JobFailedException {
        final String agent;

        AgentLostException(String agent, String cause, String message) {
            super(cause, message);
            this.agent = agent;
        }
    }

    /** Ends the job; {@code cause} is a DisconnectCause label or a job word. */
    static class JobFailedException extends Exception {
        final String cause;

        JobFailedException(String cause, String message) {
            super(message);
            this.cause = cause;
        }
    }
}
