package io.graphagent.coordinator.resident;

import io.graphagent.config.GraphagentConfig;
import io.graphagent.coordinator.job.KeptLoad;
import io.graphagent.coordinator.job.Rejoin;
import io.graphagent.coordinator.job.ResidentCatalog;
import io.graphagent.coordinator.membership.AgentDirectory;
import io.graphagent.coordinator.membership.AgentView;
import io.graphagent.coordinator.store.GraphRecords;
import io.graphagent.coordinator.store.StoreException;
import io.graphagent.protocol.JobEpoch;
import io.graphagent.protocol.v1.AgentState;
import io.graphagent.protocol.v1.Command;
import io.graphagent.protocol.v1.DropGraphReply;
import io.graphagent.protocol.v1.DropReplicas;
import io.graphagent.protocol.v1.FieldError;
import io.graphagent.protocol.v1.HeldPartitions;
import io.graphagent.protocol.v1.JobSpec;
import io.graphagent.protocol.v1.LoadDone;
import io.graphagent.protocol.v1.LoadGraphReply;
import io.graphagent.protocol.v1.LoadGraphRequest;
import io.graphagent.protocol.v1.PartitionOwner;
import io.graphagent.protocol.v1.ReplicatePartitions;
import io.graphagent.protocol.v1.Report;
import io.graphagent.protocol.v1.ResidentGraph;
import io.graphagent.protocol.v1.ResidentHeld;
import io.graphagent.protocol.v1.ResidentState;
import io.graphagent.protocol.v1.StoredGraph;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The resident graphs of the cluster: loads them ({@link KeptLoad}, one holder per partition),
 * then keeps each partition on R live agents, like a reconciler: every second (and at once
 * when an agent joins or is lost) it compares who holds what with what is wanted and has
 * agents copy partitions from a live holder ({@code ReplicatePartitions}) or drop them. What is
 * wanted: R replicas per partition (at most the live agents), plus one on the least-loaded
 * agent while the partition is hot ({@link Heat}); a hot partition that cooled gives its extra
 * replica back. A lost agent's replicas are thus re-created on the survivors.
 *
 * <p>Each graph is recorded in the coordinator's store ({@link ResidentRestart#records()}) when
 * its load is accepted, when it ends and until it is dropped. A restarted coordinator (or a new
 * leader) knows its graphs again from those records and takes back the replicas the agents
 * report in their Hello ({@link GraphRestore}); graphs agents hold that it does not know, or in
 * another generation, they drop.
 *
 * <p>Threads: loads, copies and drops run one at a time on {@code resident-driver}; the
 * {@code resident-keeper} thread schedules the reconciliation; reports and membership news
 * arrive on gRPC and session threads. State is guarded by this object's lock; queries read the
 * published {@link GraphView}s without it.
 */
public final class ResidentGraphs implements ResidentCatalog, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ResidentGraphs.class);

    /** Names of resident graphs: they become job ids and log words. */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    /** How often the replicas are reconciled when nothing happens. */
    static final Duration RECONCILE_EVERY = Duration.ofSeconds(1);
    /** Bound on one round of copies (each agent copies its partitions one after the other). */
    static final Duration COPY_DEADLINE = Duration.ofMinutes(5);

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

    private final AgentDirectory directory;
    private final GraphagentConfig config;
    private final Clock clock;
    private final AtomicLong commandIds;
    private final PendingCommands pending;
    private final Map<String, KeptGraph> graphs = new TreeMap<>();
    /** The last generation of every name ever loaded, so a name loaded again starts above it. */
    private final Map<String, Long> generations = new HashMap<>();
    private final Map<String, KeptLoad> loads = new ConcurrentHashMap<>();
    private volatile Map<String, GraphView> views = Map.of();
    private volatile Heat heat = Heat.NONE;
    private final ExecutorService driver = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("resident-driver").daemon(true).factory());
    private final ScheduledExecutorService keeper = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("resident-keeper").daemon(true).factory());
    private final AtomicBoolean reconcileQueued = new AtomicBoolean();
    private final GraphRecords records;
    private final GraphRestore restore;

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
        this.directory = directory;
        this.config = config;
        this.clock = clock;
        this.commandIds = commandIds;
        this.pending = new PendingCommands(directory, commandIds);
        this.records = restart.records();
        this.restore = new GraphRestore(first -> new Rejoin(first, Rejoin.window(config.session()),
                Rejoin.window(config.session()).plus(config.job().agentWait()), restart.knownAgents()));
        for (StoredGraph record : restart.stored()) {
            KeptGraph g = KeptGraph.restored(record);
            graphs.put(g.name, g);
            generations.put(g.name, g.generation);
            log.info("event=resident_reloaded graph={} generation={} partitions={} state={} detail=\"{}\"", g.name,
                    g.generation, g.holders.size(), g.restoring ? "RESTORING" : g.state, g.message);
        }
        publish();
        directory.addListener(this::onTransition);
        keeper.scheduleWithFixedDelay(this::reconcileSoon, RECONCILE_EVERY.toMillis(), RECONCILE_EVERY.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** Where hot partitions and agent loads come from (query routing); without it no extra replicas. */
    public void useHeat(Heat source) {
        this.heat = source;
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
        KeptLoad load = loads.get(report.getJobId());
        if (!pending.answer(agent, report) && load != null) {
            load.report(agent, report);
        }
        return true;
    }

    private void onTransition(String agent, AgentState from, AgentState to, String cause) {
        loads.values().forEach(l -> l.agentChanged(agent, to, cause));
        if (to == AgentState.DEAD || to == AgentState.LEFT) {
            pending.lost(agent, cause);
            synchronized (this) {
                for (KeptGraph g : graphs.values()) {
                    if (g.lost(agent)) {
                        log.warn("event=replicas_lost graph={} agent={} cause={} detail=\"re-creating them on the survivors\"",
                                g.name, agent, cause);
                    }
                }
            }
            publish();
            reconcileSoon();
        } else if (to == AgentState.ALIVE) {
            takeBack(agent);
            reconcileSoon();
        } else {
            publish();
        }
    }

    /**
     * Takes back the replicas an agent reports in its Hello ({@link GraphRestore#decide}); what
     * this coordinator does not know, or holds in another generation, or has enough of, the
     * agent drops.
     */
    private void takeBack(String agent) {
        Set<String> live = new TreeSet<>(directory.alive().stream().map(AgentView::agentId).toList());
        live.add(agent);
        boolean changed = false;
        synchronized (this) {
            restore.agentBack(clock.instant());
        }
        for (HeldPartitions held : directory.held(agent)) {
            if (!held.getJobId().startsWith("graph-")) {
                continue;
            }
            String name = held.getJobId().substring("graph-".length());
            GraphRestore.Decision decision;
            long generation;
            synchronized (this) {
                KeptGraph g = graphs.get(name);
                if (held.getGeneration() > 0) {
                    generations.merge(name, held.getGeneration(), Math::max);
                }
                decision = GraphRestore.decide(g, agent, held, live);
                generation = g == null ? 0 : g.generation;
                if (!decision.takeBack().isEmpty()) {
                    decision.takeBack().forEach(p -> g.holders.get(p).add(agent));
                    g.bytes.put(agent, held.getBytes());
                    changed = true;
                }
            }
            if (!decision.takeBack().isEmpty()) {
                log.info("event=replicas_taken_back graph={} agent={} generation={} partitions={} bytes={}", name, agent,
                        generation, decision.takeBack(), held.getBytes());
            }
            long epoch = held.getGeneration() > 0 ? held.getGeneration() : Long.MAX_VALUE;
            if (decision.dropAll()) {
                log.info("event=resident_orphan_dropped graph={} agent={} generation={} known_generation={}", name, agent,
                        held.getGeneration(), generation);
                pending.send(agent, held.getJobId(), epoch, Command.newBuilder().setDropReplicas(
                        DropReplicas.newBuilder().setGraph(name)));
            } else if (!decision.drop().isEmpty()) {
                log.info("event=surplus_replicas_dropped graph={} agent={} partitions={} detail=\"enough live replicas"
                        + " were made while it was away\"", name, agent, decision.drop());
                pending.send(agent, held.getJobId(), epoch, Command.newBuilder().setDropReplicas(
                        DropReplicas.newBuilder().setGraph(name).addAllPartitionIds(decision.drop())))
                        .thenAccept(r -> {
                            synchronized (this) {
                                KeptGraph g = graphs.get(name);
                                if (g != null && !r.hasFailure() && r.hasResidentHeld()) {
                                    g.bytes.put(agent, r.getResidentHeld().getBytes());
                                }
                            }
                        });
            }
        }
        if (changed) {
            publish();
        }
    }

    /** Accepts a graph to load, or refuses it with the problems; the load runs on the driver. */
    public LoadGraphReply load(LoadGraphRequest request) {
        List<FieldError> errors = new ArrayList<>();
        String name = request.getName();
        if (!NAME.matcher(name).matches()) {
            errors.add(error("name", "'" + name + "' is not a graph name: use 1-64 letters, digits, '.', '_' or '-'"));
        }
        List<AgentView> alive = directory.alive();
        int replicas = request.getReplicas() > 0 ? request.getReplicas() : alive.size() >= 2 ? 2 : 1;
        if (request.getReplicas() > Math.max(1, alive.size())) {
            errors.add(error("replicas", request.getReplicas() + " replicas asked, but " + alive.size()
                    + " agent" + (alive.size() == 1 ? " is" : "s are") + " ALIVE: ask for at most " + Math.max(1, alive.size())
                    + " or start more agents"));
        }
        JobSpec.Builder spec = JobSpec.newBuilder().setGraph(request.getGraph()).setPartitions(request.getPartitions());
        if (request.hasDirected()) {
            spec.setDirected(request.getDirected());
        }
        KeptGraph graph;
        KeptLoad load;
        synchronized (this) {
            if (errors.isEmpty() && graphs.containsKey(name)) {
                errors.add(error("name", "graph " + name + " is resident already (" + graphs.get(name).state
                        + "): drop it first (graphagent graph drop " + name + ") or choose another name"));
            }
            String jobId = jobIdOf(name);
            long first = generations.getOrDefault(name, 0L) + 1;
            load = KeptLoad.prepare(jobId, name, spec.build(), directory, config, clock, commandIds, JobEpoch.of(first),
                    errors);
            if (!errors.isEmpty()) {
                return LoadGraphReply.newBuilder().addAllErrors(errors).build();
            }
            graph = new KeptGraph(name, jobId, request.getGraph(), replicas, clock.millis());
            graph.generation = load.epoch().value();
            try {
                records.save(graph.toRecord());
            } catch (StoreException e) {
                log.warn("event=resident_load_refused graph={} detail=\"{}\"", name, e.getMessage());
                return LoadGraphReply.newBuilder().addErrors(error("", "the coordinator cannot record the graph: "
                        + e.getMessage())).build();
            }
            graphs.put(name, graph);
            loads.put(jobId, load);
        }
        log.info("event=resident_load_accepted graph={} source={} replicas={} partitions={} client={}", name,
                request.getGraph(), replicas, request.getPartitions(), request.getClientName());
        publish();
        driver.execute(() -> runLoad(graph, load));
        return LoadGraphReply.newBuilder().setGraph(snapshot(graph)).build();
    }

    private void runLoad(KeptGraph graph, KeptLoad load) {
        try {
            KeptLoad.Kept kept = load.run();
            synchronized (this) {
                generations.merge(graph.name, kept.generation().value(), Math::max);
                if (graphs.get(graph.name) != graph) {
                    return; // dropped meanwhile; its agents drop it below
                }
                graph.loaded(kept.generation().value(), kept.layout(), kept.ownerOf(), clock.millis());
                for (Map.Entry<String, LoadDone> e : kept.perAgent().entrySet()) {
                    graph.bytes.put(e.getKey(), e.getValue().getShareBytes());
                }
                graph.message = "loaded: " + graph.vertices + " vertices, " + graph.edges + " edges; copying replicas";
            }
            record(graph);
            log.info("event=resident_loaded graph={} generation={} vertices={} edges={} partitions={}", graph.name,
                    kept.generation().value(), graph.vertices, graph.edges, kept.ownerOf().length);
            reconcile();
        } catch (KeptLoad.LoadFailedException e) {
            log.warn("event=resident_load_failed graph={} bad_input={} detail=\"{}\"", graph.name, e.badInput(),
                    e.getMessage());
            synchronized (this) {
                generations.merge(graph.name, load.epoch().value(), Math::max);
                graph.state = ResidentState.GRAPH_FAILED;
                graph.message = e.getMessage();
            }
            record(graph);
        } catch (RuntimeException e) {
            log.error("event=resident_load_failed graph={} cause=internal_error detail=\"{}\"", graph.name, e.toString(), e);
            synchronized (this) {
                graph.state = ResidentState.GRAPH_FAILED;
                graph.message = "internal error in the coordinator: " + e;
            }
            record(graph);
        } finally {
            loads.remove(graph.jobId);
            publish();
        }
    }

    /** Rewrites the graph's record unless it was dropped meanwhile; a failed write is logged, the graph carries on. */
    private void record(KeptGraph graph) {
        StoredGraph record;
        synchronized (this) {
            if (graphs.get(graph.name) != graph) {
                return;
            }
            record = graph.toRecord();
        }
        try {
            records.save(record);
        } catch (StoreException e) {
            log.warn("event=resident_record_not_saved graph={} state={} detail=\"{}\"", graph.name, record.getState(),
                    e.getMessage());
        }
    }

    /** Drops a graph: a load in progress stops, every holder frees it. */
    public DropGraphReply drop(String name) {
        KeptGraph graph;
        synchronized (this) {
            graph = graphs.remove(name);
        }
        if (graph == null) {
            return DropGraphReply.newBuilder().setMessage("no resident graph " + name + ": `graphagent graph list` lists them")
                    .build();
        }
        KeptLoad load = loads.get(graph.jobId);
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
        publish();
        return DropGraphReply.newBuilder().setDropped(true).setMessage("dropped graph " + name + " from "
                + holders.size() + " agent" + (holders.size() == 1 ? "" : "s")).build();
    }

    /** Every resident graph, by name. */
    public synchronized List<ResidentGraph> list() {
        return graphs.values().stream().map(KeptGraph::toProto).toList();
    }

    /** A loaded graph for a batch job on it (submit --graph-name): its holders now. */
    @Override
    public synchronized java.util.Optional<ResidentCatalog.Graph> find(String name) {
        KeptGraph g = graphs.get(name);
        if (g == null || !g.ready()) {
            return java.util.Optional.empty();
        }
        List<List<String>> holders = new ArrayList<>();
        g.holders.forEach(h -> holders.add(List.copyOf(h)));
        return java.util.Optional.of(new ResidentCatalog.Graph(g.name, g.jobId, g.generation, g.source, g.directed,
                g.weighted, g.edges, List.copyOf(holders)));
    }

    @Override
    public synchronized boolean restoring(String name) {
        KeptGraph g = graphs.get(name);
        return g != null && g.restoring;
    }

    @Override
    public synchronized List<String> names() {
        return List.copyOf(graphs.keySet());
    }

    /** The graph as queries see it, or null. */
    public GraphView view(String name) {
        return views.get(name);
    }

    /** Every graph as queries see it, by name. */
    public Map<String, GraphView> views() {
        return views;
    }

    private synchronized ResidentGraph snapshot(KeptGraph graph) {
        return graph.toProto();
    }

    /** Queues a reconciliation on the driver unless one is queued already. */
    public void reconcileSoon() {
        if (reconcileQueued.compareAndSet(false, true)) {
            try {
                driver.execute(() -> {
                    reconcileQueued.set(false);
                    reconcile();
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                reconcileQueued.set(false);
            }
        }
    }

    /** One round on the driver: copies for missing and hot replicas, drops of cooled ones; then the states. */
    private void reconcile() {
        try {
            Set<String> live = new TreeSet<>(directory.alive().stream().map(AgentView::agentId).toList());
            Map<String, String> addresses = new HashMap<>();
            directory.alive().forEach(a -> addresses.put(a.agentId(), a.dataAddress()));
            List<Round> rounds = new ArrayList<>();
            synchronized (this) {
                endRestores(live);
                Map<String, Integer> counts = heldCounts();
                for (KeptGraph g : graphs.values()) {
                    if (g.ready() && !g.restoring && !loads.containsKey(g.jobId)) {
                        rounds.add(plan(g, live, counts));
                    }
                }
            }
            for (Round round : rounds) {
                round.dropCooled(this);
                round.copy(this, addresses);
            }
            synchronized (this) {
                for (KeptGraph g : graphs.values()) {
                    if (g.ready() && !g.restoring && !loads.containsKey(g.jobId)) {
                        g.judge(live);
                    }
                }
            }
        } catch (RuntimeException e) {
            log.error("event=resident_reconcile_failed detail=\"{}\"", e.toString(), e);
        } finally {
            publish();
        }
    }

    /** Ends the wait of restoring graphs whose agents are back ({@link GraphRestore#over}); under the lock. */
    private void endRestores(Set<String> live) {
        for (KeptGraph g : graphs.values()) {
            if (g.restoring && restore.over(g, live, clock.instant())) {
                g.restoring = false;
                g.judge(live);
                List<Integer> unheld = GraphRestore.unheld(g, live);
                if (unheld.isEmpty()) {
                    log.info("event=resident_restored graph={} generation={} state={} detail=\"{}\"", g.name, g.generation,
                            g.state, g.message);
                } else {
                    log.warn("event=resident_restored graph={} generation={} state={} missing_partitions={} detail=\"no live"
                            + " agent reported these partitions after the coordinator restart; queries touching them fail\""
                            + " fix=\"start the agents that held them, or graphagent graph drop {} and load it again\"",
                            g.name, g.generation, g.state, unheld, g.name);
                }
            }
        }
    }

    /** Partitions each agent holds over every graph; under the lock. */
    private Map<String, Integer> heldCounts() {
        Map<String, Integer> counts = new HashMap<>();
        for (KeptGraph g : graphs.values()) {
            for (Set<String> h : g.holders) {
                h.forEach(a -> counts.merge(a, 1, Integer::sum));
            }
        }
        return counts;
    }

    /** What one graph needs this round; under the lock. */
    private Round plan(KeptGraph g, Set<String> live, Map<String, Integer> counts) {
        List<List<String>> liveHolders = g.liveHolders(live);
        int base = Math.min(g.replicas, live.size());
        int[] wanted = new int[liveHolders.size()];
        java.util.Arrays.fill(wanted, base);
        List<ReplicaPlan.Copy> copies = new ArrayList<>(ReplicaPlan.copies(liveHolders, wanted, live, counts));
        Set<Integer> hot = heat.hot(g.name);
        List<int[]> cooled = new ArrayList<>();
        List<String> cooledAgents = new ArrayList<>();
        for (int p = 0; p < liveHolders.size(); p++) {
            List<String> have = liveHolders.get(p);
            if (g.extra[p] != null && !hot.contains(p)) {
                cooledAgents.add(g.extra[p]);
                cooled.add(new int[] {p});
                g.holders.get(p).remove(g.extra[p]);
                log.info("event=hot_replica_released graph={} partition={} agent={} cause=cooled", g.name, p, g.extra[p]);
                g.extra[p] = null;
            } else if (hot.contains(p) && g.extra[p] == null && have.size() >= base && !have.isEmpty()
                    && have.size() < live.size()) {
                List<String> candidates = live.stream().filter(a -> !have.contains(a)).toList();
                String target = heat.leastLoaded(candidates);
                copies.add(new ReplicaPlan.Copy(p, target, have.get(0)));
                g.extra[p] = target;
                log.info("event=hot_replica_wanted graph={} partition={} agent={} cause=hot", g.name, p, target);
            }
        }
        return new Round(g, g.jobId, g.generation, g.layout, copies, cooledAgents, cooled);
    }

    /** One graph's copies and drops of a round. */
    private record Round(KeptGraph graph, String jobId, long generation, io.graphagent.protocol.v1.GraphLayout layout,
                         List<ReplicaPlan.Copy> copies, List<String> cooledAgents, List<int[]> cooled) {

        void dropCooled(ResidentGraphs owner) {
            for (int i = 0; i < cooledAgents.size(); i++) {
                DropReplicas.Builder drop = DropReplicas.newBuilder();
                for (int p : cooled.get(i)) {
                    drop.addPartitionIds(p);
                }
                String agent = cooledAgents.get(i);
                owner.pending.send(agent, jobId, generation, Command.newBuilder().setDropReplicas(drop))
                        .thenAccept(r -> owner.held(graph, agent, r, Set.of()));
            }
        }

        /** Sends each target its copies and waits for all; a target's report adds it as a holder. */
        void copy(ResidentGraphs owner, Map<String, String> addresses) {
            Map<String, List<ReplicaPlan.Copy>> byTarget = new TreeMap<>();
            copies.forEach(c -> byTarget.computeIfAbsent(c.target(), t -> new ArrayList<>()).add(c));
            Map<String, CompletableFuture<Report>> answers = new TreeMap<>();
            for (Map.Entry<String, List<ReplicaPlan.Copy>> e : byTarget.entrySet()) {
                ReplicatePartitions.Builder order = ReplicatePartitions.newBuilder().setGraph(graph.name).setLayout(layout);
                for (ReplicaPlan.Copy c : e.getValue()) {
                    order.addSources(PartitionOwner.newBuilder().setPartitionId(c.partition()).setAgentId(c.source())
                            .setDataAddress(addresses.getOrDefault(c.source(), "")));
                }
                log.info("event=replicas_copying graph={} agent={} partitions={}", graph.name, e.getKey(),
                        e.getValue().stream().map(ReplicaPlan.Copy::partition).toList());
                answers.put(e.getKey(), owner.pending.send(e.getKey(), jobId, generation,
                        Command.newBuilder().setReplicatePartitions(order)));
            }
            for (Map.Entry<String, CompletableFuture<Report>> e : answers.entrySet()) {
                String agent = e.getKey();
                Set<Integer> planned = new TreeSet<>(byTarget.get(agent).stream().map(ReplicaPlan.Copy::partition).toList());
                try {
                    owner.held(graph, agent, e.getValue().get(COPY_DEADLINE.toMillis(), TimeUnit.MILLISECONDS), planned);
                } catch (ExecutionException | TimeoutException ex) {
                    String why = ex instanceof ExecutionException ? ex.getCause().getMessage() : "no answer within "
                            + COPY_DEADLINE.toMinutes() + " min";
                    log.warn("event=replicas_not_copied graph={} agent={} partitions={} detail=\"{}\"", graph.name, agent,
                            planned, why);
                    owner.forgetExtra(graph, agent, planned);
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** An agent's account of what it holds: its bytes, and the planned partitions it now has. */
    private synchronized void held(KeptGraph graph, String agent, Report report, Set<Integer> planned) {
        if (graphs.get(graph.name) != graph) {
            return;
        }
        if (report.hasFailure()) {
            log.warn("event=replicas_not_copied graph={} agent={} partitions={} detail=\"{}\"", graph.name, agent, planned,
                    report.getFailure().getMessage());
            forgetExtra(graph, agent, planned);
            return;
        }
        ResidentHeld held = report.getResidentHeld();
        graph.bytes.put(agent, held.getBytes());
        for (int p : held.getPartitionIdsList()) {
            if (planned.contains(p) && p < graph.holders.size()) {
                graph.holders.get(p).add(agent);
            }
        }
        if (!planned.isEmpty()) {
            log.info("event=replicas_built graph={} agent={} partitions={} bytes={} ms={}", graph.name, agent,
                    held.getPartitionIdsList(), held.getBytes(), held.getTimeMs());
        }
    }

    private synchronized void forgetExtra(KeptGraph graph, String agent, Set<Integer> planned) {
        for (int p : planned) {
            if (p < graph.extra.length && agent.equals(graph.extra[p])) {
                graph.extra[p] = null;
            }
        }
    }

    /** Publishes the views queries read. */
    private void publish() {
        Map<String, GraphView> next = new TreeMap<>();
        synchronized (this) {
            for (KeptGraph g : graphs.values()) {
                if (g.ready()) {
                    next.put(g.name, g.view());
                }
            }
        }
        views = Map.copyOf(next);
    }

    /** Runs one reconciliation now on the caller's thread, after anything queued (tests). */
    public void reconcileAndWait() throws InterruptedException, ExecutionException {
        driver.submit(this::reconcile).get();
    }

    private static FieldError error(String field, String message) {
        return FieldError.newBuilder().setField(field).setMessage(message).build();
    }

    @Override
    public void close() {
        keeper.shutdownNow();
        driver.shutdownNow();
        loads.values().forEach(KeptLoad::cancel);
    }
}
