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
import io.graphagent.graph.csr.Graph;
import io.graphagent.graph.kernels.Algorithm;
import io.graphagent.graph.kernels.Kernel;
import io.graphagent.graph.kernels.KernelParameters;
import io.graphagent.graph.kernels.Kernels;
import io.graphagent.graph.load.GraphInputException;
import io.graphagent.graph.load.GraphLoader;
import io.graphagent.graph.load.GraphSource;
import io.graphagent.graph.load.LoadProgress;
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
    private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();
    /** Data address of every peer of the jobs held, by agent id (for Failure.peer_address). */
    private final Map<String, String> dataAddresses = new ConcurrentHashMap<>();
    private final CauseCounter handshakeFailures = new CauseCounter();
    private final ReplyLog replies = new ReplyLog();
    /** Checkpoints kept in agent.work-dir (job.checkpoint-storage: peer-copy): own files and peers' copies. */
    private final PeerCheckpoints peerCheckpoints;

    private AgentJobs(GraphagentConfig config, TransportSecurity security) throws IOException, TlsFilesException {
        this.config = config;
        this.paths = JobPaths.of(config);
        this.security = security;
        this.peerCheckpoints = new PeerCheckpoints(
                LocalCheckpoints.under(config.agent().workDir(), AgentIdentity.resolve(config, security)), this::channel);
        this.network = NetworkThreads.start("agent-data", 2);
        HostPort listen = config.agent().dataListen();
        this.dataServer = Servers.forAddress(new java.net.InetSocketAddress(listen.host(), listen.port()), security,
                        config.tls().handshakeTimeout(), handshakeFailures, network)
                .addService(new DataPlaneService(jobs::get, peerCheckpoints.replicas()))
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
        int cores = Runtime.getRuntime().availableProcessors();
        this.compute = Executors.newFixedThreadPool(cores, Thread.ofPlatform().name("graph-compute-", 0).daemon(true).factory());
        log.info("event=data_plane_listening address={} tls={}", dataAddress, security.isTls());
    }

    /**
     * Binds the data plane (config agent.data-listen) and returns the handler to give the session client.
     *
     * @throws TlsFilesException when the TLS files are unusable
     * @throws UncheckedIOException when the data address cannot be bound
     */
    public static AgentJobs start(GraphagentConfig config, TransportSecurity security) throws TlsFilesException {
        try {
            return new AgentJobs(config, security);
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
        if (kind == Command.KindCase.RESTORE || kind == Command.KindCase.ABORT || kind == Command.KindCase.LOAD_PARTITIONS) {
            AgentJob running = jobs.get(command.getJobId());
            if (running != null && (kind == Command.KindCase.ABORT || running.epoch() < command.getJobEpoch())) {
                running.supersede();
                // A checkpoint copy or fetch to a peer that hangs would hold the job thread until its deadline.
                peerCheckpoints.cancel(command.getJobId());
            }
        }
        commands.execute(() -> {
            try {
                run(command, link);
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
            case ABORT, RELEASE -> {
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

    private void load(Command command, CoordinatorLink link) {
        long t0 = System.nanoTime();
        LoadPartitions load = command.getLoadPartitions();
        Algorithm algorithm = Algorithm.valueOf(load.getAlgorithm().name());
        GraphSource source = load.getInput().getVertexFile().isEmpty()
                ? GraphSource.edgeList(Path.of(load.getInput().getEdgeFile()), load.getInput().getDirected(), load.getInput().getWeighted())
                : new GraphSource(Path.of(load.getInput().getVertexFile()), Path.of(load.getInput().getEdgeFile()),
                        load.getInput().getDirected(), load.getInput().getWeighted());
        for (Path file : source.files()) {
            java.util.Optional<String> refused = paths.inputProblem(file);
            if (refused.isPresent()) {
                fail(link, command, FailureKind.LOAD_FAILED, "this agent may not read the graph: " + refused.get());
                return;
            }
        }
        Graph graph;
        try {
            graph = GraphLoader.load(source, Runtime.getRuntime().availableProcessors(), LoadProgress.NONE);
        } catch (GraphInputException e) {
            fail(link, command, FailureKind.LOAD_FAILED, e.getMessage());
            return;
        } catch (IOException e) {
            fail(link, command, FailureKind.IO_ERROR, "cannot read the graph: " + e.getMessage());
            return;
        }
        Kernel kernel;
        try {
            var p = load.getParameters();
            kernel = Kernels.create(algorithm, graph, new KernelParameters(p.getSourceVertex(), p.getIterations(), p.getDamping()));
        } catch (IllegalArgumentException e) {
            fail(link, command, FailureKind.LOAD_FAILED, e.getMessage());
            return;
        }
        int[] owned = load.getPartitionIdsList().stream().mapToInt(Integer::intValue).sorted().toArray();
        if (!jobs.containsKey(command.getJobId())) {
            // Files of this job id in the work directory are from an earlier life (of the job id or of this agent).
            peerCheckpoints.dropJob(command.getJobId());
        }
        AgentJob job;
        try {
            job = buildJob(command.getJobId(), link.agentId(), graph, kernel, (int) load.getPartitions(), owned,
                    load.getPartitionMap(), command.getJobEpoch());
        } catch (TlsFilesException e) {
            fail(link, command, FailureKind.PEER_UNREACHABLE, e.getMessage());
            return;
        }
        AgentJob replaced = jobs.put(command.getJobId(), job);
        if (replaced != null) {
            replaced.closeEarly("job loaded again");
        }
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        log.info("event=job_loaded job={} partitions={} vertices={} edges={} load_ms={}", command.getJobId(),
                owned.length, job.ownedVertices(), graph.numEdges(), ms);
        LoadDone.Builder done = LoadDone.newBuilder();
        for (int p : owned) {
            done.putPartitionVertices(p, job.runner().partitioning().members(p).length);
        }
        reply(link, command, Report.newBuilder().setLoadDone(done
                .addAllPartitionIds(load.getPartitionIdsList())
                .setVertices(job.ownedVertices())
                .setEdges(graph.numEdges())
                .setLoadTimeMs(ms)
                .setEdgeSlots(job.edgeSlots())
                .setVerticesWithOutEdges(job.verticesWithOutEdges())));
    }

    /** A job's state on this agent for one partition map and job epoch, over a graph already loaded. */
    private AgentJob buildJob(String jobId, String agentId, Graph graph, Kernel kernel, int partitions, int[] owned,
                              io.graphagent.protocol.v1.PartitionMap map, long epoch) throws TlsFilesException {
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
        PartitionRunner runner = new PartitionRunner(graph, kernel.program(), partitions, owned, compute);
        return new AgentJob(jobId, agentId, graph, kernel, runner, owned, peerPartitions, peers, EXCHANGE_TIMEOUT, epoch);
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
        AgentJob job;
        try {
            job = buildJob(command.getJobId(), link.agentId(), old.graph(), old.kernel(), partitions, owned,
                    r.getPartitionMap(), command.getJobEpoch());
            peerCheckpoints.beforeRestore(command.getJobId(), r);
            if (!r.getFromScratch()) {
                Path dir = peerCheckpoints.directory(r.getDirectory());
                Failure fetched = peerCheckpoints.fetch(command.getJobId(), r, dir);
                if (fetched != null) {
                    reply(link, command, Report.newBuilder().setFailure(fetched));
                    return;
                }
                // Owned partitions whole; the others only for their broadcasts, which only a pulling superstep reads.
                for (int p = 0; p < partitions; p++) {
                    if (r.getPull() || java.util.Arrays.binarySearch(owned, p) >= 0) {
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
        // Command ids are the coordinator's: a new session (perhaps a restarted coordinator) starts them afresh.
        replies.clear();
    }

    @Override
    public void close() {
        commands.shutdownNow();
        compute.shutdownNow();
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
