package io.graphagent.agent.job;

import io.graphagent.agent.dataplane.PeerSender;
import io.graphagent.agent.load.BuiltShare;
import io.graphagent.agent.load.LoadException;
import io.graphagent.agent.load.PartitionedLoad;
import io.graphagent.agent.load.ShareMemory;
import io.graphagent.agent.load.SplitAccess;
import io.graphagent.agent.load.SplitFetcher;
import io.graphagent.agent.resident.ResidentStore;
import io.graphagent.agent.session.CoordinatorLink;
import io.graphagent.agent.program.JobPrograms;
import io.graphagent.agent.program.ProgramUnavailableException;
import io.graphagent.api.EdgeUse;
import io.graphagent.config.GraphagentConfig;
import io.graphagent.config.JobPaths;
import io.graphagent.graph.kernels.Algorithm;
import io.graphagent.graph.kernels.KernelParameters;
import io.graphagent.graph.kernels.Kernels;
import io.graphagent.graph.load.GraphInputException;
import io.graphagent.graph.partition.GraphShare;
import io.graphagent.net.time.Ticker;
import io.graphagent.net.tls.TlsFilesException;
import io.graphagent.protocol.v1.Command;
import io.graphagent.protocol.v1.FailureKind;
import io.graphagent.protocol.v1.InputTransfer;
import io.graphagent.protocol.v1.LoadPartitions;
import io.graphagent.protocol.v1.LoadScanned;
import io.graphagent.protocol.v1.Report;
import io.graphagent.protocol.v1.ShuffleDone;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's side of a partitioned load, one step per command: LoadPartitions (parse this
 * agent's splits), ShufflePartitions (ship the records to their owners), BuildPartitions
 * (number the vertices, build the share and start the job's kernel on it, or keep it as a
 * resident graph). A load of a newer job epoch first releases the job's older share. Job
 * thread, except the lookups the data plane makes ({@link #edgeTarget}, {@link #idService}).
 */
final class LoadSteps {
    private static final Logger log = LoggerFactory.getLogger(LoadSteps.class);
    private static final java.time.Duration EXCHANGE_TIMEOUT = AgentJobs.EXCHANGE_TIMEOUT;

    /** Starts a job's kernel over a share built: the job, or null after answering the failure. */
    @FunctionalInterface
    interface JobStarter {
        AgentJob start(Command command, CoordinatorLink link, GraphShare share, Algorithm algorithm,
                       KernelParameters parameters, int sourceDense, io.graphagent.protocol.v1.PartitionMap map,
                       String[] ownerOf);
    }

    private final GraphagentConfig config;
    /** Where this agent may read a job's graph (its job.input-roots, less its own directories). */
    private final JobPaths paths;
    private final Map<String, AgentJob> jobs;
    private final Set<String> heldInThisLife;
    private final PeerCheckpoints peerCheckpoints;
    private final PartitionStructures structures;
    private final ResidentStore residents;
    /** The user programs of this agent's jobs (a load opens its job's program: its shape says which edges to keep). */
    private final JobPrograms programs;
    private final PeerCheckpoints.Dialer dialer;
    private final Answers answers;
    private final JobStarter starter;
    /** The agent's clock, for the time a build took. */
    private final java.time.Clock clock;
    /** The agent's monotonic time, for the loads' waits for peers. */
    private final Ticker ticker;
    /** Loads in progress, between LoadPartitions and BuildPartitions. */
    private final Map<String, Loading> loads = new ConcurrentHashMap<>();
    /**
     * Jobs whose Abort arrived and is not yet run on the job thread, with its job epoch: a
     * LoadPartitions of that epoch or older queued before it does not start.
     */
    private final Map<String, Long> aborted = new ConcurrentHashMap<>();
    /** For tests: runs on the job thread when a load reaches its memory check, with the job id. */
    private volatile java.util.function.Consumer<String> beforeMemoryCheck = jobId -> { };

    LoadSteps(GraphagentConfig config, JobPaths paths, Map<String, AgentJob> jobs, Set<String> heldInThisLife,
              PeerCheckpoints peerCheckpoints, PartitionStructures structures, ResidentStore residents,
              JobPrograms programs, PeerCheckpoints.Dialer dialer, Answers answers, JobStarter starter,
              java.time.Clock clock, Ticker ticker) {
        this.clock = clock;
        this.ticker = ticker;
        this.config = config;
        this.paths = paths;
        this.jobs = jobs;
        this.heldInThisLife = heldInThisLife;
        this.peerCheckpoints = peerCheckpoints;
        this.structures = structures;
        this.residents = residents;
        this.programs = programs;
        this.dialer = dialer;
        this.answers = answers;
        this.starter = starter;
    }

    io.graphagent.agent.dataplane.EdgeTarget edgeTarget(String jobId) {
        Loading loading = loads.get(jobId);
        return loading == null ? null : loading.load().received();
    }

    io.graphagent.agent.dataplane.IdService idService(String jobId) {
        Loading loading = loads.get(jobId);
        if (loading != null) {
            return loading.load().received();
        }
        return jobs.get(jobId);
    }

    /** A job whose load is in progress: its order and the load. */
    record Loading(LoadPartitions spec, PartitionedLoad load, Map<String, PeerSender> peers, String[] ownerOf) {
    }

    /**
     * A rollback (or abort) ends a load in progress of an older job epoch at once instead of
     * holding the job thread until the load's deadline (a shuffle waiting for a peer that was lost,
     * a scan filling the heap for a job that already failed). An Abort also stops a LoadPartitions
     * of the job still queued behind another command: it would start after the abort arrived.
     */
    void supersede(Command command) {
        if (command.getKindCase() == Command.KindCase.ABORT) {
            aborted.merge(command.getJobId(), command.getJobEpoch(), Math::max);
        }
        Loading loading = loads.get(command.getJobId());
        if (loading != null && (command.getKindCase() == Command.KindCase.ABORT
                || loading.load().jobEpoch() < command.getJobEpoch())) {
            loads.remove(command.getJobId(), loading);
        }
    }

    /** Drops the job's load in progress, if any (the job thread's Abort or Release: an abort noted is done with). */
    void drop(String jobId) {
        loads.remove(jobId);
        aborted.remove(jobId);
    }

    /** Drops every load in progress (the session was fenced): each stops at once, as a superseded one does. */
    void dropAll() {
        loads.clear();
        aborted.clear();
    }

    /**
     * First step of a partitioned load: parses this agent's splits of the input (and keeps the
     * records for the shuffle), reporting LoadScanned with their weight per id block.
     */
    void load(Command command, CoordinatorLink link) {
        releaseSuperseded(command.getJobId(), command.getJobEpoch());
        Long abortedAt = aborted.get(command.getJobId());
        if (abortedAt != null && abortedAt >= command.getJobEpoch()) {
            log.info("event=load_skipped job={} epoch={} detail=\"the job was aborted before its load started\"",
                    command.getJobId(), command.getJobEpoch());
            answers.fail(link, command, FailureKind.LOAD_FAILED, "load superseded: job " + command.getJobId() + " was aborted");
            return;
        }
        LoadPartitions load = command.getLoadPartitions();
        List<Path> files = new ArrayList<>();
        if (!load.getInput().getVertexFile().isEmpty()) {
            files.add(Path.of(load.getInput().getVertexFile()));
        }
        files.add(Path.of(load.getInput().getEdgeFile()));
        for (Path file : files) {
            java.util.Optional<String> refused = paths.inputProblem(file);
            if (refused.isPresent()) {
                answers.fail(link, command, FailureKind.LOAD_FAILED, "this agent may not read the graph: " + refused.get());
                return;
            }
        }
        int[] owned = load.getPartitionIdsList().stream().mapToInt(Integer::intValue).sorted().toArray();
        if (!heldInThisLife.contains(command.getJobId())) {
            // Files of this job id in the work directory are from an earlier life (of the job id or of this agent).
            peerCheckpoints.dropJob(command.getJobId());
            structures.forget(command.getJobId());
        }
        LoadPeers wired;
        try {
            wired = LoadPeers.of(load, link.agentId(), dialer, peerCheckpoints, EXCHANGE_TIMEOUT);
        } catch (TlsFilesException e) {
            answers.fail(link, command, FailureKind.PEER_UNREACHABLE, e.getMessage());
            return;
        }
        String[] ownerOf = wired.ownerOf();
        Map<String, PeerSender> peers = wired.peers();
        EdgeUse edgeUse;
        try {
            edgeUse = JobPrograms.named(load.getProgram())
                    ? programs.open(command.getJobId(), load.getProgram(), load.getProgramParametersMap(),
                            dialer.channel(link.coordinatorAddress())).shape().edgeUse()
                    : edgeUse(load);
        } catch (ProgramUnavailableException | TlsFilesException e) {
            answers.fail(link, command, FailureKind.LOAD_FAILED, e.getMessage());
            return;
        }
        PartitionedLoad partitioned = new PartitionedLoad(command.getJobId(), link.agentId(), command.getJobEpoch(),
                load.getInput(), owned, ownerOf, peers, Runtime.getRuntime().availableProcessors(), EXCHANGE_TIMEOUT,
                edgeUse, ticker);
        Loading loading = new Loading(load, partitioned, peers, ownerOf);
        Loading replaced = loads.put(command.getJobId(), loading);
        if (replaced != null) {
            log.info("event=load_restarted job={} epoch={}", command.getJobId(), command.getJobEpoch());
        }
        LoadScanned scanned;
        try {
            SplitAccess access = SplitAccess.choose(load.getInput(), load.getTransfer(),
                    new SplitFetcher(command.getJobId(), dialer.channel(link.coordinatorAddress()), EXCHANGE_TIMEOUT,
                            config.agent().workDir().resolve("input")));
            if (access.streamed()) {
                log.info("event=input_streamed job={} transfer={} reason=\"{}\" detail=\"splits come from the coordinator at {}\"",
                        command.getJobId(), load.getTransfer(), load.getTransfer() == InputTransfer.INPUT_TRANSFER_STREAM
                                ? "job.input-transfer is stream" : "this agent cannot read " + load.getInput().getEdgeFile(),
                        link.coordinatorAddress());
            }
            scanned = partitioned.scan(load.getSplitsList(), access, () -> loads.get(command.getJobId()) != loading);
        } catch (InterruptedException e) {
            loads.remove(command.getJobId(), loading);
            log.info("event=load_stopped job={} epoch={} detail=\"{}\"", command.getJobId(), command.getJobEpoch(),
                    e.getMessage());
            answers.fail(link, command, FailureKind.LOAD_FAILED, "load superseded: " + e.getMessage());
            return;
        } catch (LoadException e) {
            loads.remove(command.getJobId(), loading);
            log.warn("event=command_failed cause=out_of_memory job={} command=LOAD_PARTITIONS detail=\"{}\"",
                    command.getJobId(), e.getMessage());
            FailedJobHeap.release(command.getJobId(), "heap thrashing while parsing");
            answers.fail(link, command, FailureKind.OUT_OF_MEMORY, e.getMessage());
            return;
        } catch (GraphInputException e) {
            loads.remove(command.getJobId());
            answers.fail(link, command, FailureKind.LOAD_FAILED, e.getMessage());
            return;
        } catch (IOException | TlsFilesException e) {
            loads.remove(command.getJobId());
            answers.fail(link, command, FailureKind.IO_ERROR, "cannot read the graph: " + e.getMessage());
            return;
        }
        log.info("event=load_scanned job={} vertex_records={} edge_records={} bytes_read={}", command.getJobId(),
                scanned.getVertexRecords(), scanned.getEdgeRecords(), scanned.getBytesRead());
        answers.reply(link, command, Report.newBuilder().setLoadScanned(scanned));
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
    void releaseSuperseded(String jobId, long epoch) {
        AgentJob previous = jobs.get(jobId);
        if (previous != null && previous.epoch() < epoch && jobs.remove(jobId, previous)) {
            // The structure files' writer holds the share too: let it go with the job.
            structures.forget(jobId);
            previous.closeEarly("job loaded again at epoch " + epoch);
            log.info("event=share_released job={} epoch={} new_epoch={} share_bytes={} reason=reload", jobId,
                    previous.epoch(), epoch, previous.share().sizeInBytes());
        }
    }

    /** For tests: {@code hook} runs on the job thread when a load reaches its memory check. */
    void beforeMemoryCheck(java.util.function.Consumer<String> hook) {
        beforeMemoryCheck = hook;
    }

    /** For tests: where a rebuild from structure files begins its new share (the old one released), the same hook. */
    void beforeNewShare(String jobId) {
        beforeMemoryCheck.accept(jobId);
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
    void shuffle(Command command, CoordinatorLink link) {
        Loading loading = loading(command, link);
        if (loading == null) {
            return;
        }
        try {
            ShuffleDone done = loading.load().shuffle(command.getShufflePartitions(),
                    () -> loads.get(command.getJobId()) != loading);
            log.info("event=load_shuffled job={} edges_shipped={} entries_received={}", command.getJobId(),
                    done.getEdgesShipped(), done.getEntriesReceived());
            answers.reply(link, command, Report.newBuilder().setShuffleDone(done));
        } catch (LoadException e) {
            loads.remove(command.getJobId(), loading);
            answers.fail(link, command, e.badInput() ? FailureKind.LOAD_FAILED : FailureKind.PEER_UNREACHABLE, e.getMessage());
        } catch (InterruptedException e) {
            loads.remove(command.getJobId(), loading);
            answers.fail(link, command, FailureKind.LOAD_FAILED, "load superseded: " + e.getMessage());
        }
    }

    /** Last step: numbers the vertices, learns the mirrors' ids and builds the share; reports LoadDone. */
    void build(Command command, CoordinatorLink link) {
        long t0 = clock.millis();
        Loading loading = loading(command, link);
        if (loading == null) {
            return;
        }
        LoadPartitions spec = loading.spec();
        boolean resident = !spec.getResidentGraph().isEmpty();
        Algorithm algorithm = resident || JobPrograms.named(spec.getProgram()) ? null
                : Algorithm.valueOf(spec.getAlgorithm().name());
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
            answers.fail(link, command, e.badInput() ? FailureKind.LOAD_FAILED
                    : e.outOfMemory() ? FailureKind.OUT_OF_MEMORY : FailureKind.PEER_UNREACHABLE, e.getMessage());
            return;
        }
        GraphShare share = built.share();
        if (resident) {
            loads.remove(command.getJobId(), loading);
            residents.keep(spec.getResidentGraph(), command.getJobEpoch(), share, command.getBuildPartitions().getDenseIds());
            long ms = clock.millis() - t0;
            log.info("event=resident_loaded graph={} generation={} partitions={} vertices={} mirrors={} edge_entries={}"
                    + " share_bytes={} build_ms={}", spec.getResidentGraph(), command.getJobEpoch(), share.owned().length,
                    share.ownedVertices(), share.mirrors(), share.edgeEntries(), share.sizeInBytes(), ms);
            answers.reply(link, command, Report.newBuilder().setLoadDone(LoadFacts.of(share, ms, null)
                    .setEdgesShipped(loading.load().edgesShipped())));
            return;
        }
        AgentJob job = starter.start(command, link, share, algorithm, parameters, built.sourceDense(), spec.getPartitionMap(),
                loading.ownerOf());
        loads.remove(command.getJobId(), loading);
        if (job == null) {
            return;
        }
        structures.started(command.getJobId(), share, sourced ? built.sourceDense() : -1);
        long ms = clock.millis() - t0;
        log.info("event=job_loaded job={} partitions={} vertices={} mirrors={} edge_entries={} share_bytes={}"
                + " build_peak_bytes={} build_ms={}", command.getJobId(), share.owned().length, share.ownedVertices(),
                share.mirrors(), share.edgeEntries(), share.sizeInBytes(), built.buildPeakBytes(), ms);
        answers.reply(link, command, Report.newBuilder().setLoadDone(LoadFacts.of(share, ms, job)
                .setEdgesShipped(loading.load().edgesShipped())));
    }

    private Loading loading(Command command, CoordinatorLink link) {
        Loading loading = loads.get(command.getJobId());
        if (loading == null || loading.load().jobEpoch() != command.getJobEpoch()) {
            answers.fail(link, command, FailureKind.LOAD_FAILED, "this agent has no load of job " + command.getJobId()
                    + " at job epoch " + command.getJobEpoch() + ": send LoadPartitions first");
            return null;
        }
        return loading;
    }
}
