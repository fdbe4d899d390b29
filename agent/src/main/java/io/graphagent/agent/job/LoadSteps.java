package io.graphagent.agent.job;

import io.graphagent.agent.dataplane.EdgeTarget;
import io.graphagent.agent.dataplane.IdService;
import io.graphagent.agent.program.JobPrograms;
import io.graphagent.agent.resident.ResidentStore;
import io.graphagent.agent.session.CoordinatorLink;
import io.graphagent.config.GraphagentConfig;
import io.graphagent.config.JobPaths;
import io.graphagent.graph.kernels.Algorithm;
import io.graphagent.graph.kernels.KernelParameters;
import io.graphagent.graph.partition.GraphShare;
import io.graphagent.net.time.Ticker;
import io.graphagent.protocol.v1.Command;
import io.graphagent.protocol.v1.FailureKind;
import io.graphagent.protocol.v1.LoadScanned;
import io.graphagent.protocol.v1.PartitionMap;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's side of a partitioned load, one step per command: LoadPartitions (parse this
 * agent's splits: {@link LoadSetup}, {@link SplitScan}), ShufflePartitions (ship the records to
 * their owners: {@link RecordShuffle}), BuildPartitions (number the vertices, build the share and
 * start the job's kernel on it, or keep it as a resident graph: {@link ShareBuild}). It puts the
 * steps in order over the job's load in progress ({@link LoadsInProgress}); each step answers
 * through {@link LoadReports}. A load of a newer job epoch first releases the job's older share.
 * Job thread, except the lookups the data plane makes ({@link #edgeTarget}, {@link #idService})
 * and {@link #supersede}.
 */
final class LoadSteps {
    private static final Logger log = LoggerFactory.getLogger(LoadSteps.class);
    private static final Duration EXCHANGE_TIMEOUT = AgentJobs.EXCHANGE_TIMEOUT;

    /** Starts a job's kernel over a share built: the job, or null after answering the failure. */
    @FunctionalInterface
    interface JobStarter {
        AgentJob start(Command command, CoordinatorLink link, GraphShare share, Algorithm algorithm,
                       KernelParameters parameters, int sourceDense, PartitionMap map, String[] ownerOf);
    }

    private final Map<String, AgentJob> jobs;
    private final PartitionStructures structures;
    /** The agent's clock, for the time a build took. */
    private final Clock clock;
    private final LoadsInProgress loads = new LoadsInProgress();
    private final LoadReports reports;
    private final LoadSetup setup;
    private final SplitScan scan;
    private final RecordShuffle shuffle;
    private final ShareBuild build;

    LoadSteps(GraphagentConfig config, JobPaths paths, Map<String, AgentJob> jobs, Set<String> heldInThisLife,
              PeerCheckpoints peerCheckpoints, PartitionStructures structures, ResidentStore residents,
              JobPrograms programs, PeerCheckpoints.Dialer dialer, Answers answers, JobStarter starter,
              Clock clock, Ticker ticker) {
        this.jobs = jobs;
        this.structures = structures;
        this.clock = clock;
        this.reports = new LoadReports(answers);
        this.setup = new LoadSetup(paths, heldInThisLife, peerCheckpoints, structures, programs, dialer, answers,
                EXCHANGE_TIMEOUT, ticker);
        this.scan = new SplitScan(loads, dialer, reports, EXCHANGE_TIMEOUT, config.agent().workDir().resolve("input"));
        this.shuffle = new RecordShuffle(loads, reports);
        this.build = new ShareBuild(loads, structures, residents, starter, reports, clock);
    }

    /** Where peers ship the job's edges during its load (the data plane's lookup); null when none is in progress. */
    EdgeTarget edgeTarget(String jobId) {
        return loads.edgeTarget(jobId);
    }

    /** Who answers peers' id lookups for the job: its load in progress, else its job; null when neither. */
    IdService idService(String jobId) {
        LoadsInProgress.Loading loading = loads.of(jobId);
        if (loading != null) {
            return loading.load().received();
        }
        return jobs.get(jobId);
    }

    /** A rollback, abort or fence seen on the session's thread: see {@link LoadsInProgress#supersede}. */
    void supersede(Command command) {
        loads.supersede(command);
    }

    /** Drops the job's load in progress, if any (the job thread's Abort or Release: an abort noted is done with). */
    void drop(String jobId) {
        loads.drop(jobId);
    }

    /** Drops every load in progress (the session was fenced): each stops at once, as a superseded one does. */
    void dropAll() {
        loads.dropAll();
    }

    /**
     * First step of a partitioned load: parses this agent's splits of the input (and keeps the
     * records for the shuffle), reporting LoadScanned with their weight per id block.
     */
    void load(Command command, CoordinatorLink link) {
        releaseSuperseded(command.getJobId(), command.getJobEpoch());
        if (loads.abortedSince(command.getJobId(), command.getJobEpoch())) {
            reports.skipped(link, command);
            return;
        }
        LoadsInProgress.Loading loading = setup.prepare(command, link);
        if (loading == null) {
            return;
        }
        loads.start(command, loading);
        LoadScanned scanned = scan.scan(command, link, loading);
        if (scanned != null) {
            reports.scanned(link, command, scanned);
        }
    }

    /** Second step: ships the parsed records to their owners and takes the peers'. */
    void shuffle(Command command, CoordinatorLink link) {
        LoadsInProgress.Loading loading = loading(command, link);
        if (loading != null) {
            shuffle.shuffle(command, link, loading);
        }
    }

    /** Last step: numbers the vertices, learns the mirrors' ids and builds the share; reports LoadDone. */
    void build(Command command, CoordinatorLink link) {
        long t0 = clock.millis();
        LoadsInProgress.Loading loading = loading(command, link);
        if (loading != null) {
            build.build(command, link, loading, t0);
        }
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
    void beforeMemoryCheck(Consumer<String> hook) {
        build.beforeMemoryCheck(hook);
    }

    /** For tests: where a rebuild from structure files begins its new share (the old one released), the same hook. */
    void beforeNewShare(String jobId) {
        build.beforeNewShare(jobId);
    }

    /** The job's load at the command's job epoch, or null after answering that there is none. */
    private LoadsInProgress.Loading loading(Command command, CoordinatorLink link) {
        LoadsInProgress.Loading loading = loads.at(command);
        if (loading == null) {
            reports.fail(link, command, FailureKind.LOAD_FAILED, "this agent has no load of job " + command.getJobId()
                    + " at job epoch " + command.getJobEpoch() + ": send LoadPartitions first");
        }
        return loading;
    }
}
