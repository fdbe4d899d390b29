package io.graphagent.agent.job;

import io.graphagent.agent.checkpoint.LocalCheckpoints;
import io.graphagent.agent.checkpoint.ReplicaCounters;
import io.graphagent.agent.dataplane.DataPlaneService;
import io.graphagent.agent.program.JobPrograms;
import io.graphagent.agent.program.ProgramCache;
import io.graphagent.agent.query.QueryWorkers;
import io.graphagent.agent.query.ShardService;
import io.graphagent.agent.resident.ResidentCommands;
import io.graphagent.agent.resident.ResidentStore;
import io.graphagent.agent.session.AgentIdentity;
import io.graphagent.agent.session.CoordinatorLink;
import io.graphagent.config.GraphagentConfig;
import io.graphagent.config.HostPort;
import io.graphagent.config.JobPaths;
import io.graphagent.graph.partition.GraphShare;
import io.graphagent.net.cause.CauseCounter;
import io.graphagent.net.time.Ticker;
import io.graphagent.net.tls.NetworkThreads;
import io.graphagent.net.tls.Servers;
import io.graphagent.net.tls.TlsFilesException;
import io.graphagent.net.tls.TransportSecurity;
import io.graphagent.protocol.v1.Command;
import io.graphagent.protocol.v1.Failure;
import io.graphagent.protocol.v1.FailureKind;
import io.graphagent.protocol.v1.Report;
import io.grpc.Server;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job layer of an agent: runs the coordinator's commands for every job this agent takes
 * part in, and serves the data plane where peers send message batches. It orchestrates: each
 * command is one step class's ({@link LoadSteps}, {@link RebuildStep}, {@link AttachStep},
 * {@link SuperstepSteps}, {@link CheckpointStep}, {@link RestoreStep}); a job's state is put
 * together by {@link JobAssembly}, reports go through {@link Answers} (a command that threw:
 * {@link CommandFailures}), peers are dialled through {@link PeerChannels}.
 *
 * <p>Threads: commands run one at a time, in order, on the {@code agent-job} thread (so the
 * session's threads never block on compute); compute runs on {@code graph-compute-N}
 * threads, one per core; a checkpoint's files are written on the {@code checkpoint-writer}
 * thread while the next supersteps run ({@link CheckpointWriter}); the data plane on its own
 * network threads.
 */
public final class AgentJobs implements CommandHandler {
    private static final Logger log = LoggerFactory.getLogger(AgentJobs.class);

    /**
     * HTTP/2 flow-control window of the data plane, per stream and connection, bytes. gRPC's
     * 1 MiB default holds a sender to about one batch in flight, so a superstep's few MiB
     * wait on a window update (a thread hop on each side) every batch; 16 MiB lets a
     * superstep's batches stream back to back. It bounds what a receiver buffers per sender.
     */
    static final int DATA_WINDOW_BYTES = 16 << 20;

    /** Bound on one superstep's exchange with one peer; a peer slower than this fails the job. */
    static final Duration EXCHANGE_TIMEOUT = Duration.ofMinutes(5);

    private final NetworkThreads network;
    private final Server dataServer;
    private final String dataAddress;
    private final ExecutorService commands;
    private final ExecutorService compute;
    private final Map<String, AgentJob> jobs = new ConcurrentHashMap<>();
    /**
     * Jobs this agent has held in this life and not been told to drop (Abort, Release): their
     * checkpoint files in the work directory are this life's, kept when the job loads again
     * even though its share was released for the reload (or the reload failed).
     */
    private final Set<String> heldInThisLife = ConcurrentHashMap.newKeySet();
    private final PeerChannels channels;
    /** Data address of every peer of the jobs held, by agent id (for Failure.peer_address). */
    private final Map<String, String> dataAddresses = new ConcurrentHashMap<>();
    private final CauseCounter handshakeFailures = new CauseCounter();
    private final ReplyLog replies = new ReplyLog();
    private final Answers answers;
    /** How a command that threw is answered (and, out of heap, its job dropped). */
    private final CommandFailures failures;
    /** Checkpoints kept in agent.work-dir (job.checkpoint-storage: peer-copy): own files and peers' copies. */
    private final PeerCheckpoints peerCheckpoints;
    /** Structure files of the jobs' partitions, written beside the checkpoints and read by a recovery. */
    private final PartitionStructures structures;
    /** The steps of a partitioned load, and the rebuild from structure files that a recovery uses instead. */
    private final LoadSteps loadSteps;
    private final RebuildStep rebuildStep;
    private final AttachStep attachStep;
    private final SuperstepSteps superstepSteps;
    private final CheckpointStep checkpointStep;
    /** Writes checkpoints beside the next supersteps, one at a time. */
    private final CheckpointWriter checkpointWriter = new CheckpointWriter();
    private final RestoreStep restoreStep;
    /** Resident graphs held for queries and later jobs, and the orders about them. */
    private final ResidentStore residents = new ResidentStore();
    /** The user programs of this agent's jobs, each in its job's class loader. */
    private final JobPrograms programs;
    private final ResidentCommands residentCommands;
    /** The threads that answer queries (Shard service), bounded by query.agent-max-in-flight. */
    private final QueryWorkers queryWorkers;
    /** Set by {@link #close()}: the network threads end then, which is not a break. */
    private volatile boolean closed;

    /**
     * @param clock the agent's clock (time of loads, checkpoints, rebuilds; a simulation drives it)
     * @param ticker the agent's monotonic time: deadlines of exchanges, shuffles and checkpoint copies
     */
    private AgentJobs(GraphagentConfig config, TransportSecurity security, java.time.Clock clock, Ticker ticker)
            throws IOException, TlsFilesException {
        JobPaths paths = JobPaths.of(config);
        this.answers = new Answers(replies, config.session().leaseTtl(), dataAddresses, clock);
        this.failures = new CommandFailures(answers, jobId -> dropJobState(jobId, "out of memory"));
        String self = AgentIdentity.resolve(config, security);
        this.network = NetworkThreads.start("agent-data", 2);
        this.channels = new PeerChannels(config, security, network);
        this.programs = new JobPrograms(new ProgramCache(config.agent().workDir().resolve("programs"), EXCHANGE_TIMEOUT, clock));
        this.peerCheckpoints = new PeerCheckpoints(LocalCheckpoints.under(config.agent().workDir(), self), channels, ticker);
        this.residentCommands = new ResidentCommands(residents, channels::channel, EXCHANGE_TIMEOUT, clock);
        int cores = Runtime.getRuntime().availableProcessors();
        this.queryWorkers = new QueryWorkers(cores, config.query().agentMaxInFlight(), ticker);
        // A fixed pool starts its threads on first use: nothing runs yet if the data plane cannot bind.
        this.compute = Executors.newFixedThreadPool(cores, Thread.ofPlatform().name("graph-compute-", 0).daemon(true).factory());
        this.structures = new PartitionStructures(peerCheckpoints, compute, clock);
        JobAssembly assembly = new JobAssembly(jobs, heldInThisLife, programs, peerCheckpoints, dataAddresses, channels,
                compute, answers, ticker);
        this.loadSteps = new LoadSteps(config, paths, jobs, heldInThisLife, peerCheckpoints, structures, residents,
                programs, channels, answers, assembly, clock, ticker);
        this.rebuildStep = new RebuildStep(jobs, peerCheckpoints, structures, loadSteps, programs, channels, answers,
                assembly, clock);
        this.attachStep = new AttachStep(residents, channels, programs, assembly, answers, clock);
        this.superstepSteps = new SuperstepSteps(config, channels, answers);
        this.checkpointStep = new CheckpointStep(peerCheckpoints, structures, checkpointWriter, answers, clock);
        this.restoreStep = new RestoreStep(jobs, peerCheckpoints, structures, assembly, answers);
        HostPort listen = config.agent().dataListen();
        this.dataServer = Servers.forAddress(new InetSocketAddress(listen.host(), listen.port()), security,
                        config.tls().handshakeTimeout(), handshakeFailures, network)
                .addService(new DataPlaneService(jobs::get, peerCheckpoints.replicas(), loadSteps::edgeTarget,
                        loadSteps::idService))
                .addService(new ShardService(residents, queryWorkers, () -> self, ticker).definition())
                .maxInboundMessageSize((int) Math.min(Integer.MAX_VALUE, config.grpc().maxMessageSize()))
                .flowControlWindow(DATA_WINDOW_BYTES)
                // Peers ping a stalled exchange (grpc.keepalive-time): permit what config check allows.
                .permitKeepAliveTime(config.grpc().permitKeepaliveTime().toNanos(), TimeUnit.NANOSECONDS)
                // Filing a batch is a copy into arrays (a few ms per superstep at most): done on
                // the network thread that read it, rather than after a hop to another pool.
                .directExecutor()
                .build()
                .start();
        HostPort advertised = config.agent().dataAdvertise().orElse(listen);
        this.dataAddress = advertised.host() + ":" + (advertised.port() == 0 ? dataServer.getPort() : advertised.port());
        this.commands = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("agent-job").factory());
        log.info("event=data_plane_listening address={} tls={}", dataAddress, security.isTls());
    }

    /**
     * Binds the data plane (config agent.data-listen) and returns the handler to give the session client.
     *
     * @throws TlsFilesException when the TLS files are unusable
     * @throws UncheckedIOException when the data address cannot be bound
     */
    public static AgentJobs start(GraphagentConfig config, TransportSecurity security) throws TlsFilesException {
        return start(config, security, java.time.Clock.systemUTC());
    }

    /** Like {@link #start(GraphagentConfig, TransportSecurity)}, timing queries and resident orders on {@code clock}. */
    public static AgentJobs start(GraphagentConfig config, TransportSecurity security, java.time.Clock clock)
            throws TlsFilesException {
        return start(config, security, clock, Ticker.system());
    }

    /**
     * Like {@link #start(GraphagentConfig, TransportSecurity, java.time.Clock)}, measuring every
     * deadline (exchanges, shuffles, checkpoint copies) and timing on {@code ticker}.
     */
    public static AgentJobs start(GraphagentConfig config, TransportSecurity security, java.time.Clock clock,
                                  Ticker ticker) throws TlsFilesException {
        try {
            return new AgentJobs(config, security, clock, ticker);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen for peers on " + config.agent().dataListen()
                    + ": " + e.getMessage() + " (choose another agent.data-listen or --data-listen)", e);
        }
    }

    @Override
    public String dataAddress() {
        return dataAddress;
    }

    /** What this agent did with checkpoint copies, for its metrics. */
    public ReplicaCounters replicaCounters() {
        return peerCheckpoints.counters();
    }

    @Override
    public Map<String, List<Integer>> heldPartitions() {
        Map<String, List<Integer>> held = new TreeMap<>();
        jobs.forEach((id, job) -> held.put(id, Arrays.stream(job.owned()).boxed().toList()));
        return held;
    }

    @Override
    public List<io.graphagent.protocol.v1.HeldPartitions> heldResidents() {
        return residents.held();
    }

    @Override
    public void onCommand(Command command, CoordinatorLink link) {
        if (!replies.first(command)) {
            // Sent again after the session resumed: answer again, behind the command itself if it still runs.
            log.info("event=command_repeated job={} command={} kind={}", command.getJobId(), command.getCommandId(),
                    command.getKindCase());
            commands.execute(() -> replies.reports(command.getCommandId()).forEach(r -> answers.send(link, r)));
            return;
        }
        supersedeRunning(command);
        commands.execute(() -> {
            try {
                run(command, link);
            } catch (RuntimeException | Error e) {
                failures.answer(command, link, e);
            }
        });
    }

    /**
     * A rollback (Restore, or a LoadPartitions, RebuildPartitions or AttachResident of a newer job
     * epoch: this agent was dealt partitions afresh) or an Abort ends the job's running exchange,
     * checkpoint copy and load at once, on the session's thread, rather than after
     * {@link #EXCHANGE_TIMEOUT} on the job thread, where the command itself waits behind them.
     */
    private void supersedeRunning(Command command) {
        Command.KindCase kind = command.getKindCase();
        if (kind == Command.KindCase.RESTORE || kind == Command.KindCase.ABORT || kind == Command.KindCase.LOAD_PARTITIONS
                || kind == Command.KindCase.REBUILD_PARTITIONS || kind == Command.KindCase.ATTACH_RESIDENT) {
            AgentJob running = jobs.get(command.getJobId());
            if (running != null && (kind == Command.KindCase.ABORT || running.epoch() < command.getJobEpoch())) {
                running.supersede();
                // A checkpoint copy or fetch to a peer that hangs would hold the job thread until its deadline.
                peerCheckpoints.cancel(command.getJobId());
            }
            // Likewise a load in progress (a shuffle waiting for a peer that was lost): it stops at once
            // instead of holding the job thread, and with it the newer command, until the load's deadline.
            loadSteps.supersede(command);
        }
    }

    /**
     * Drops the job's load in progress, program and runner (its share with it), and forgets that
     * this life held it; not its checkpoints or structure files. The job dropped, or null.
     */
    private AgentJob dropJobState(String jobId, String why) {
        loadSteps.drop(jobId);
        heldInThisLife.remove(jobId);
        programs.release(jobId);
        AgentJob dropped = jobs.remove(jobId);
        if (dropped != null) {
            dropped.closeEarly(why);
        }
        return dropped;
    }

    private void run(Command command, CoordinatorLink link) {
        String jobId = command.getJobId();
        if (command.getKindCase() != Command.KindCase.START_SUPERSTEP && command.getKindCase() != Command.KindCase.EXCHANGE) {
            // Only supersteps run beside a checkpoint being written: every other command finds it done (or failed).
            checkpointWriter.awaitIdle();
        }
        switch (command.getKindCase()) {
            case LOAD_PARTITIONS -> loadSteps.load(command, link);
            case SHUFFLE_PARTITIONS -> loadSteps.shuffle(command, link);
            case BUILD_PARTITIONS -> loadSteps.build(command, link);
            case REBUILD_PARTITIONS -> rebuildStep.rebuild(command, link);
            case ATTACH_RESIDENT -> attachStep.attach(command, link);
            case START_SUPERSTEP -> job(command, link).ifPresent(job -> superstepSteps.compute(job, command, link));
            case EXCHANGE -> job(command, link).ifPresent(job -> superstepSteps.exchange(job, command, link));
            case WRITE_OUTPUT -> job(command, link).ifPresent(job -> superstepSteps.output(job, command, link));
            case CHECKPOINT -> job(command, link).ifPresent(job -> checkpointStep.checkpoint(job, command, link));
            case RESTORE -> restoreStep.restore(command, link);
            case REPLICATE_PARTITIONS -> {
                try {
                    answers.reply(link, command, Report.newBuilder().setResidentHeld(residentCommands.replicate(
                            ResidentStore.nameOf(jobId), command.getJobEpoch(), command.getReplicatePartitions())));
                } catch (ResidentCommands.ReplicaFailedException e) {
                    log.warn("event=replica_failed graph={} detail=\"{}\"", jobId, e.getMessage());
                    answers.reply(link, command, Report.newBuilder().setFailure(Failure.newBuilder()
                            .setKind(FailureKind.PEER_UNREACHABLE).setMessage(e.getMessage()).setRetryable(true)));
                }
            }
            case DROP_REPLICAS -> answers.reply(link, command, Report.newBuilder().setResidentHeld(
                    residentCommands.drop(ResidentStore.nameOf(jobId), command.getJobEpoch(), command.getDropReplicas())));
            case ABORT, RELEASE -> release(command);
            default -> answers.fail(link, command, FailureKind.COMPUTE_FAILED,
                    "this agent does not support command " + command.getKindCase() + " yet");
        }
    }

    /** Abort or Release: the job's load, share, program, structure files and checkpoint copies go (an Abort drops a resident graph too). */
    private void release(Command command) {
        String jobId = command.getJobId();
        AgentJob released = dropJobState(jobId, "job released");
        String residentName = ResidentStore.nameOf(jobId);
        if (residentName != null && command.getKindCase() == Command.KindCase.ABORT
                && residents.drop(residentName, command.getJobEpoch(), new int[0]) != null) {
            log.info("event=resident_dropped graph={} reason=\"{}\"", residentName, command.getAbort().getReason());
        }
        structures.forget(jobId);
        if (released != null) {
            log.info("event=job_released job={} reason={}", jobId, command.getKindCase());
        }
        peerCheckpoints.dropJob(jobId);
        if (command.getKindCase() == Command.KindCase.ABORT) {
            FailedJobHeap.release(jobId, "aborted");
        }
    }

    /** For tests: {@code hook} runs on the job thread when a load reaches its memory check. */
    void beforeMemoryCheck(java.util.function.Consumer<String> hook) {
        loadSteps.beforeMemoryCheck(hook);
    }

    /** The resident graphs this agent holds (for tests, which put replicas there directly). */
    ResidentStore residents() {
        return residents;
    }

    /** The share this agent holds for a job, if any (for tests). */
    Optional<GraphShare> heldShare(String jobId) {
        AgentJob job = jobs.get(jobId);
        return job == null ? Optional.empty() : Optional.of(job.share());
    }

    /** The job a command is for, or empty after answering a retryable COMPUTE_FAILED (this agent holds no such job). */
    private Optional<AgentJob> job(Command command, CoordinatorLink link) {
        AgentJob job = jobs.get(command.getJobId());
        if (job == null) {
            answers.reply(link, command, Report.newBuilder().setFailure(Failure.newBuilder().setKind(FailureKind.COMPUTE_FAILED)
                    .setMessage("this agent holds no job " + command.getJobId() + " (was it restarted?)").setRetryable(true)));
        }
        return Optional.ofNullable(job);
    }

    /**
     * Drops every job's state, and ends at once what the job thread may be blocked in for them:
     * an exchange waiting for a peer's batches, a load's shuffle, a checkpoint copy or fetch. A
     * restarted coordinator fences the agent mid-superstep (a peer may never have been told to
     * start it), and its first commands (AttachResident, LoadPartitions) queue on the job thread
     * behind that wait: without this they would wait up to {@link #EXCHANGE_TIMEOUT}.
     */
    @Override
    public void onFenced(String reason) {
        log.warn("event=fenced cause=fenced jobs_dropped={} detail=\"{}\"", jobs.size(), reason);
        // As a rollback does (onCommand): supersede() only, since early broadcasts belong to the job thread,
        // whose waits for them end on the same flag.
        for (Map.Entry<String, AgentJob> held : jobs.entrySet()) {
            held.getValue().supersede();
            peerCheckpoints.cancel(held.getKey());
        }
        loadSteps.dropAll();
        jobs.clear();
        heldInThisLife.clear();
        programs.releaseAll();
        // Resident graphs stay: they do not change within a generation, so the next Hello reports them and the
        // coordinator takes them back (a restarted one knows its graphs from its store) or has them dropped.
        // Command ids are the coordinator's: a new session (perhaps a restarted coordinator) starts them afresh.
        replies.clear();
    }

    @Override
    public Optional<String> broken() {
        if (closed || network.alive()) {
            return Optional.empty();
        }
        return Optional.of("a network thread of the data plane (agent-data-net-*) died (the error is logged before this):"
                + " peers can no longer reach this agent. Fix: none needed if a supervisor restarts agents that exit"
                + " with code 1; else start it again (give it more heap if the error was an OutOfMemoryError)");
    }

    @Override
    public void close() {
        closed = true;
        commands.shutdownNow();
        checkpointWriter.close();
        compute.shutdownNow();
        queryWorkers.close();
        dataServer.shutdownNow();
        peerCheckpoints.close();
        channels.close();
        try {
            dataServer.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        network.close();
    }
}
