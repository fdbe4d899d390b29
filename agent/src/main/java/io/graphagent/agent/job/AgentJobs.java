package io.graphagent.agent.job;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.graphagent.agent.checkpoint.LocalCheckpoints;
import io.graphagent.agent.checkpoint.ReplicaCounters;
import io.graphagent.agent.dataplane.DataPlaneService;
import io.graphagent.agent.dataplane.PeerSender;
import io.graphagent.agent.session.AgentIdentity;
import io.graphagent.agent.session.CoordinatorLink;
import io.graphagent.config.GraphagentConfig;
import io.graphagent.config.JobPaths;
import io.graphagent.config.HostPort;
import io.graphagent.agent.load.BuiltShare;
import io.graphagent.agent.load.IdLookup;
import io.graphagent.agent.load.LoadException;
import io.graphagent.agent.load.PartitionedLoad;
import io.graphagent.agent.load.ShareMemory;
import io.graphagent.agent.load.SplitAccess;
import io.graphagent.agent.load.SplitFetcher;
import io.graphagent.agent.program.JobPrograms;
import io.graphagent.agent.program.ProgramCache;
import io.graphagent.agent.program.ProgramUnavailableException;
import io.graphagent.api.VertexProgram;
import io.graphagent.graph.pregel.ProgramException;
import io.graphagent.agent.query.QueryWorkers;
import io.graphagent.agent.query.ShardService;
import io.graphagent.agent.resident.ResidentCommands;
import io.graphagent.agent.resident.ResidentGraph;
import io.graphagent.agent.resident.ResidentSource;
import io.graphagent.agent.resident.ResidentStore;
import io.graphagent.protocol.v1.AttachResident;
import io.graphagent.graph.kernels.Algorithm;
import io.graphagent.graph.kernels.Kernel;
import io.graphagent.graph.kernels.KernelParameters;
import io.graphagent.graph.kernels.Kernels;
import io.graphagent.graph.load.GraphInputException;
import io.graphagent.graph.partition.GraphShare;
import io.graphagent.api.EdgeUse;
import io.graphagent.graph.pregel.PartitionRunner;
import io.graphagent.net.cause.CauseCounter;
import io.graphagent.net.cause.FailureClassifier;
import io.graphagent.net.path.PathDiagnosis;
import io.graphagent.net.tls.Channels;
import io.graphagent.net.tls.HostAndPort;
import io.graphagent.net.tls.NetworkThreads;
import io.graphagent.net.tls.Servers;
import io.graphagent.net.tls.TlsFilesException;
import io.graphagent.net.tls.TransportSecurity;
import io.graphagent.protocol.v1.Command;
import io.graphagent.protocol.v1.Failure;
import io.graphagent.protocol.v1.FailureKind;
import io.graphagent.protocol.v1.LoadDone;
import io.graphagent.protocol.v1.LoadPartitions;
import io.graphagent.protocol.v1.InputTransfer;
import io.graphagent.protocol.v1.LoadScanned;
import io.graphagent.protocol.v1.ShuffleDone;
import io.graphagent.protocol.v1.OutputDone;
import io.graphagent.protocol.v1.PartitionOwner;
import io.graphagent.protocol.v1.Report;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job layer of an agent: runs the coordinator's commands for every job this agent takes
 * part in, and serves the data plane where peers send message batches.
 *
 * <p>Threads: commands run one at a time, in order, on the {@code agent-job} thread (so the
 * session's threads never block on compute); compute runs on {@code graph-compute-N}
 * threads, one per core; the data plane on its own network threads.
 */
public final class AgentJobs implements CommandHandler {
    private static final Logger log = LoggerFactory.getLogger(AgentJobs.class);

    /**
     * Output chunk size: far below any message-size limit, big enough to amortise framing, and
     * (with its copies) under half a 1 MiB G1 region, so not a humongous object (see BatchStream.MAX_BATCH).
     */
    static final int OUTPUT_CHUNK_BYTES = 256 * 1024;

    /**
     * HTTP/2 flow-control window of the data plane, per stream and connection, bytes. gRPC's
     * 1 MiB default holds a sender to about one batch in flight, so a superstep's few MiB
     * wait on a window update (a thread hop on each side) every batch; 16 MiB lets a
     * superstep's batches stream back to back. It bounds what a receiver buffers per sender.
     */
    static final int DATA_WINDOW_BYTES = 16 << 20;

    /** Bound on one superstep's exchange with one peer; a peer slower than this fails the job. */
    static final Duration EXCHANGE_TIMEOUT = Duration.ofMinutes(5);

    private final GraphagentConfig config;
    /** Where this agent may read a job's graph (its job.input-roots, less its own directories). */
    private final JobPaths paths;
    private final TransportSecurity security;
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
    private final java.util.Set<String> heldInThisLife = ConcurrentHashMap.newKeySet();
    private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();
    /** Data address of every peer of the jobs held, by agent id (for Failure.peer_address). */
    private final Map<String, String> dataAddresses = new ConcurrentHashMap<>();
    private final CauseCounter handshakeFailures = new CauseCounter();
    private final ReplyLog replies = new ReplyLog();
    private final Answers answers;
    /** Checkpoints kept in agent.work-dir (job.checkpoint-storage: peer-copy): own files and peers' copies. */
    private final PeerCheckpoints peerCheckpoints;
    /** Structure files of the jobs' partitions, written beside the checkpoints and read by a recovery. */
    private final PartitionStructures structures;
    /** The steps of a partitioned load, and the rebuild from structure files that a recovery uses instead. */
    private final LoadSteps loadSteps;
    private final RebuildStep rebuildStep;
    /** Resident graphs held for queries and later jobs, and the orders about them. */
    private final ResidentStore residents = new ResidentStore();
    /** The agent's clock (time of loads, checkpoints, rebuilds; a simulation drives it). */
    private final java.time.Clock clock;
    /** The user programs of this agent's jobs, each in its job's class loader. */
    private final JobPrograms programs;
    private final ResidentCommands residentCommands;
    /** The threads that answer queries (Shard service), bounded by query.agent-max-in-flight. */
    private final QueryWorkers queryWorkers;

    private AgentJobs(GraphagentConfig config, TransportSecurity security, java.time.Clock clock)
            throws IOException, TlsFilesException {
        this.config = config;
        this.paths = JobPaths.of(config);
        this.clock = clock;
        this.answers = new Answers(replies, config.session().leaseTtl(), dataAddresses, clock);
        this.security = security;
        String self = AgentIdentity.resolve(config, security);
        this.programs = new JobPrograms(new ProgramCache(config.agent().workDir().resolve("programs"), EXCHANGE_TIMEOUT, clock));
        this.peerCheckpoints = new PeerCheckpoints(LocalCheckpoints.under(config.agent().workDir(), self), this::channel);
        this.residentCommands = new ResidentCommands(residents, this::channel, EXCHANGE_TIMEOUT, clock);
        int cores = Runtime.getRuntime().availableProcessors();
        this.queryWorkers = new QueryWorkers(cores, config.query().agentMaxInFlight(), clock);
        // A fixed pool starts its threads on first use: nothing runs yet if the data plane cannot bind.
        this.compute = Executors.newFixedThreadPool(cores, Thread.ofPlatform().name("graph-compute-", 0).daemon(true).factory());
        this.structures = new PartitionStructures(peerCheckpoints, compute, clock);
        this.loadSteps = new LoadSteps(config, paths, jobs, heldInThisLife, peerCheckpoints, structures, residents,
                programs, this::channel, answers, this::startJob, clock);
        this.rebuildStep = new RebuildStep(jobs, peerCheckpoints, structures, loadSteps, programs, this::channel, answers,
                this::startJob, clock);
        this.network = NetworkThreads.start("agent-data", 2);
        HostPort listen = config.agent().dataListen();
        this.dataServer = Servers.forAddress(new java.net.InetSocketAddress(listen.host(), listen.port()), security,
                        config.tls().handshakeTimeout(), handshakeFailures, network)
                .addService(new DataPlaneService(jobs::get, peerCheckpoints.replicas(), loadSteps::edgeTarget,
                        loadSteps::idService))
                .addService(new ShardService(residents, queryWorkers, () -> self))
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
        try {
            return new AgentJobs(config, security, clock);
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
        jobs.forEach((id, job) -> held.put(id, java.util.Arrays.stream(job.owned()).boxed().toList()));
        return held;
    }

    @Override
    public List<io.graphagent.protocol.v1.HeldPartitions> heldResidents() {
        return residents.held();
    }

    @Override
    public void onCommand(Command command, CoordinatorLink link) {
        if (!replies.first(command.getCommandId())) {
            // Sent again after the session resumed: answer again, behind the command itself if it still runs.
            log.info("event=command_repeated job={} command={} kind={}", command.getJobId(), command.getCommandId(),
                    command.getKindCase());
            commands.execute(() -> replies.reports(command.getCommandId()).forEach(r -> answers.send(link, r)));
            return;
        }
        // A rollback (Restore, or a LoadPartitions of a newer job epoch: this agent was dealt
        // partitions afresh) ends a running exchange at once rather than after EXCHANGE_TIMEOUT.
        Command.KindCase kind = command.getKindCase();
        if (kind == Command.KindCase.RESTORE || kind == Command.KindCase.ABORT || kind == Command.KindCase.LOAD_PARTITIONS
                || kind == Command.KindCase.REBUILD_PARTITIONS) {
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
        commands.execute(() -> {
            try {
                run(command, link);
            } catch (OutOfMemoryError e) {
                // Drop the job's state so this agent lives on for the next job.
                loadSteps.drop(command.getJobId());
                heldInThisLife.remove(command.getJobId());
                programs.release(command.getJobId());
                AgentJob dropped = jobs.remove(command.getJobId());
                if (dropped != null) {
                    dropped.closeEarly("out of memory");
                }
                Runtime runtime = Runtime.getRuntime();
                String message = "agent " + link.agentId() + " ran out of heap (" + (runtime.maxMemory() >> 20)
                        + " MB maximum) during " + command.getKindCase() + " of job " + command.getJobId()
                        + ". Fix: give the agents more heap (-Xmx in GRAPHAGENT_JAVA_OPTS) or run more agents, so each holds"
                        + " a smaller share";
                log.warn("event=command_failed cause=out_of_memory job={} command={} detail=\"{}\"", command.getJobId(),
                        command.getKindCase(), message);
                answers.fail(link, command, FailureKind.OUT_OF_MEMORY, message);
            } catch (ProgramException e) {
                // The user's code threw: the job fails with the program's own frames; this agent lives on.
                log.warn("event=command_failed cause=program_error job={} command={} vertex={} superstep={} detail=\"{}\"",
                        command.getJobId(), command.getKindCase(), e.vertexId(), e.superstep(), e.getCause());
                answers.fail(link, command, FailureKind.COMPUTE_FAILED, "vertex program threw at vertex " + e.vertexId()
                        + " in superstep " + e.superstep() + " on agent " + link.agentId() + ":\n" + e.programTrace());
            } catch (RuntimeException | Error e) {
                log.warn("event=command_failed cause={} job={} command={} detail=\"{}\"", e.getClass().getSimpleName(),
                        command.getJobId(), command.getKindCase(), e.getMessage(), e);
                answers.fail(link, command, FailureKind.COMPUTE_FAILED, e.getClass().getSimpleName() + ": " + e.getMessage());
            }
        });
    }

    private void run(Command command, CoordinatorLink link) {
        String jobId = command.getJobId();
        switch (command.getKindCase()) {
            case LOAD_PARTITIONS -> loadSteps.load(command, link);
            case SHUFFLE_PARTITIONS -> loadSteps.shuffle(command, link);
            case BUILD_PARTITIONS -> loadSteps.build(command, link);
            case REBUILD_PARTITIONS -> rebuildStep.rebuild(command, link);
            case START_SUPERSTEP -> {
                AgentJob job = job(command, link);
                if (job != null) {
                    answers.reply(link, command, Report.newBuilder().setSuperstepDone(job.compute(command.getStartSuperstep())));
                    job.sendBroadcastsEarly();
                }
            }
            case EXCHANGE -> {
                AgentJob job = job(command, link);
                if (job != null) {
                    try {
                        answers.reply(link, command, Report.newBuilder().setExchangeDone(job.exchange(command.getExchange())));
                        if (command.getExchange().hasThenStart()) {
                            // The exchange was the barrier: go on without waiting for a StartSuperstep.
                            answers.reply(link, command, Report.newBuilder().setSuperstepDone(job.compute(command.getExchange().getThenStart())));
                            job.sendBroadcastsEarly();
                        }
                    } catch (AgentJob.ExchangeFailedException e) {
                        if (job.isSuperseded()) {
                            // A rollback ended it: the coordinator knows why; the report is of an older epoch.
                            log.info("event=exchange_abandoned job={} superstep={} detail=\"{}\"", jobId,
                                    command.getExchange().getSuperstep(), e.getMessage());
                            answers.peerUnreachable(link, command, e.peer, e.getMessage(), "");
                            return;
                        }
                        FailureClassifier.Classification why = exchangeFailure(job, e);
                        log.warn("cause={} event=exchange_failed job={} peer={} superstep={} detail=\"{}\"", why.cause().label(),
                                jobId, e.peer, command.getExchange().getSuperstep(), why.detail());
                        answers.peerUnreachable(link, command, e.peer, "exchange with peer " + e.peer + " failed: " + why.detail()
                                + " [cause=" + why.cause().label() + "]", why.cause().label());
                    }
                }
            }
            case WRITE_OUTPUT -> {
                AgentJob job = job(command, link);
                if (job != null) {
                    job.closeEarly("job writes its output");
                    try {
                        job.learnLabels(new IdLookup(job.jobId(), job.epoch(), EXCHANGE_TIMEOUT));
                    } catch (LoadException e) {
                        answers.fail(link, command, FailureKind.OUTPUT_FAILED, e.getMessage());
                        return;
                    }
                    job.output(OUTPUT_CHUNK_BYTES, chunk -> answers.reply(link, command, Report.newBuilder().setOutputChunk(chunk)));
                    answers.reply(link, command, Report.newBuilder().setOutputDone(OutputDone.newBuilder().setVertices(job.ownedVertices())));
                }
            }
            case CHECKPOINT -> {
                AgentJob job = job(command, link);
                if (job != null) {
                    checkpoint(job, command, link);
                }
            }
            case RESTORE -> restore(command, link);
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
            case ATTACH_RESIDENT -> attach(command, link);
            case ABORT, RELEASE -> {
                loadSteps.drop(jobId);
                String residentName = ResidentStore.nameOf(jobId);
                if (residentName != null && command.getKindCase() == Command.KindCase.ABORT
                        && residents.drop(residentName, command.getJobEpoch(), new int[0]) != null) {
                    log.info("event=resident_dropped graph={} reason=\"{}\"", residentName, command.getAbort().getReason());
                }
                heldInThisLife.remove(jobId);
                programs.release(jobId);
                structures.forget(jobId);
                AgentJob released = jobs.remove(jobId);
                if (released != null) {
                    released.closeEarly("job released");
                    log.info("event=job_released job={} reason={}", jobId, command.getKindCase());
                }
                peerCheckpoints.dropJob(jobId);
            }
            default -> answers.fail(link, command, FailureKind.COMPUTE_FAILED,
                    "this agent does not support command " + command.getKindCase() + " yet");
        }
    }

    /** For tests: {@code hook} runs on the job thread when a load reaches its memory check. */
    void beforeMemoryCheck(java.util.function.Consumer<String> hook) {
        loadSteps.beforeMemoryCheck(hook);
    }

    /** The share this agent holds for a job, if any (for tests). */
    Optional<GraphShare> heldShare(String jobId) {
        AgentJob job = jobs.get(jobId);
        return job == null ? Optional.empty() : Optional.of(job.share());
    }

    /**
     * A job over a share already built (loaded, or taken from a resident graph): its kernel and
     * runner, kept as the job's state. Null after answering the failure.
     */
    private AgentJob startJob(Command command, CoordinatorLink link, GraphShare share, Algorithm algorithm,
                              KernelParameters parameters, int sourceDense, io.graphagent.protocol.v1.PartitionMap map,
                              String[] ownerOf) {
        OutputLabels labels = new OutputLabels(share);
        Kernel kernel;
        try {
            VertexProgram user = algorithm == null ? programs.held(command.getJobId()) : null;
            if (algorithm == null && user == null) {
                answers.fail(link, command, FailureKind.LOAD_FAILED, "this agent holds no program of job " + command.getJobId()
                        + ": send LoadPartitions first");
                return null;
            }
            kernel = user != null ? new Kernel(user, labels) : Kernels.create(algorithm, parameters, share.weighted(), sourceDense, labels);
        } catch (IllegalArgumentException e) {
            answers.fail(link, command, FailureKind.LOAD_FAILED, e.getMessage());
            return null;
        }
        AgentJob job;
        try {
            job = buildJob(command.getJobId(), link.agentId(), share, kernel, labels, map, command.getJobEpoch(), ownerOf);
        } catch (TlsFilesException e) {
            answers.fail(link, command, FailureKind.PEER_UNREACHABLE, e.getMessage());
            return null;
        }
        AgentJob replaced = jobs.put(command.getJobId(), job);
        heldInThisLife.add(command.getJobId());
        if (replaced != null) {
            replaced.closeEarly("job loaded again");
        }
        return job;
    }

    /**
     * A batch job on a resident graph: its share is made of the replicas this agent holds of the
     * job's partitions (used as they are when one share holds exactly them), no input is read.
     */
    private void attach(Command command, CoordinatorLink link) {
        long t0 = clock.millis();
        AttachResident order = command.getAttachResident();
        String name = ResidentStore.nameOf(order.getGraphJobId());
        ResidentGraph graph = name == null ? null : residents.find(name, order.getGeneration());
        if (graph == null) {
            answers.reply(link, command, Report.newBuilder().setFailure(Failure.newBuilder().setKind(FailureKind.LOAD_FAILED)
                    .setMessage("agent " + link.agentId() + " holds no resident graph " + order.getGraphJobId()
                            + " at generation " + order.getGeneration()).setRetryable(true)));
            return;
        }
        int[] owned = order.getPartitionIdsList().stream().mapToInt(Integer::intValue).sorted().toArray();
        Algorithm algorithm = Algorithm.valueOf(order.getAlgorithm().name());
        var p = order.getParameters();
        KernelParameters parameters = new KernelParameters(p.getSourceVertex(), p.getIterations(), p.getDamping());
        GraphShare share;
        int sourceDense;
        try {
            share = graph.shareOf(owned);
            sourceDense = algorithm == Algorithm.BFS || algorithm == Algorithm.SSSP
                    ? new ResidentSource(graph, order.getPartitionMap(), this::channel).denseOf(p.getSourceVertex()) : -1;
        } catch (IllegalArgumentException | ResidentSource.LookupFailedException e) {
            answers.reply(link, command, Report.newBuilder().setFailure(Failure.newBuilder().setKind(FailureKind.LOAD_FAILED)
                    .setMessage(e.getMessage()).setRetryable(e instanceof ResidentSource.LookupFailedException)));
            return;
        }
        String[] ownerOf = new String[graph.partitioning().count()];
        for (PartitionOwner owner : order.getPartitionMap().getOwnersList()) {
            ownerOf[owner.getPartitionId()] = owner.getAgentId();
        }
        AgentJob job = startJob(command, link, share, algorithm, parameters, sourceDense, order.getPartitionMap(), ownerOf);
        if (job == null) {
            return;
        }
        long ms = clock.millis() - t0;
        log.info("event=job_attached job={} graph={} generation={} partitions={} vertices={} ms={}", command.getJobId(),
                name, order.getGeneration(), owned.length, share.ownedVertices(), ms);
        answers.reply(link, command, Report.newBuilder().setLoadDone(LoadSteps.loadDone(share, ms, job)));
    }

    /** A job's state on this agent for one partition map and job epoch, over a share already built. */
    private AgentJob buildJob(String jobId, String agentId, GraphShare share, Kernel kernel, OutputLabels labels,
                              io.graphagent.protocol.v1.PartitionMap map, long epoch, String[] ownerOf)
            throws TlsFilesException {
        Map<String, List<Integer>> byPeer = new TreeMap<>();
        Map<String, String> addresses = new TreeMap<>();
        for (PartitionOwner owner : map.getOwnersList()) {
            if (!owner.getAgentId().equals(agentId)) {
                byPeer.computeIfAbsent(owner.getAgentId(), a -> new ArrayList<>()).add(owner.getPartitionId());
                addresses.put(owner.getAgentId(), owner.getDataAddress());
                peerCheckpoints.peerAt(owner.getDataAddress(), owner.getAgentId());
                dataAddresses.put(owner.getAgentId(), owner.getDataAddress());
            }
        }
        Map<String, int[]> peerPartitions = new TreeMap<>();
        Map<String, PeerSender> peers = new TreeMap<>();
        for (Map.Entry<String, List<Integer>> e : byPeer.entrySet()) {
            peerPartitions.put(e.getKey(), e.getValue().stream().mapToInt(Integer::intValue).sorted().toArray());
            peers.put(e.getKey(), new PeerSender(e.getKey(), channel(addresses.get(e.getKey())), EXCHANGE_TIMEOUT));
        }
        PartitionRunner runner = new PartitionRunner(share, kernel.program(), kernel.shape(), compute);
        return new AgentJob(jobId, agentId, share, kernel, labels, runner, share.owned(), peerPartitions, peers, ownerOf,
                EXCHANGE_TIMEOUT, epoch);
    }

    /**
     * Writes each owned partition's checkpoint file atomically (temporary file, fsync, rename)
     * and, when the command names a replica, streams a copy of each to that peer; reports
     * CheckpointDone only once both are done. A relative directory is under this agent's work
     * directory (peer-copy mode), where older checkpoints of the job are deleted first.
     */
    private void checkpoint(AgentJob job, Command command, CoordinatorLink link) {
        long t0 = clock.millis();
        io.graphagent.protocol.v1.Checkpoint c = command.getCheckpoint();
        Path dir;
        try {
            dir = peerCheckpoints.directory(c.getDirectory());
        } catch (IllegalArgumentException e) {
            answers.fail(link, command, FailureKind.CHECKPOINT_FAILED, e.getMessage());
            return;
        }
        peerCheckpoints.beforeWrite(command.getJobId(), c);
        long bytes = 0;
        try {
            java.nio.file.Files.createDirectories(dir);
            String structureFailed = structures.beforeCheckpoint(command.getJobId(), command.getJobEpoch(), job.share(), dir,
                    c.getReplicaAddress());
            if (structureFailed != null) {
                answers.fail(link, command, FailureKind.CHECKPOINT_FAILED, structureFailed + ". The previous checkpoint stays in use."
                        + " Fix: make " + (Path.of(c.getDirectory()).isAbsolute() ? "job.checkpoint-dir" : "agent.work-dir")
                        + " writable with free space");
                return;
            }
            // One file per partition, written side by side on the compute threads (idle in a checkpoint).
            List<Callable<Long>> writes = new ArrayList<>();
            for (int p : job.owned()) {
                writes.add(() -> CheckpointFiles.write(dir, p, link.agentId(), out -> job.runner().writeCheckpoint(p, out)));
            }
            for (Future<Long> written : compute.invokeAll(writes)) {
                bytes += written.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            answers.fail(link, command, FailureKind.CHECKPOINT_FAILED, "interrupted while writing the checkpoint of superstep "
                    + c.getSuperstep());
            return;
        } catch (ExecutionException | IOException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            answers.fail(link, command, FailureKind.CHECKPOINT_FAILED, "cannot write the checkpoint of superstep " + c.getSuperstep()
                    + " to " + dir + ": " + cause + ". Fix: make " + (Path.of(c.getDirectory()).isAbsolute() ? "job.checkpoint-dir"
                    : "agent.work-dir") + " writable with free space");
            return;
        }
        long ms = clock.millis() - t0;
        log.info("event=checkpoint_written job={} superstep={} partitions={} bytes={} ms={}", command.getJobId(),
                c.getSuperstep(), job.owned().length, bytes, ms);
        boolean replicated = !c.getReplicaAddress().isEmpty();
        if (replicated) {
            String failed = peerCheckpoints.copy(command.getJobId(), command.getJobEpoch(), c, dir, job.owned());
            if (failed != null) {
                answers.fail(link, command, FailureKind.CHECKPOINT_FAILED, failed);
                return;
            }
        }
        answers.reply(link, command, Report.newBuilder().setCheckpointDone(io.graphagent.protocol.v1.CheckpointDone.newBuilder()
                .setSuperstep(c.getSuperstep()).setBytes(bytes).setLocation(dir.toString()).setReplicated(replicated)
                .setWriteTimeMs(clock.millis() - t0)));
    }

    /** Rolls the job back: new partitions and epoch, state from the checkpoint (or from scratch). */
    private void restore(Command command, CoordinatorLink link) {
        AgentJob old = jobs.get(command.getJobId());
        if (old == null) {
            // Retryable: this agent lost the job (it restarted); the coordinator recovers and has it load again.
            answers.reply(link, command, Report.newBuilder().setFailure(Failure.newBuilder().setKind(FailureKind.RESTORE_FAILED)
                    .setMessage("this agent holds no job " + command.getJobId() + " to restore: send LoadPartitions first")
                    .setRetryable(true)));
            return;
        }
        io.graphagent.protocol.v1.Restore r = command.getRestore();
        int[] owned = r.getPartitionIdsList().stream().mapToInt(Integer::intValue).sorted().toArray();
        int partitions = old.runner().partitioning().count();
        if (!java.util.Arrays.equals(owned, old.share().owned())) {
            answers.fail(link, command, FailureKind.RESTORE_FAILED, "this agent holds partitions "
                    + java.util.Arrays.toString(old.share().owned()) + " of job " + command.getJobId() + ", the restore gives it "
                    + java.util.Arrays.toString(owned) + ": load the new partitions first");
            return;
        }
        AgentJob job;
        try {
            job = buildJob(command.getJobId(), link.agentId(), old.share(), old.kernel(), old.labels(), r.getPartitionMap(),
                    command.getJobEpoch(), old.ownerOf());
            peerCheckpoints.beforeRestore(command.getJobId(), r);
            if (r.getFromScratch()) {
                // Peer copies: every agent dropped the job's files, structure copies too; shared: the files stay.
                structures.copiesGone(command.getJobId());
            }
            if (!r.getFromScratch()) {
                Path dir = peerCheckpoints.directory(r.getDirectory());
                Failure fetched = peerCheckpoints.fetch(command.getJobId(), r, dir);
                if (fetched != null) {
                    answers.reply(link, command, Report.newBuilder().setFailure(fetched));
                    return;
                }
                // Owned partitions whole; the others only for their broadcasts, which only a pulling superstep reads.
                for (int p = 0; p < partitions; p++) {
                    if (java.util.Arrays.binarySearch(owned, p) >= 0 || (r.getPull() && job.runner().mirrors(p))) {
                        int partition = p;
                        CheckpointFiles.read(dir, p, in -> job.runner().restore(partition, in));
                    }
                }
                job.runner().resume(new io.graphagent.graph.pregel.Delivery(r.getPull(), r.getPullFromAll()));
            }
        } catch (IOException | TlsFilesException | IllegalArgumentException e) {
            answers.fail(link, command, FailureKind.RESTORE_FAILED, "cannot restore superstep " + r.getSuperstep() + " from "
                    + r.getDirectory() + ": " + e.getMessage());
            return;
        }
        jobs.put(command.getJobId(), job);
        old.closeEarly("job restored");
        log.info("event=job_restored job={} epoch={} superstep={} partitions={} from_scratch={}", command.getJobId(),
                command.getJobEpoch(), r.getSuperstep(), owned.length, r.getFromScratch());
        answers.reply(link, command, Report.newBuilder().setRestoreDone(io.graphagent.protocol.v1.RestoreDone.newBuilder()
                .setSuperstep(r.getSuperstep()).addAllPartitionIds(r.getPartitionIdsList())));
    }

    /**
     * Why an exchange with a peer failed: the failure's own cause, refined by a look at the path
     * to the peer's data port when it was a stall (a keepalive that went unanswered, a handshake
     * that timed out): large packets lost on the way give {@code path_mtu_blackhole}.
     */
    private FailureClassifier.Classification exchangeFailure(AgentJob job, AgentJob.ExchangeFailedException e) {
        FailureClassifier.Classification seen = FailureClassifier.explain(e.getCause(), FailureClassifier.Side.CLIENT);
        Optional<HostAndPort> peer = job.peerAddress(e.peer);
        if (peer.isEmpty()) {
            return seen;
        }
        forgetChannel(peer.get().toString());
        if (!PathDiagnosis.examines(seen.cause())) {
            return seen;
        }
        Duration wait = config.tls().handshakeTimeout();
        return PathDiagnosis.refine(seen, new InetSocketAddress(peer.get().host(), peer.get().port()), wait, wait,
                Path.of("/proc"));
    }

    /**
     * Drops the cached channel to {@code address} after an exchange with it failed, so the
     * recovery's exchange dials afresh: a channel that failed to connect fails every call at
     * once for its growing reconnect backoff (up to 2 minutes), which would use up a job's
     * recoveries in a second and outlast a network that has healed. Calls still on it finish.
     */
    private void forgetChannel(String address) {
        ManagedChannel stale = channels.remove(address);
        if (stale != null) {
            stale.shutdown();
        }
    }

    private ManagedChannel channel(String address) throws TlsFilesException {
        ManagedChannel existing = channels.get(address);
        if (existing != null) {
            return existing;
        }
        ManagedChannel created = Channels.builder(HostAndPort.parse(address), security,
                        new Channels.ClientTimeouts(Duration.ofSeconds(5), config.tls().handshakeTimeout(), EXCHANGE_TIMEOUT),
                        network)
                .maxInboundMessageSize((int) Math.min(Integer.MAX_VALUE, config.grpc().maxMessageSize()))
                .flowControlWindow(DATA_WINDOW_BYTES)
                // An exchange that stalls (a peer gone silent, large packets lost on the path) ends
                // after keepalive time + timeout instead of at EXCHANGE_TIMEOUT.
                .keepAliveTime(config.grpc().keepaliveTime().toNanos(), TimeUnit.NANOSECONDS)
                .keepAliveTimeout(config.grpc().keepaliveTimeout().toNanos(), TimeUnit.NANOSECONDS)
                // Acks and readiness callbacks (which only wake the feeding thread) run on the network thread.
                .directExecutor()
                .build();
        channels.put(address, created);
        return created;
    }

    private AgentJob job(Command command, CoordinatorLink link) {
        AgentJob job = jobs.get(command.getJobId());
        if (job == null) {
            answers.reply(link, command, Report.newBuilder().setFailure(Failure.newBuilder().setKind(FailureKind.COMPUTE_FAILED)
                    .setMessage("this agent holds no job " + command.getJobId() + " (was it restarted?)").setRetryable(true)));
        }
        return job;
    }

    @Override
    public void onFenced(String reason) {
        log.warn("event=fenced cause=fenced jobs_dropped={} detail=\"{}\"", jobs.size(), reason);
        jobs.clear();
        heldInThisLife.clear();
        programs.releaseAll();
        // Resident graphs stay: they do not change within a generation, so the next Hello reports them and the
        // coordinator takes them back (a restarted one knows its graphs from its store) or has them dropped.
        // Command ids are the coordinator's: a new session (perhaps a restarted coordinator) starts them afresh.
        replies.clear();
    }

    @Override
    public void close() {
        commands.shutdownNow();
        compute.shutdownNow();
        queryWorkers.close();
        dataServer.shutdownNow();
        peerCheckpoints.close();
        channels.values().forEach(ManagedChannel::shutdownNow);
        try {
            dataServer.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        network.close();
    }
}
