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
    /** For tests: runs on the job thread when a load reaches its memory check, with the job id. */
    private volatile java.util.function.Consumer<String> beforeMemoryCheck = jobId -> { };
    /** Loads in progress, between LoadPartitions and BuildPartitions. */
    private final Map<String, Loading> loads = new ConcurrentHashMap<>();
    private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();
    /** Data address of every peer of the jobs held, by agent id (for Failure.peer_address). */
    private final Map<String, String> dataAddresses = new ConcurrentHashMap<>();
    private final CauseCounter handshakeFailures = new CauseCounter();
    private final ReplyLog replies = new ReplyLog();
    /** Checkpoints kept in agent.work-dir (job.checkpoint-storage: peer-copy): own files and peers' copies. */
    private final PeerCheckpoints peerCheckpoints;
    /** Structure files of the jobs' partitions, written beside the checkpoints and read by a recovery. */
    private final PartitionStructures structures;
    /** Resident graphs held for queries and later jobs, and the orders about them. */
    private final ResidentStore residents = new ResidentStore();
    private final ResidentCommands residentCommands;
    /** The threads that answer queries (Shard service), bounded by query.agent-max-in-flight. */
    private final QueryWorkers queryWorkers;

    private AgentJobs(GraphagentConfig config, TransportSecurity security, java.time.Clock clock)
            throws IOException, TlsFilesException {
        this.config = config;
        this.paths = JobPaths.of(config);
        this.security = security;
        String self = AgentIdentity.resolve(config, security);
        this.peerCheckpoints = new PeerCheckpoints(LocalCheckpoints.under(config.agent().workDir(), self), this::channel);
        this.residentCommands = new ResidentCommands(residents, this::channel, EXCHANGE_TIMEOUT, clock);
        int cores = Runtime.getRuntime().availableProcessors();
        this.queryWorkers = new QueryWorkers(cores, config.query().agentMaxInFlight(), clock);
        this.network = NetworkThreads.start("agent-data", 2);
        HostPort listen = config.agent().dataListen();
        this.dataServer = Servers.forAddress(new java.net.InetSocketAddress(listen.host(), listen.port()), security,
                        config.tls().handshakeTimeout(), handshakeFailures, network)
                .addService(new DataPlaneService(jobs::get, peerCheckpoints.replicas(), this::edgeTarget, this::idService))
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
        this.compute = Executors.newFixedThreadPool(cores, Thread.ofPlatform().name("graph-compute-", 0).daemon(true).factory());
        this.structures = new PartitionStructures(peerCheckpoints, compute);
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

    private io.graphagent.agent.dataplane.EdgeTarget edgeTarget(String jobId) {
        Loading loading = loads.get(jobId);
        return loading == null ? null : loading.load().received();
    }

    private io.graphagent.agent.dataplane.IdService idService(String jobId) {
        Loading loading = loads.get(jobId);
        if (loading != null) {
            return loading.load().received();
        }
        return jobs.get(jobId);
    }

    /** A job whose load is in progress: its order and the load. */
    private record Loading(LoadPartitions spec, PartitionedLoad load, Map<String, PeerSender> peers, String[] ownerOf) {
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
        held.putAll(residents.held());
        return held;
    }

    @Override
    public void onCommand(Command command, CoordinatorLink link) {
        if (!replies.first(command.getCommandId())) {
            // Sent again after the session resumed: answer again, behind the command itself if it still runs.
            log.info("event=command_repeated job={} command={} kind={}", command.getJobId(), command.getCommandId(),
                    command.getKindCase());
            commands.execute(() -> replies.reports(command.getCommandId()).forEach(r -> send(link, r)));
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
            Loading loading = loads.get(command.getJobId());
            if (loading != null && (kind == Command.KindCase.ABORT || loading.load().jobEpoch() < command.getJobEpoch())) {
                loads.remove(command.getJobId(), loading);
            }
        }
        commands.execute(() -> {
            try {
                run(command, link);
            } catch (OutOfMemoryError e) {
                // Drop the job's state so this agent lives on for the next job.
                loads.remove(command.getJobId());
                heldInThisLife.remove(command.getJobId());
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
                fail(link, command, FailureKind.OUT_OF_MEMORY, message);
            } catch (RuntimeException | Error e) {
                log.warn("event=command_failed cause={} job={} command={} detail=\"{}\"", e.getClass().getSimpleName(),
                        command.getJobId(), command.getKindCase(), e.getMessage(), e);
                fail(link, command, FailureKind.COMPUTE_FAILED, e.getClass().getSimpleName() + ": " + e.getMessage());
            }
        });
    }

    private void run(Command command, CoordinatorLink link) {
        String jobId = command.getJobId();
        switch (command.getKindCase()) {
            case LOAD_PARTITIONS -> load(command, link);
            case SHUFFLE_PARTITIONS -> shuffle(command, link);
            case BUILD_PARTITIONS -> build(command, link);
            case REBUILD_PARTITIONS -> rebuild(command, link);
            case START_SUPERSTEP -> {
                AgentJob job = job(command, link);
                if (job != null) {
                    reply(link, command, Report.newBuilder().setSuperstepDone(job.compute(command.getStartSuperstep())));
                    job.sendBroadcastsEarly();
                }
            }
            case EXCHANGE -> {
                AgentJob job = job(command, link);
                if (job != null) {
                    try {
                        reply(link, command, Report.newBuilder().setExchangeDone(job.exchange(command.getExchange())));
                        if (command.getExchange().hasThenStart()) {
                            // The exchange was the barrier: go on without waiting for a StartSuperstep.
                            reply(link, command, Report.newBuilder().setSuperstepDone(job.compute(command.getExchange().getThenStart())));
                            job.sendBroadcastsEarly();
                        }
                    } catch (AgentJob.ExchangeFailedException e) {
                        if (job.isSuperseded()) {
                            // A rollback ended it: the coordinator knows why; the report is of an older epoch.
                            log.info("event=exchange_abandoned job={} superstep={} detail=\"{}\"", jobId,
                                    command.getExchange().getSuperstep(), e.getMessage());
                            peerUnreachable(link, command, e.peer, e.getMessage(), "");
                            return;
                        }
                        FailureClassifier.Classification why = exchangeFailure(job, e);
                        log.warn("cause={} event=exchange_failed job={} peer={} superstep={} detail=\"{}\"", why.cause().label(),
                                jobId, e.peer, command.getExchange().getSuperstep(), why.detail());
                        peerUnreachable(link, command, e.peer, "exchange with peer " + e.peer + " failed: " + why.detail()
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
                        fail(link, command, FailureKind.OUTPUT_FAILED, e.getMessage());
                        return;
                    }
                    job.output(OUTPUT_CHUNK_BYTES, chunk -> reply(link, command, Report.newBuilder().setOutputChunk(chunk)));
                    reply(link, command, Report.newBuilder().setOutputDone(OutputDone.newBuilder().setVertices(job.ownedVertices())));
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
                    reply(link, command, Report.newBuilder().setResidentHeld(residentCommands.replicate(
                            ResidentStore.nameOf(jobId), command.getJobEpoch(), command.getReplicatePartitions())));
                } catch (ResidentCommands.ReplicaFailedException e) {
                    log.warn("event=replica_failed graph={} detail=\"{}\"", jobId, e.getMessage());
                    reply(link, command, Report.newBuilder().setFailure(Failure.newBuilder()
                            .setKind(FailureKind.PEER_UNREACHABLE).setMessage(e.getMessage()).setRetryable(true)));
                }
            }
            case DROP_REPLICAS -> reply(link, command, Report.newBuilder().setResidentHeld(
                    residentCommands.drop(ResidentStore.nameOf(jobId), command.getJobEpoch(), command.getDropReplicas())));
            case ATTACH_RESIDENT -> attach(command, link);
            case ABORT, RELEASE -> {
                loads.remove(jobId);
                String residentName = ResidentStore.nameOf(jobId);
                if (residentName != null && command.getKindCase() == Command.KindCase.ABORT
                        && residents.drop(residentName, command.getJobEpoch(), new int[0]) != null) {
                    log.info("event=resident_dropped graph={} reason=\"{}\"", residentName, command.getAbort().getReason());
                }
                heldInThisLife.remove(jobId);
                structures.forget(jobId);
                AgentJob released = jobs.remove(jobId);
                if (released != null) {
                    released.closeEarly("job released");
                    log.info("event=job_released job={} reason={}", jobId, command.getKindCase());
                }
                peerCheckpoints.dropJob(jobId);
            }
            default -> fail(link, command, FailureKind.COMPUTE_FAILED,
                    "this agent does not support command " + command.getKindCase() + " yet");
        }
    }

    /**
     * First step of a partitioned load: parses this agent's splits of the input (and keeps the
     * records for the shuffle), reporting LoadScanned with their weight per id block.
     */
    private void load(Command command, CoordinatorLink link) {
        releaseSuperseded(command.getJobId(), command.getJobEpoch());
        LoadPartitions load = command.getLoadPartitions();
        List<Path> files = new ArrayList<>();
        if (!load.getInput().getVertexFile().isEmpty()) {
            files.add(Path.of(load.getInput().getVertexFile()));
        }
        files.add(Path.of(load.getInput().getEdgeFile()));
        for (Path file : files) {
            java.util.Optional<String> refused = paths.inputProblem(file);
            if (refused.isPresent()) {
                fail(link, command, FailureKind.LOAD_FAILED, "this agent may not read the graph: " + refused.get());
                return;
            }
        }
        int[] owned = load.getPartitionIdsList().stream().mapToInt(Integer::intValue).sorted().toArray();
        if (!heldInThisLife.contains(command.getJobId())) {
            // Files of this job id in the work directory are from an earlier life (of the job id or of this agent).
            peerCheckpoints.dropJob(command.getJobId());
            structures.forget(command.getJobId());
        }
        String[] ownerOf = new String[(int) load.getPartitions()];
        Map<String, PeerSender> peers = new TreeMap<>();
        try {
            for (PartitionOwner owner : load.getPartitionMap().getOwnersList()) {
                ownerOf[owner.getPartitionId()] = owner.getAgentId();
                if (!owner.getAgentId().equals(link.agentId()) && !peers.containsKey(owner.getAgentId())) {
                    peers.put(owner.getAgentId(), new PeerSender(owner.getAgentId(), channel(owner.getDataAddress()),
                            EXCHANGE_TIMEOUT));
                    peerCheckpoints.peerAt(owner.getDataAddress(), owner.getAgentId());
                }
            }
        } catch (TlsFilesException e) {
            fail(link, command, FailureKind.PEER_UNREACHABLE, e.getMessage());
            return;
        }
        PartitionedLoad partitioned = new PartitionedLoad(command.getJobId(), link.agentId(), command.getJobEpoch(),
                load.getInput(), owned, ownerOf, peers, Runtime.getRuntime().availableProcessors(), EXCHANGE_TIMEOUT,
                edgeUse(load));
        Loading replaced = loads.put(command.getJobId(), new Loading(load, partitioned, peers, ownerOf));
        if (replaced != null) {
            log.info("event=load_restarted job={} epoch={}", command.getJobId(), command.getJobEpoch());
        }
        LoadScanned scanned;
        try {
            SplitAccess access = SplitAccess.choose(load.getInput(), load.getTransfer(),
                    new SplitFetcher(command.getJobId(), channel(link.coordinatorAddress()), EXCHANGE_TIMEOUT,
                            config.agent().workDir().resolve("input")));
            if (access.streamed()) {
                log.info("event=input_streamed job={} transfer={} reason=\"{}\" detail=\"splits come from the coordinator at {}\"",
                        command.getJobId(), load.getTransfer(), load.getTransfer() == InputTransfer.INPUT_TRANSFER_STREAM
                                ? "job.input-transfer is stream" : "this agent cannot read " + load.getInput().getEdgeFile(),
                        link.coordinatorAddress());
            }
            scanned = partitioned.scan(load.getSplitsList(), access);
        } catch (GraphInputException e) {
            loads.remove(command.getJobId());
            fail(link, command, FailureKind.LOAD_FAILED, e.getMessage());
            return;
        } catch (IOException | TlsFilesException e) {
            loads.remove(command.getJobId());
            fail(link, command, FailureKind.IO_ERROR, "cannot read the graph: " + e.getMessage());
            return;
        }
        log.info("event=load_scanned job={} vertex_records={} edge_records={} bytes_read={}", command.getJobId(),
                scanned.getVertexRecords(), scanned.getEdgeRecords(), scanned.getBytesRead());
        reply(link, command, Report.newBuilder().setLoadScanned(scanned));
    }

    /**
     * Drops the job's share and runner when a load of a newer job epoch supersedes them (a
     * rollback or a rebalance deals the partitions afresh), before the new load parses a line:
     * the agent never holds two shares of one job, so a reload needs no more heap than the
     * first load. Nothing of the old job is needed after this: a restore that follows the
     * reload reads its checkpoint into the new job, and when the reload fails the agent holds
     * no share of the job (a Restore answers "send LoadPartitions first" and the coordinator
     * loads again), never the old one as if it were current.
     */
    private void releaseSuperseded(String jobId, long epoch) {
        AgentJob previous = jobs.get(jobId);
        if (previous != null && previous.epoch() < epoch && jobs.remove(jobId, previous)) {
            previous.closeEarly("job loaded again at epoch " + epoch);
            log.info("event=share_released job={} epoch={} new_epoch={} share_bytes={} reason=reload", jobId,
                    previous.epoch(), epoch, previous.share().sizeInBytes());
        }
    }

    /** The share this agent holds for a job, if any (for tests). */
    Optional<GraphShare> heldShare(String jobId) {
        AgentJob job = jobs.get(jobId);
        return job == null ? Optional.empty() : Optional.of(job.share());
    }

    /** For tests: {@code hook} runs on the job thread when a load reaches its memory check. */
    void beforeMemoryCheck(java.util.function.Consumer<String> hook) {
        beforeMemoryCheck = hook;
    }

    /**
     * The edges a load keeps: those its kernel reads (PageRank: in-edges and out-degrees); every
     * edge for a resident graph, which any kernel and query may use later.
     */
    private static EdgeUse edgeUse(LoadPartitions load) {
        if (!load.getResidentGraph().isEmpty()) {
            return EdgeUse.OUT_AND_IN;
        }
        var p = load.getParameters();
        try {
            return Kernels.programShape(Algorithm.valueOf(load.getAlgorithm().name()),
                    new KernelParameters(p.getSourceVertex(), p.getIterations(), p.getDamping())).shape().edgeUse();
        } catch (IllegalArgumentException e) {
            return EdgeUse.OUT_AND_IN; // bad parameters: the job fails with their message when its kernel is made
        }
    }

    /** Second step: ships the parsed records to their owners and takes the peers'. */
    private void shuffle(Command command, CoordinatorLink link) {
        Loading loading = loading(command, link);
        if (loading == null) {
            return;
        }
        try {
            ShuffleDone done = loading.load().shuffle(command.getShufflePartitions(),
                    () -> loads.get(command.getJobId()) != loading);
            log.info("event=load_shuffled job={} edges_shipped={} entries_received={}", command.getJobId(),
                    done.getEdgesShipped(), done.getEntriesReceived());
            reply(link, command, Report.newBuilder().setShuffleDone(done));
        } catch (LoadException e) {
            loads.remove(command.getJobId(), loading);
            fail(link, command, e.badInput() ? FailureKind.LOAD_FAILED : FailureKind.PEER_UNREACHABLE, e.getMessage());
        } catch (InterruptedException e) {
            loads.remove(command.getJobId(), loading);
            fail(link, command, FailureKind.LOAD_FAILED, "load superseded: " + e.getMessage());
        }
    }

    /** Last step: numbers the vertices, learns the mirrors' ids and builds the share; reports LoadDone. */
    private void build(Command command, CoordinatorLink link) {
        long t0 = System.nanoTime();
        Loading loading = loading(command, link);
        if (loading == null) {
            return;
        }
        LoadPartitions spec = loading.spec();
        boolean resident = !spec.getResidentGraph().isEmpty();
        Algorithm algorithm = resident ? null : Algorithm.valueOf(spec.getAlgorithm().name());
        var p = spec.getParameters();
        KernelParameters parameters = new KernelParameters(p.getSourceVertex(), p.getIterations(), p.getDamping());
        boolean sourced = algorithm == Algorithm.BFS || algorithm == Algorithm.SSSP;
        BuiltShare built;
        try {
            beforeMemoryCheck.accept(command.getJobId());
            ShareMemory.check(link.agentId(), loading.load(), command.getBuildPartitions());
            built = loading.load().build(command.getBuildPartitions(), sourced ? p.getSourceVertex() : null);
        } catch (LoadException e) {
            loads.remove(command.getJobId(), loading);
            fail(link, command, e.badInput() ? FailureKind.LOAD_FAILED
                    : e.outOfMemory() ? FailureKind.OUT_OF_MEMORY : FailureKind.PEER_UNREACHABLE, e.getMessage());
            return;
        }
        GraphShare share = built.share();
        if (resident) {
            loads.remove(command.getJobId(), loading);
            residents.keep(spec.getResidentGraph(), command.getJobEpoch(), share, command.getBuildPartitions().getDenseIds());
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            log.info("event=resident_loaded graph={} generation={} partitions={} vertices={} mirrors={} edge_entries={}"
                    + " share_bytes={} build_ms={}", spec.getResidentGraph(), command.getJobEpoch(), share.owned().length,
                    share.ownedVertices(), share.mirrors(), share.edgeEntries(), share.sizeInBytes(), ms);
            reply(link, command, Report.newBuilder().setLoadDone(loadDone(share, ms, null)
                    .setEdgesShipped(loading.load().edgesShipped())));
            return;
        }
        AgentJob job = startJob(command, link, share, algorithm, parameters, built.sourceDense(), spec.getPartitionMap(),
                loading.ownerOf());
        loads.remove(command.getJobId(), loading);
        if (job == null) {
            return;
        }
        structures.started(command.getJobId(), share, sourced ? built.sourceDense() : -1);
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        log.info("event=job_loaded job={} partitions={} vertices={} mirrors={} edge_entries={} share_bytes={}"
                + " build_peak_bytes={} build_ms={}", command.getJobId(), share.owned().length, share.ownedVertices(),
                share.mirrors(), share.edgeEntries(), share.sizeInBytes(), built.buildPeakBytes(), ms);
        reply(link, command, Report.newBuilder().setLoadDone(loadDone(share, ms, job)
                .setEdgesShipped(loading.load().edgesShipped())));
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
            kernel = Kernels.create(algorithm, parameters, share.weighted(), sourceDense, labels);
        } catch (IllegalArgumentException e) {
            fail(link, command, FailureKind.LOAD_FAILED, e.getMessage());
            return null;
        }
        AgentJob job;
        try {
            job = buildJob(command.getJobId(), link.agentId(), share, kernel, labels, map, command.getJobEpoch(), ownerOf);
        } catch (TlsFilesException e) {
            fail(link, command, FailureKind.PEER_UNREACHABLE, e.getMessage());
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
     * A recovery's load without the input: the share of the partitions this agent owns from
     * now on, built from their structure files (fetched first from the peers named, with peer
     * copies); kept as it is when it holds exactly those partitions already. A file missing or
     * unusable is answered STRUCTURE_UNAVAILABLE, after which the coordinator loads the input.
     */
    private void rebuild(Command command, CoordinatorLink link) {
        long t0 = System.nanoTime();
        String jobId = command.getJobId();
        io.graphagent.protocol.v1.RebuildPartitions order = command.getRebuildPartitions();
        int[] owned = order.getPartitionIdsList().stream().mapToInt(Integer::intValue).sorted().toArray();
        AgentJob held = jobs.get(jobId);
        if (held != null && held.epoch() < command.getJobEpoch() && java.util.Arrays.equals(held.share().owned(), owned)) {
            // The Restore that follows runs the job at the new epoch over this share.
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            log.info("event=share_kept job={} epoch={} partitions={} share_bytes={}", jobId, command.getJobEpoch(),
                    owned.length, held.share().sizeInBytes());
            reply(link, command, Report.newBuilder().setLoadDone(loadDone(held.share(), ms, held)));
            return;
        }
        releaseSuperseded(jobId, command.getJobEpoch());
        Algorithm algorithm = Algorithm.valueOf(order.getAlgorithm().name());
        var p = order.getParameters();
        KernelParameters parameters = new KernelParameters(p.getSourceVertex(), p.getIterations(), p.getDamping());
        PartitionStructures.Rebuilt rebuilt;
        try {
            Path dir = peerCheckpoints.directory(order.getDirectory());
            rebuilt = structures.rebuild(jobId, dir, owned, order.getReplicaAddressesMap());
        } catch (io.graphagent.agent.structure.StructureException | IllegalArgumentException e) {
            log.warn("event=structure_unavailable job={} epoch={} policy=reload detail=\"{}\"", jobId, command.getJobEpoch(),
                    e.getMessage());
            fail(link, command, FailureKind.STRUCTURE_UNAVAILABLE, e.getMessage());
            return;
        }
        GraphShare share = rebuilt.share();
        String[] ownerOf = new String[(int) order.getPartitions()];
        for (PartitionOwner owner : order.getPartitionMap().getOwnersList()) {
            ownerOf[owner.getPartitionId()] = owner.getAgentId();
        }
        AgentJob job = startJob(command, link, share, algorithm, parameters, rebuilt.sourceDense(), order.getPartitionMap(),
                ownerOf);
        if (job == null) {
            return;
        }
        structures.started(jobId, share, rebuilt.sourceDense());
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        log.info("event=job_rebuilt job={} source=structure partitions={} vertices={} mirrors={} edge_entries={}"
                + " share_bytes={} structure_bytes={} ms={}", jobId, owned.length, share.ownedVertices(), share.mirrors(),
                share.edgeEntries(), share.sizeInBytes(), rebuilt.bytes(), ms);
        reply(link, command, Report.newBuilder().setLoadDone(loadDone(share, ms, job)));
    }

    /**
     * A batch job on a resident graph: its share is made of the replicas this agent holds of the
     * job's partitions (used as they are when one share holds exactly them), no input is read.
     */
    private void attach(Command command, CoordinatorLink link) {
        long t0 = System.nanoTime();
        AttachResident order = command.getAttachResident();
        String name = ResidentStore.nameOf(order.getGraphJobId());
        ResidentGraph graph = name == null ? null : residents.find(name, order.getGeneration());
        if (graph == null) {
            reply(link, command, Report.newBuilder().setFailure(Failure.newBuilder().setKind(FailureKind.LOAD_FAILED)
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
            reply(link, command, Report.newBuilder().setFailure(Failure.newBuilder().setKind(FailureKind.LOAD_FAILED)
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
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        log.info("event=job_attached job={} graph={} generation={} partitions={} vertices={} ms={}", command.getJobId(),
                name, order.getGeneration(), owned.length, share.ownedVertices(), ms);
        reply(link, command, Report.newBuilder().setLoadDone(loadDone(share, ms, job)));
    }

    /** What a load built, for LoadDone: per-partition counts, the share's size, the job's delivery inputs. */
    private static LoadDone.Builder loadDone(GraphShare share, long ms, AgentJob job) {
        int[] owned = share.owned();
        Runtime runtime = Runtime.getRuntime();
        LoadDone.Builder done = LoadDone.newBuilder();
        for (int q : owned) {
            done.putPartitionVertices(q, share.partitioning().size(q));
            int first = share.firstSlot(q);
            int end = first + share.partitioning().size(q);
            done.putPartitionEdges(q, share.edgeEntries(first, end));
        }
        for (int q : owned) {
            done.addPartitionIds(q);
        }
        if (job != null) {
            done.setEdgeSlots(job.edgeSlots()).setVerticesWithOutEdges(job.verticesWithOutEdges());
        }
        return done.setVertices(share.ownedVertices())
                .setEdges(share.edgeEntries())
                .setLoadTimeMs(ms)
                .setIdBlocks(share.partitioning().blocks().count())
                .setMirrors(share.mirrors())
                .setShareBytes(share.sizeInBytes())
                .setHeapMaxBytes(runtime.maxMemory())
                .setHeapUsedBytes(runtime.totalMemory() - runtime.freeMemory());
    }

    private Loading loading(Command command, CoordinatorLink link) {
        Loading loading = loads.get(command.getJobId());
        if (loading == null || loading.load().jobEpoch() != command.getJobEpoch()) {
            fail(link, command, FailureKind.LOAD_FAILED, "this agent has no load of job " + command.getJobId()
                    + " at job epoch " + command.getJobEpoch() + ": send LoadPartitions first");
            return null;
        }
        return loading;
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
        long t0 = System.nanoTime();
        io.graphagent.protocol.v1.Checkpoint c = command.getCheckpoint();
        Path dir;
        try {
            dir = peerCheckpoints.directory(c.getDirectory());
        } catch (IllegalArgumentException e) {
            fail(link, command, FailureKind.CHECKPOINT_FAILED, e.getMessage());
            return;
        }
        peerCheckpoints.beforeWrite(command.getJobId(), c);
        long bytes = 0;
        try {
            java.nio.file.Files.createDirectories(dir);
            String structureFailed = structures.beforeCheckpoint(command.getJobId(), command.getJobEpoch(), job.share(), dir,
                    c.getReplicaAddress(), link.agentId());
            if (structureFailed != null) {
                fail(link, command, FailureKind.CHECKPOINT_FAILED, structureFailed + ". The previous checkpoint stays in use."
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
            fail(link, command, FailureKind.CHECKPOINT_FAILED, "interrupted while writing the checkpoint of superstep "
                    + c.getSuperstep());
            return;
        } catch (ExecutionException | IOException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            fail(link, command, FailureKind.CHECKPOINT_FAILED, "cannot write the checkpoint of superstep " + c.getSuperstep()
                    + " to " + dir + ": " + cause + ". Fix: make " + (Path.of(c.getDirectory()).isAbsolute() ? "job.checkpoint-dir"
                    : "agent.work-dir") + " writable with free space");
            return;
        }
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        log.info("event=checkpoint_written job={} superstep={} partitions={} bytes={} ms={}", command.getJobId(),
                c.getSuperstep(), job.owned().length, bytes, ms);
        boolean replicated = !c.getReplicaAddress().isEmpty();
        if (replicated) {
            String failed = peerCheckpoints.copy(command.getJobId(), command.getJobEpoch(), c, dir, job.owned());
            if (failed != null) {
                fail(link, command, FailureKind.CHECKPOINT_FAILED, failed);
                return;
            }
        }
        reply(link, command, Report.newBuilder().setCheckpointDone(io.graphagent.protocol.v1.CheckpointDone.newBuilder()
                .setSuperstep(c.getSuperstep()).setBytes(bytes).setLocation(dir.toString()).setReplicated(replicated)
                .setWriteTimeMs(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0))));
    }

    /** Rolls the job back: new partitions and epoch, state from the checkpoint (or from scratch). */
    private void restore(Command command, CoordinatorLink link) {
        AgentJob old = jobs.get(command.getJobId());
        if (old == null) {
            // Retryable: this agent lost the job (it restarted); the coordinator recovers and has it load again.
            reply(link, command, Report.newBuilder().setFailure(Failure.newBuilder().setKind(FailureKind.RESTORE_FAILED)
                    .setMessage("this agent holds no job " + command.getJobId() + " to restore: send LoadPartitions first")
                    .setRetryable(true)));
            return;
        }
        io.graphagent.protocol.v1.Restore r = command.getRestore();
        int[] owned = r.getPartitionIdsList().stream().mapToInt(Integer::intValue).sorted().toArray();
        int partitions = old.runner().partitioning().count();
        if (!java.util.Arrays.equals(owned, old.share().owned())) {
            fail(link, command, FailureKind.RESTORE_FAILED, "this agent holds partitions "
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
                    reply(link, command, Report.newBuilder().setFailure(fetched));
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
            fail(link, command, FailureKind.RESTORE_FAILED, "cannot restore superstep " + r.getSuperstep() + " from "
                    + r.getDirectory() + ": " + e.getMessage());
            return;
        }
        jobs.put(command.getJobId(), job);
        old.closeEarly("job restored");
        log.info("event=job_restored job={} epoch={} superstep={} partitions={} from_scratch={}", command.getJobId(),
                command.getJobEpoch(), r.getSuperstep(), owned.length, r.getFromScratch());
        reply(link, command, Report.newBuilder().setRestoreDone(io.graphagent.protocol.v1.RestoreDone.newBuilder()
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
            reply(link, command, Report.newBuilder().setFailure(Failure.newBuilder().setKind(FailureKind.COMPUTE_FAILED)
                    .setMessage("this agent holds no job " + command.getJobId() + " (was it restarted?)").setRetryable(true)));
        }
        return job;
    }

    private void reply(CoordinatorLink link, Command command, Report.Builder report) {
        Report r = report.setCommandId(command.getCommandId()).setJobId(command.getJobId())
                .setJobEpoch(command.getJobEpoch()).build();
        replies.sent(command.getCommandId(), r);
        send(link, r);
    }

    private void send(CoordinatorLink link, Report r) {
        // A session that broke resumes within the lease with the same epoch: keep the report
        // until then rather than drop it (the coordinator would wait for it in vain).
        long deadline = System.nanoTime() + config.session().leaseTtl().toNanos();
        while (!link.report(r)) {
            if (System.nanoTime() > deadline) {
                log.warn("event=report_dropped cause=stream_broken job={} report={} detail=\"no session for {} ms\"",
                        r.getJobId(), r.getKindCase(), config.session().leaseTtl().toMillis());
                return;
            }
            try {
                TimeUnit.MILLISECONDS.sleep(REPORT_RETRY.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** How often a report waits for its session to come back. */
    static final Duration REPORT_RETRY = Duration.ofMillis(50);

    /**
     * The peer at its data address, for the coordinator to count it lost, with the connection's
     * DisconnectCause label when known; retryable by a rollback.
     */
    private void peerUnreachable(CoordinatorLink link, Command command, String peer, String message, String cause) {
        reply(link, command, Report.newBuilder().setFailure(Failure.newBuilder().setKind(FailureKind.PEER_UNREACHABLE)
                .setMessage(message).setPeerAddress(dataAddresses.getOrDefault(peer, "")).setCause(cause).setRetryable(true)));
    }

    private void fail(CoordinatorLink link, Command command, FailureKind kind, String message) {
        reply(link, command, Report.newBuilder().setFailure(Failure.newBuilder().setKind(kind).setMessage(message)));
    }

    @Override
    public void onFenced(String reason) {
        log.warn("event=fenced cause=fenced jobs_dropped={} detail=\"{}\"", jobs.size(), reason);
        jobs.clear();
        heldInThisLife.clear();
        // The coordinator counted this agent's replicas lost and makes them again elsewhere.
        residents.dropAll("fenced: " + reason);
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
