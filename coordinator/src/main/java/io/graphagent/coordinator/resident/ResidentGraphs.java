package io.graphagent.coordinator.resident;

import io.graphagent.config.GraphagentConfig;
import io.graphagent.coordinator.job.KeptLoad;
import io.graphagent.coordinator.job.Rejoin;
import io.graphagent.coordinator.job.ResidentCatalog;
import io.graphagent.coordinator.membership.AgentDirectory;
import io.graphagent.coordinator.store.StoreException;
import io.graphagent.protocol.v1.AgentState;
import io.graphagent.protocol.v1.Command;
import io.graphagent.protocol.v1.DropGraphReply;
import io.graphagent.protocol.v1.DropReplicas;
import io.graphagent.protocol.v1.LoadGraphReply;
import io.graphagent.protocol.v1.LoadGraphRequest;
import io.graphagent.protocol.v1.Report;
import io.graphagent.protocol.v1.ResidentGraph;
import io.graphagent.protocol.v1.StoredGraph;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The resident graphs of the cluster, the driver of their parts: loads them ({@link
 * GraphLoads}, one holder per partition), then keeps each partition on R live agents, like a
 * reconciler ({@link ReplicaKeeper}): every second (and at once when an agent joins or is lost)
 * it compares who holds what with what is wanted and has agents copy partitions from a live
 * holder ({@code ReplicatePartitions}) or drop them. What is wanted: R replicas per partition
 * (at most the live agents), plus one on the least-loaded agent while the partition is hot
 * ({@link Heat}, {@link HotReplicas}); a hot partition that cooled gives its extra replica back.
 * A lost agent's replicas are thus re-created on the survivors.
 *
 * <p>Each graph is recorded in the coordinator's store ({@link ResidentRestart#records()}) when
 * its load is accepted, when it ends and until it is dropped. A restarted coordinator (or a new
 * leader) knows its graphs again from those records and takes back the replicas the agents
 * report in their Hello ({@link ReplicaTakeBack}, {@link GraphRestore}); graphs agents hold that
 * it does not know, or in another generation, they drop.
 *
 * <p>Threads: loads, copies and drops run one at a time on {@code resident-driver}; the
 * {@code resident-keeper} thread schedules the reconciliation; reports and membership news
 * arrive on gRPC and session threads. State is guarded by the {@link KeptGraphs} lock; queries
 * read the published {@link GraphView}s without it.
 */
public final class ResidentGraphs implements ResidentCatalog, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ResidentGraphs.class);

    /** How often the replicas are reconciled when nothing happens. */
    static final Duration RECONCILE_EVERY = Duration.ofSeconds(1);

    /** Which partitions are hot, and the least-loaded of some agents: what query routing knows. */
    public interface Heat {
        /** Partitions of {@code graph} that are hot now. */
        Set<Integer> hot(String graph);

        /** The least-loaded of {@code candidates} (non-empty). */
        String leastLoaded(Collection<String> candidates);

        /** No heat: no extra replicas. */
        Heat NONE = new Heat() {
            @Override
            public Set<Integer> hot(String graph) {
                return Set.of();
            }

            @Override
            public String leastLoaded(Collection<String> candidates) {
                return new TreeSet<>(candidates).first();
            }
        };
    }

    private final PendingCommands pending;
    private final KeptGraphs kept = new KeptGraphs();
    private final ExecutorService driver = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("resident-driver").daemon(true).factory());
    private final ScheduledExecutorService keeper = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("resident-keeper").daemon(true).factory());
    private final AtomicBoolean reconcileQueued = new AtomicBoolean();
    private final GraphRecordWriter records;
    private final GraphLoads loads;
    private final ReplicaTakeBack takeBack;
    private final ReplicaKeeper replicas;

    /** Resident graphs that live as long as the process ({@link ResidentRestart#NONE}). */
    public ResidentGraphs(AgentDirectory directory, GraphagentConfig config, Clock clock, AtomicLong commandIds) {
        this(directory, config, clock, commandIds, ResidentRestart.NONE);
    }

    /**
     * @param commandIds the coordinator's command ids (JobScheduler#commandIds)
     * @param restart    where graphs are recorded, and the graphs recorded before this start
     */
    public ResidentGraphs(AgentDirectory directory, GraphagentConfig config, Clock clock, AtomicLong commandIds,
                          ResidentRestart restart) {
        this.pending = new PendingCommands(directory, commandIds);
        this.records = new GraphRecordWriter(restart.records(), kept);
        GraphRestore restore = new GraphRestore(first -> new Rejoin(first, Rejoin.window(config.session()),
                Rejoin.window(config.session()).plus(config.job().agentWait()), restart.knownAgents()));
        this.replicas = new ReplicaKeeper(directory, kept, restore, pending,
                new HotReplicas(config.query().coolAfter().toMillis()), records, clock);
        this.loads = new GraphLoads(directory, config, clock, commandIds, kept, restart.records(), records, driver,
                replicas::reconcile);
        this.takeBack = new ReplicaTakeBack(directory, kept, restore, pending, clock);
        synchronized (kept) {
            for (StoredGraph record : restart.stored()) {
                KeptGraph g = KeptGraph.restored(record);
                kept.byName.put(g.name, g);
                kept.generations.put(g.name, g.generation);
                log.info("event=resident_reloaded graph={} generation={} partitions={} state={} detail=\"{}\"", g.name,
                        g.generation, g.holders.size(), g.restoring ? "RESTORING" : g.state, g.message);
            }
        }
        kept.publish();
        directory.addListener(this::onTransition);
        keeper.scheduleWithFixedDelay(this::reconcileSoon, RECONCILE_EVERY.toMillis(), RECONCILE_EVERY.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** Where hot partitions and agent loads come from (query routing); without it no extra replicas. */
    public void useHeat(Heat source) {
        replicas.useHeat(source);
    }

    /** The graph's job id: {@code graph-NAME}. */
    public static String jobIdOf(String name) {
        return "graph-" + name;
    }

    /** Takes a report when it is about a resident graph; false when it is a job's. */
    public boolean onReport(String agent, Report report) {
        if (!report.getJobId().startsWith("graph-")) {
            return false;
        }
        KeptLoad load = kept.loads.get(report.getJobId());
        if (!pending.answer(agent, report) && load != null) {
            load.report(agent, report);
        }
        return true;
    }

    private void onTransition(String agent, AgentState from, AgentState to, String cause) {
        kept.loads.values().forEach(l -> l.agentChanged(agent, to, cause));
        if (to == AgentState.DEAD || to == AgentState.LEFT) {
            kept.reported.remove(agent);
            pending.lost(agent, cause);
            synchronized (kept) {
                for (KeptGraph g : kept.byName.values()) {
                    if (g.lost(agent)) {
                        log.warn("event=replicas_lost graph={} agent={} cause={} detail=\"re-creating them on the survivors\"",
                                g.name, agent, cause);
                    }
                }
            }
            kept.publish();
            reconcileSoon();
        } else if (to == AgentState.ALIVE) {
            takeBack.agentAlive(agent);
            reconcileSoon();
        } else {
            kept.publish();
        }
    }

    /** Accepts a graph to load, or refuses it with the problems; the load runs on the driver. */
    public LoadGraphReply load(LoadGraphRequest request) {
        return loads.load(request);
    }

    /** Drops a graph: a load in progress stops, every holder frees it. */
    public DropGraphReply drop(String name) {
        KeptGraph graph;
        synchronized (kept) {
            graph = kept.byName.remove(name);
        }
        if (graph == null) {
            return DropGraphReply.newBuilder().setMessage("no resident graph " + name + ": `graphagent graph list` lists them")
                    .build();
        }
        KeptLoad load = kept.loads.get(graph.jobId);
        if (load != null) {
            load.cancel();
        }
        Set<String> holders = new TreeSet<>(graph.bytes.keySet());
        graph.holders.forEach(holders::addAll);
        for (String agent : holders) {
            pending.send(agent, graph.jobId, Math.max(1, graph.generation), Command.newBuilder()
                    .setDropReplicas(DropReplicas.getDefaultInstance()));
        }
        try {
            records.delete(name);
        } catch (StoreException e) {
            log.warn("event=resident_record_not_deleted graph={} detail=\"{}\" fix=\"a restarted coordinator shows the"
                    + " graph UNAVAILABLE: drop it again\"", name, e.getMessage());
        }
        log.info("event=resident_dropped graph={} generation={} agents={}", name, graph.generation, holders);
        kept.publish();
        return DropGraphReply.newBuilder().setDropped(true).setMessage("dropped graph " + name + " from "
                + holders.size() + " agent" + (holders.size() == 1 ? "" : "s")).build();
    }

    /** Every resident graph, by name. */
    public List<ResidentGraph> list() {
        synchronized (kept) {
            return kept.byName.values().stream().map(KeptGraph::toProto).toList();
        }
    }

    /** A loaded graph for a batch job on it (submit --graph-name): its holders now. */
    @Override
    public java.util.Optional<ResidentCatalog.Graph> find(String name) {
        synchronized (kept) {
            KeptGraph g = kept.byName.get(name);
            if (g == null || !g.ready()) {
                return java.util.Optional.empty();
            }
            List<List<String>> holders = new ArrayList<>();
            g.holders.forEach(h -> holders.add(List.copyOf(h)));
            return java.util.Optional.of(new ResidentCatalog.Graph(g.name, g.jobId, g.generation, g.source, g.directed,
                    g.weighted, g.edges, List.copyOf(holders)));
        }
    }

    @Override
    public boolean restoring(String name) {
        synchronized (kept) {
            KeptGraph g = kept.byName.get(name);
            return g != null && g.restoring;
        }
    }

    @Override
    public List<String> names() {
        synchronized (kept) {
            return List.copyOf(kept.byName.keySet());
        }
    }

    /** The graph as queries see it, or null. */
    public GraphView view(String name) {
        return kept.views().get(name);
    }

    /** Every graph as queries see it, by name. */
    public Map<String, GraphView> views() {
        return kept.views();
    }

    /** Queues a reconciliation on the driver unless one is queued already. */
    public void reconcileSoon() {
        if (reconcileQueued.compareAndSet(false, true)) {
            try {
                driver.execute(() -> {
                    reconcileQueued.set(false);
                    replicas.reconcile();
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                reconcileQueued.set(false);
            }
        }
    }

    /** Runs one reconciliation now on the caller's thread, after anything queued (tests). */
    public void reconcileAndWait() throws InterruptedException, ExecutionException {
        driver.submit(replicas::reconcile).get();
    }

    @Override
    public void close() {
        keeper.shutdownNow();
        driver.shutdownNow();
        kept.loads.values().forEach(KeptLoad::cancel);
    }
}
