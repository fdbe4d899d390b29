package io.graphagent.agent.job;

import io.graphagent.agent.program.JobPrograms;
import io.graphagent.agent.resident.ResidentGraph;
import io.graphagent.agent.resident.ResidentSource;
import io.graphagent.agent.resident.ResidentStore;
import io.graphagent.agent.session.CoordinatorLink;
import io.graphagent.graph.kernels.Algorithm;
import io.graphagent.graph.kernels.KernelParameters;
import io.graphagent.graph.partition.GraphShare;
import io.graphagent.protocol.v1.AttachResident;
import io.graphagent.protocol.v1.Command;
import io.graphagent.protocol.v1.Failure;
import io.graphagent.protocol.v1.FailureKind;
import io.graphagent.protocol.v1.Report;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * AttachResident: a batch job on a resident graph. Its share is made of the replicas this
 * agent holds of the job's partitions (used as they are when one share holds exactly them);
 * no input is read. A user program's job opens its program here (its jar fetched from the
 * coordinator when the agent's cache lacks it; kept when the job attaches again after a
 * rollback). Job thread.
 */
final class AttachStep {
    private static final Logger log = LoggerFactory.getLogger(AttachStep.class);

    private final ResidentStore residents;
    /** Where a BFS or SSSP source held by a peer is looked up. */
    private final PeerChannels channels;
    /** The user programs of this agent's jobs: an order naming one opens it for the job. */
    private final JobPrograms programs;
    private final JobAssembly assembly;
    private final Answers answers;
    /** The agent's clock, for the time an attach took. */
    private final Clock clock;

    AttachStep(ResidentStore residents, PeerChannels channels, JobPrograms programs, JobAssembly assembly, Answers answers,
               Clock clock) {
        this.residents = residents;
        this.channels = channels;
        this.programs = programs;
        this.assembly = assembly;
        this.answers = answers;
        this.clock = clock;
    }

    /** Starts the job over the resident graph's replicas and answers LoadDone, or a retryable LOAD_FAILED. */
    void attach(Command command, CoordinatorLink link) {
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
        Algorithm algorithm = null;
        if (JobPrograms.named(order.getProgram())) {
            if (!OrderedProgram.open(programs, channels, answers, link, command, order.getProgram(),
                    order.getProgramParametersMap())) {
                return;
            }
        } else {
            algorithm = Algorithm.valueOf(order.getAlgorithm().name());
        }
        var p = order.getParameters();
        KernelParameters parameters = new KernelParameters(p.getSourceVertex(), p.getIterations(), p.getDamping());
        GraphShare share;
        int sourceDense;
        try {
            share = graph.shareOf(owned);
            sourceDense = algorithm == Algorithm.BFS || algorithm == Algorithm.SSSP
                    ? new ResidentSource(graph, order.getPartitionMap(), channels::channel).denseOf(p.getSourceVertex()) : -1;
        } catch (IllegalArgumentException | ResidentSource.LookupFailedException e) {
            answers.reply(link, command, Report.newBuilder().setFailure(Failure.newBuilder().setKind(FailureKind.LOAD_FAILED)
                    .setMessage(e.getMessage()).setRetryable(e instanceof ResidentSource.LookupFailedException)));
            return;
        }
        String[] ownerOf = JobAssembly.ownerOf(order.getPartitionMap(), graph.partitioning().count());
        AgentJob job = assembly.start(command, link, share, algorithm, parameters, sourceDense, order.getPartitionMap(), ownerOf);
        if (job == null) {
            return;
        }
        long ms = clock.millis() - t0;
        log.info("event=job_attached job={} graph={} generation={} partitions={} vertices={} ms={}", command.getJobId(),
                name, order.getGeneration(), owned.length, share.ownedVertices(), ms);
        answers.reply(link, command, Report.newBuilder().setLoadDone(LoadFacts.of(share, ms, job)));
    }
}
