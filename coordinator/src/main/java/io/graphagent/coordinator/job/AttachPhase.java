package io.graphagent.coordinator.job;

import io.graphagent.coordinator.membership.AgentView;
import io.graphagent.net.cause.DisconnectCause;
import io.graphagent.protocol.v1.Algorithm;
import io.graphagent.protocol.v1.AttachResident;
import io.graphagent.protocol.v1.Command;
import io.graphagent.protocol.v1.KernelParameters;
import io.graphagent.protocol.v1.LoadDone;
import io.graphagent.protocol.v1.Report;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shares of a job on a resident graph ({@code submit --graph-name}): no input is read.
 * Each partition runs on one of its live holders ({@link Placement#onReplicas}); every
 * participant gets {@code AttachResident} (its partitions, the partition map) and builds the
 * job's share from the replicas it holds, answering {@code LoadDone}. A recovery attaches
 * again on the replicas live then. The graph must still be the one the job was submitted on
 * (same generation): a graph dropped or loaded again meanwhile fails the job. An agent that does
 * not answer within {@link #ATTACH_TIMEOUT} is lost and not placed again in this job: the
 * partitions go to their other live holders. A user program's job carries its program in every
 * AttachResident, as a loaded job's LoadPartitions and RebuildPartitions do. Driver thread only.
 */
final class AttachPhase implements ShareSource {
    private static final Logger log = LoggerFactory.getLogger(AttachPhase.class);
    /** The cause of a job whose resident graph went away or lost every replica of a partition. */
    static final String RESIDENT_GONE = "resident_graph_gone";
    /**
     * Bound on an agent's answer to AttachResident. The agent builds the job's share in memory
     * from replicas it holds (seconds even for the largest graphs an agent holds), looks a
     * BFS/SSSP source up at one peer (itself bounded at 30 s) and may fetch a user program's jar;
     * an agent silent past this is stuck, and is lost: the job recovers on the other replicas
     * instead of waiting a whole phase ({@link ReportCollector#PHASE_TIMEOUT}) to fail.
     */
    static final Duration ATTACH_TIMEOUT = Duration.ofMinutes(2);

    private final String jobId;
    private final ResolvedJob job;
    private final ResidentCatalog catalog;
    private final Roster roster;
    private final CommandSender sender;
    private final ReportCollector collector;
    private final PartitionTable partitionTable;
    private LoadDone facts;
    /** Agents that did not answer an AttachResident in time: stuck, so not placed again in this job. */
    private final Set<String> silent = new TreeSet<>();

    AttachPhase(String jobId, ResolvedJob job, ResidentCatalog catalog, Roster roster, CommandSender sender,
                ReportCollector collector, PartitionTable partitionTable) {
        this.jobId = jobId;
        this.job = job;
        this.catalog = catalog;
        this.roster = roster;
        this.sender = sender;
        this.collector = collector;
        this.partitionTable = partitionTable;
    }

    /** The graph as it is now, if it is still the generation the job was submitted on. */
    private ResidentCatalog.Graph graph() throws JobFailedException {
        String name = job.resident().name();
        ResidentCatalog.Graph now = catalog.find(name).orElse(null);
        if (now == null || now.generation() != job.resident().generation()) {
            throw new JobFailedException(RESIDENT_GONE, "the resident graph " + name + " the job runs on was "
                    + (now == null ? "dropped" : "loaded again (generation " + now.generation() + ", the job's "
                    + job.resident().generation() + ")") + " while the job ran. Fix: submit the job again");
        }
        return now;
    }

    /** On the live holders, whatever the previous placement (replicas may have moved since). */
    @Override
    public Placement place(List<AgentView> alive, int partitions, Placement previous, boolean redeal)
            throws JobFailedException {
        ResidentCatalog.Graph graph = graph();
        List<AgentView> answering = alive.stream().filter(a -> !silent.contains(a.agentId())).toList();
        Placement placement = Placement.onReplicas(answering, graph.holders());
        if (placement == null) {
            int p = Placement.firstWithoutLiveHolder(answering, graph.holders());
            throw new JobFailedException(RESIDENT_GONE, "partition " + p + " of the resident graph " + graph.name()
                    + " has no live replica (it was held by " + graph.holders().get(p)
                    + (silent.isEmpty() ? "" : "; " + silent + " did not answer AttachResident within "
                    + ATTACH_TIMEOUT.toSeconds() + " s") + "). Fix: load the graph again"
                    + " (graph drop, graph load) with more --replicas, or submit with --graph");
        }
        return placement;
    }

    /** Every participant attaches again: a recovery's placement may give a survivor other partitions. */
    @Override
    public LoadDone load(Placement placement, Set<String> loaded) throws JobFailedException {
        ResidentCatalog.Graph graph = graph();
        roster.place(placement);
        partitionTable.place(placement);
        List<String> agents = roster.participants();
        Map<String, List<Integer>> byAgent = placement.partitionsByAgent();
        for (String agent : agents) {
            sender.send(agent, Command.newBuilder().setAttachResident(program(AttachResident.newBuilder()
                    .setGraphJobId(graph.jobId()).setGeneration(graph.generation())
                    .addAllPartitionIds(byAgent.get(agent)).setPartitionMap(placement.toProto()))));
        }
        Map<String, Report> loads;
        try {
            loads = collector.awaitAnswers("AttachResident", Report.KindCase.LOAD_DONE, agents, ATTACH_TIMEOUT);
        } catch (AgentLostException lost) {
            if (DisconnectCause.DEADLINE_EXCEEDED.label().equals(lost.cause)) {
                agents.stream().filter(a -> !collector.answered().contains(a)).forEach(silent::add);
            }
            throw lost;
        }
        loads.values().forEach(r -> partitionTable.loaded(r.getLoadDone()));
        // The graph's edges as loaded (an undirected edge once), as a job's own load reports them.
        facts = LoadPhase.totals(loads, Map.of()).toBuilder().setEdges(graph.edges()).build();
        Map<String, Integer> shares = new TreeMap<>();
        byAgent.forEach((agent, ps) -> shares.put(agent, ps.size()));
        log.info("event=graph_attached job={} graph={} generation={} partitions={} vertices={} agents={}", jobId,
                graph.name(), graph.generation(), placement.partitions(), facts.getVertices(), shares);
        return facts;
    }

    /**
     * What the agents run: the user's program (its class, jar and parameters: an agent lacking
     * the jar fetches it, one that attaches again after a rollback keeps the program it opened),
     * else the built-in kernel and its parameters.
     */
    private AttachResident.Builder program(AttachResident.Builder order) {
        if (job.program() != null) {
            return order.setProgram(job.program().ref()).putAllProgramParameters(job.program().parameters());
        }
        return order.setAlgorithm(Algorithm.valueOf(job.algorithm().name())).setParameters(KernelParameters.newBuilder()
                .setSourceVertex(job.parameters().sourceVertex()).setIterations(job.parameters().iterations())
                .setDamping(job.parameters().damping()));
    }

    @Override
    public LoadDone facts() {
        return facts;
    }
}
