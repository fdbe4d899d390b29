package io.graphagent.agent.job;

import io.graphagent.agent.session.CoordinatorLink;
import io.graphagent.graph.kernels.Algorithm;
import io.graphagent.graph.kernels.KernelParameters;
import io.graphagent.graph.partition.GraphShare;
import io.graphagent.protocol.v1.Command;
import io.graphagent.protocol.v1.FailureKind;
import io.graphagent.protocol.v1.Report;
import java.nio.file.Path;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RebuildPartitions: a recovery's share built from the partitions' structure files instead of
 * a load of the input. Job thread.
 */
final class RebuildStep {
    private static final Logger log = LoggerFactory.getLogger(RebuildStep.class);

    private final Map<String, AgentJob> jobs;
    private final PeerCheckpoints peerCheckpoints;
    private final PartitionStructures structures;
    private final LoadSteps loads;
    /** A user program's job opens its program again (already held by an agent that loaded the job). */
    private final io.graphagent.agent.program.JobPrograms programs;
    private final PeerCheckpoints.Dialer dialer;
    private final Answers answers;
    private final LoadSteps.JobStarter starter;
    /** The agent's clock, for the time a rebuild took. */
    private final java.time.Clock clock;

    RebuildStep(Map<String, AgentJob> jobs, PeerCheckpoints peerCheckpoints, PartitionStructures structures, LoadSteps loads,
                io.graphagent.agent.program.JobPrograms programs, PeerCheckpoints.Dialer dialer, Answers answers,
                LoadSteps.JobStarter starter, java.time.Clock clock) {
        this.clock = clock;
        this.jobs = jobs;
        this.peerCheckpoints = peerCheckpoints;
        this.structures = structures;
        this.loads = loads;
        this.programs = programs;
        this.dialer = dialer;
        this.answers = answers;
        this.starter = starter;
    }

    /**
     * A recovery's load without the input: the share of the partitions this agent owns from
     * now on, built from their structure files (fetched first from the peers named, with peer
     * copies); kept as it is when it holds exactly those partitions already. A file missing or
     * unusable is answered STRUCTURE_UNAVAILABLE, after which the coordinator loads the input.
     */
    void rebuild(Command command, CoordinatorLink link) {
        long t0 = clock.millis();
        String jobId = command.getJobId();
        io.graphagent.protocol.v1.RebuildPartitions order = command.getRebuildPartitions();
        int[] owned = order.getPartitionIdsList().stream().mapToInt(Integer::intValue).sorted().toArray();
        if (keptShare(command, link, owned, t0)) {
            return;
        }
        loads.releaseSuperseded(jobId, command.getJobEpoch());
        loads.beforeNewShare(jobId);
        Algorithm algorithm = null;
        if (io.graphagent.agent.program.JobPrograms.named(order.getProgram())) {
            if (!OrderedProgram.open(programs, dialer, answers, link, command, order.getProgram(),
                    order.getProgramParametersMap())) {
                return;
            }
        } else {
            algorithm = Algorithm.valueOf(order.getAlgorithm().name());
        }
        var p = order.getParameters();
        KernelParameters parameters = new KernelParameters(p.getSourceVertex(), p.getIterations(), p.getDamping());
        PartitionStructures.Rebuilt rebuilt;
        try {
            Path dir = peerCheckpoints.directory(order.getDirectory());
            rebuilt = structures.rebuild(jobId, dir, owned, order.getReplicaAddressesMap());
        } catch (io.graphagent.agent.structure.StructureException | IllegalArgumentException e) {
            log.warn("event=structure_unavailable job={} epoch={} policy=reload detail=\"{}\"", jobId, command.getJobEpoch(),
                    e.getMessage());
            answers.fail(link, command, FailureKind.STRUCTURE_UNAVAILABLE, e.getMessage());
            return;
        }
        GraphShare share = rebuilt.share();
        String[] ownerOf = JobAssembly.ownerOf(order.getPartitionMap(), (int) order.getPartitions());
        AgentJob job = starter.start(command, link, share, algorithm, parameters, rebuilt.sourceDense(), order.getPartitionMap(),
                ownerOf);
        if (job == null) {
            return;
        }
        structures.started(jobId, share, rebuilt.sourceDense());
        long ms = clock.millis() - t0;
        log.info("event=job_rebuilt job={} source=structure partitions={} vertices={} mirrors={} edge_entries={}"
                + " share_bytes={} structure_bytes={} ms={}", jobId, owned.length, share.ownedVertices(), share.mirrors(),
                share.edgeEntries(), share.sizeInBytes(), rebuilt.bytes(), ms);
        answers.reply(link, command, Report.newBuilder().setLoadDone(LoadFacts.of(share, ms, job)));
    }

    /**
     * Answers LoadDone over the job's share when it holds exactly {@code owned} already (the
     * Restore that follows runs the job at the new epoch over it). A method of its own so that
     * no local of the caller keeps the old job reachable while the new share is built.
     */
    private boolean keptShare(Command command, CoordinatorLink link, int[] owned, long t0) {
        AgentJob held = jobs.get(command.getJobId());
        if (held == null || held.epoch() >= command.getJobEpoch() || !java.util.Arrays.equals(held.share().owned(), owned)) {
            return false;
        }
        long ms = clock.millis() - t0;
        log.info("event=share_kept job={} epoch={} partitions={} share_bytes={}", command.getJobId(), command.getJobEpoch(),
                owned.length, held.share().sizeInBytes());
        answers.reply(link, command, Report.newBuilder().setLoadDone(LoadFacts.of(held.share(), ms, held)));
        return true;
    }
}
