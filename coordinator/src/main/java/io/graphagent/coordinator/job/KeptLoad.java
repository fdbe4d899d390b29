package io.graphagent.coordinator.job;

import io.graphagent.config.GraphagentConfig;
import io.graphagent.config.JobPaths;
import io.graphagent.coordinator.membership.AgentDirectory;
import io.graphagent.coordinator.membership.AgentView;
import io.graphagent.graph.partition.Partitioning;
import io.graphagent.protocol.JobEpoch;
import io.graphagent.protocol.v1.AgentState;
import io.graphagent.protocol.v1.BuildPartitions;
import io.graphagent.protocol.v1.FieldError;
import io.graphagent.protocol.v1.GraphLayout;
import io.graphagent.protocol.v1.JobSpec;
import io.graphagent.protocol.v1.LoadDone;
import io.graphagent.protocol.v1.Report;
import io.graphagent.protocol.v1.ShufflePartitions;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The load of a resident graph ({@code graph load}): a job's partitioned load
 * ({@link LoadPhase}) whose shares the agents keep under the graph's name instead of running
 * a kernel on them. The partitions are dealt round-robin over the ALIVE agents, one holder
 * each; further replicas are copied from these afterwards (module coordinator, package
 * {@code resident}). An agent lost during the load makes it start again on the others, at a
 * new job epoch, as a job's load does. Its reports and membership news come through
 * {@link #report} and {@link #agentChanged}; {@link #run} drives it on the caller's thread.
 */
public final class KeptLoad {
    private static final Logger log = LoggerFactory.getLogger(KeptLoad.class);
    /** Attempts after which a load that keeps losing agents gives up. */
    static final int MAX_ATTEMPTS = 5;

    /**
     * What the load kept.
     *
     * @param generation the job epoch of the load that succeeded: the graph's generation
     * @param ownerOf    the agent holding each partition
     * @param dataAddress each holder's data address, by agent id
     * @param totals     the whole graph's figures (vertices, edges, bytes read...)
     * @param perAgent   each holder's LoadDone (its share's bytes, its partitions)
     * @param layout     the cut, for agents that build replicas later
     */
    public record Kept(JobEpoch generation, String[] ownerOf, Map<String, String> dataAddress, LoadDone totals,
                       Map<String, LoadDone> perAgent, GraphLayout layout) {
    }

    /** The load failed: the message names the cause; {@link #badInput} when the input is at fault. */
    public static final class LoadFailedException extends Exception {
        private static final long serialVersionUID = 1L;
        private final boolean badInput;

        LoadFailedException(String message, boolean badInput) {
            super(message);
            this.badInput = badInput;
        }

        public boolean badInput() {
            return badInput;
        }
    }

    private final String jobId;
    private final ResolvedJob graph;
    private final GraphagentConfig config;
    private final Clock clock;
    private final Inbox inbox;
    private final Roster roster;
    private final CommandSender sender;
    private final AgentWait agents;
    private final LoadPhase loader;
    private volatile boolean cancelled;

    private KeptLoad(String jobId, String name, ResolvedJob graph, AgentDirectory directory, GraphagentConfig config,
                     Clock clock, AtomicLong commandIds, JobEpoch first) {
        this.jobId = jobId;
        this.graph = graph;
        this.config = config;
        this.clock = clock;
        this.inbox = new BlockingInbox(clock);
        this.roster = new Roster(first);
        JobEvents events = new JobEvents(inbox, roster, () -> cancelled);
        this.sender = new CommandSender(jobId, directory, roster, events, clock, config.session().leaseTtl(), commandIds);
        ReportCollector collector = new ReportCollector(events, roster, clock);
        this.agents = new AgentWait(jobId, directory, events, clock, config.job().minAgents(), config.job().agentWait());
        this.loader = new LoadPhase(jobId, graph, config.job().inputTransfer(), roster, sender, collector,
                new PartitionTable(), name);
    }

    /**
     * A load of the graph {@code spec} names (its {@code graph}, {@code directed} and
     * {@code partitions}), or null with one FieldError per problem in {@code errors}.
     *
     * @param jobId      the resident graph's job id, {@code graph-NAME}
     * @param commandIds the coordinator's command ids (JobScheduler#commandIds)
     * @param first      the job epoch to start at: above every generation the name had before
     */
    public static KeptLoad prepare(String jobId, String name, JobSpec spec, AgentDirectory directory,
                                   GraphagentConfig config, Clock clock, AtomicLong commandIds, JobEpoch first,
                                   List<FieldError> errors) {
        ResolvedJob graph = ResolvedJob.forGraph(spec, JobPaths.of(config), errors);
        return graph == null ? null : new KeptLoad(jobId, name, graph, directory, config, clock, commandIds, first);
    }

    /** The files the load reads. */
    public io.graphagent.protocol.v1.GraphFiles input() {
        return graph.input();
    }

    /** A report for this load (any thread). */
    public void report(String agentId, Report report) {
        inbox.add(new JobEvent.Reported(agentId, report));
    }

    /** Membership news (any thread). */
    public void agentChanged(String agentId, AgentState to, String cause) {
        inbox.add(new JobEvent.AgentChanged(agentId, to, cause));
    }

    /** Stops the load at its next wait (the graph was dropped). */
    public void cancel() {
        cancelled = true;
        inbox.add(new JobEvent.CancelRequested());
    }

    /** The job epoch now. */
    public JobEpoch epoch() {
        return roster.epoch();
    }

    /**
     * Loads the graph on the ALIVE agents, again on the others while one is lost. On failure
     * the agents drop what they loaded.
     */
    public Kept run() throws LoadFailedException {
        try {
            return load();
        } catch (JobFailedException e) {
            sender.abort("the load of " + jobId + " failed: " + e.getMessage());
            throw new LoadFailedException(e.getMessage(), FailureKinds.of(e.cause)
                    == io.graphagent.protocol.v1.JobFailureKind.BAD_INPUT);
        }
    }

    private Kept load() throws JobFailedException {
        List<AgentView> alive = agents.enough();
        int partitions = graph.partitions() > 0 ? graph.partitions()
                : Math.min(Partitioning.MAX_PARTITIONS, alive.size() * config.job().partitionsPerAgent());
        for (int attempt = 1; ; attempt++) {
            try {
                Placement placement = Placement.roundRobin(alive, partitions);
                LoadDone totals = loader.load(placement, Set.of());
                String[] ownerOf = new String[partitions];
                for (int p = 0; p < partitions; p++) {
                    ownerOf[p] = placement.ownerOf(p);
                }
                return new Kept(roster.epoch(), ownerOf, roster.dataAddresses(), totals, loader.perAgent(),
                        layout(loader.lastShuffle(), loader.lastBuild()));
            } catch (AgentLostException lost) {
                log.warn("event=agent_lost job={} agent={} cause={} attempt={} detail=\"{}\"", jobId, lost.agent, lost.cause,
                        attempt, lost.getMessage());
                if (attempt >= MAX_ATTEMPTS) {
                    throw new JobFailedException(lost.cause, "gave up after " + attempt + " attempts; last: "
                            + lost.getMessage());
                }
                alive = agents.enough();
                roster.advance();
            }
        }
    }

    private GraphLayout layout(ShufflePartitions cut, BuildPartitions numbering) {
        return GraphLayout.newBuilder().setDirected(graph.input().getDirected()).setWeighted(graph.input().getWeighted())
                .setEdges(numbering.getEdges()).setBlockShift(cut.getBlockShift()).setBlockOffset(cut.getBlockOffset())
                .setBlockCount(cut.getBlockCount()).addAllFirstBlock(cut.getFirstBlockList())
                .addAllFirstVertex(numbering.getFirstVertexList()).setDenseIds(numbering.getDenseIds()).build();
    }
}
