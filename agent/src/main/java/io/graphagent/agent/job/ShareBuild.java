package io.graphagent.agent.job;

import io.graphagent.agent.load.BuiltShare;
import io.graphagent.agent.load.LoadException;
import io.graphagent.agent.load.ShareMemory;
import io.graphagent.agent.program.JobPrograms;
import io.graphagent.agent.resident.ResidentStore;
import io.graphagent.agent.session.CoordinatorLink;
import io.graphagent.graph.kernels.Algorithm;
import io.graphagent.graph.kernels.KernelParameters;
import io.graphagent.graph.partition.GraphShare;
import io.graphagent.protocol.v1.Command;
import io.graphagent.protocol.v1.LoadPartitions;
import java.time.Clock;
import java.util.function.Consumer;

/**
 * The last step of a partitioned load: the heap checked for the share, the vertices numbered,
 * the mirrors' ids learnt and the share built; then the job's kernel started over it, or the
 * share kept as a resident graph. The load ends here, built or failed. Job thread.
 */
final class ShareBuild {
    private final LoadsInProgress loads;
    private final PartitionStructures structures;
    private final ResidentStore residents;
    private final LoadSteps.JobStarter starter;
    private final LoadReports reports;
    /** The agent's clock, for the time a build took. */
    private final Clock clock;
    /** For tests: runs on the job thread when a load reaches its memory check, with the job id. */
    private volatile Consumer<String> beforeMemoryCheck = jobId -> { };

    ShareBuild(LoadsInProgress loads, PartitionStructures structures, ResidentStore residents, LoadSteps.JobStarter starter,
               LoadReports reports, Clock clock) {
        this.loads = loads;
        this.structures = structures;
        this.residents = residents;
        this.starter = starter;
        this.reports = reports;
        this.clock = clock;
    }

    /** For tests: {@code hook} runs on the job thread when a load reaches its memory check. */
    void beforeMemoryCheck(Consumer<String> hook) {
        beforeMemoryCheck = hook;
    }

    /** For tests: where a new share is about to be built (a load's memory check, a rebuild's start). */
    void beforeNewShare(String jobId) {
        beforeMemoryCheck.accept(jobId);
    }

    /** Runs the BuildPartitions command over {@code loading}, begun at {@code t0} (clock millis), and answers LoadDone. */
    void build(Command command, CoordinatorLink link, LoadsInProgress.Loading loading, long t0) {
        LoadPartitions spec = loading.spec();
        boolean resident = !spec.getResidentGraph().isEmpty();
        Algorithm algorithm = resident || JobPrograms.named(spec.getProgram()) ? null
                : Algorithm.valueOf(spec.getAlgorithm().name());
        var p = spec.getParameters();
        KernelParameters parameters = new KernelParameters(p.getSourceVertex(), p.getIterations(), p.getDamping());
        boolean sourced = algorithm == Algorithm.BFS || algorithm == Algorithm.SSSP;
        BuiltShare built;
        try {
            beforeNewShare(command.getJobId());
            ShareMemory.check(link.agentId(), loading.load(), command.getBuildPartitions());
            built = loading.load().build(command.getBuildPartitions(), sourced ? p.getSourceVertex() : null);
        } catch (LoadException e) {
            loads.end(command.getJobId(), loading);
            reports.fail(link, command, e);
            return;
        }
        GraphShare share = built.share();
        if (resident) {
            loads.end(command.getJobId(), loading);
            residents.keep(spec.getResidentGraph(), command.getJobEpoch(), share, command.getBuildPartitions().getDenseIds());
            reports.residentLoaded(link, command, spec.getResidentGraph(), share, clock.millis() - t0,
                    loading.load().edgesShipped());
            return;
        }
        AgentJob job = starter.start(command, link, share, algorithm, parameters, built.sourceDense(), spec.getPartitionMap(),
                loading.ownerOf());
        loads.end(command.getJobId(), loading);
        if (job == null) {
            return;
        }
        structures.started(command.getJobId(), share, sourced ? built.sourceDense() : -1);
        reports.jobLoaded(link, command, job, share, built.buildPeakBytes(), clock.millis() - t0,
                loading.load().edgesShipped());
    }
}
