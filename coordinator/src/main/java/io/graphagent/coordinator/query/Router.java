package io.graphagent.coordinator.query;

import io.graphagent.config.QueryConfig;
import io.graphagent.config.QueryRouting;
import io.graphagent.coordinator.membership.AgentView;
import io.graphagent.coordinator.resident.GraphView;
import io.graphagent.coordinator.resident.ResidentGraphs;
import io.graphagent.protocol.v1.AgentState;
import io.graphagent.protocol.v1.PartitionRoute;
import io.graphagent.protocol.v1.RoutingTable;
import java.time.Clock;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Where each request of a query goes: for a partition, one of its live replicas (holders whose
 * session is ALIVE), by the policy of {@code query.routing}. {@link QueryRouting#HEAT}: the
 * replica with the least {@link AgentLoad#cost}, those within {@link #TIE_RATIO} of the least
 * taken in turn (as nginx's least_conn takes its ties); the partitions' heat
 * ({@link PartitionHeat}) says which are hot, and the resident graphs give those an extra
 * replica on the least-loaded agent. {@link QueryRouting#ROUND_ROBIN}: the live replicas in
 * turn, no hot replicas. Every route counts as a request to the partition. Time from the
 * injected clock. Thread-safe.
 */
public final class Router implements ResidentGraphs.Heat {
    /**
     * Replicas whose costs are within this factor of the least are equally loaded, and take
     * requests in turn. The latency in a cost is an agent's average over its last ~10 requests,
     * whose sizes vary far more than this (a hub's neighbourhood against a leaf's), so a smaller
     * difference says nothing about which replica answers sooner; without it, every query
     * between two reports saw the same cheapest replica and went there, herding requests onto
     * the replica that last reported the lower figure. One more request in flight at the same
     * latency doubles a cost, beyond this factor: the queue still decides.
     */
    static final double TIE_RATIO = 1.5;

    private final QueryConfig config;
    private final Clock clock;
    private final Map<String, AgentLoad> loads = new ConcurrentHashMap<>();
    /** Heat per graph generation, keyed "NAME@GENERATION". */
    private final Map<String, PartitionHeat> heat = new ConcurrentHashMap<>();
    /** The heat of each graph's generation last routed, by graph name: found without building its key. */
    private final Map<String, GenerationHeat> lastHeat = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger[]> turns = new ConcurrentHashMap<>();
    private final Supplier<List<AgentView>> alive;
    private volatile Set<String> live = Set.of();
    private volatile Map<String, String> addresses = Map.of();
    /** The cores each live agent reported in Hello: its query threads. */
    private volatile Map<String, Integer> cores = Map.of();
    /** The membership cause each agent last left ALIVE with (a DisconnectCause or lifecycle label). */
    private final Map<String, String> leftWith = new ConcurrentHashMap<>();

    /** @param alive the agents ALIVE now (membership), read again at every membership change */
    public Router(QueryConfig config, Clock clock, Supplier<List<AgentView>> alive) {
        this.config = config;
        this.clock = clock;
        this.alive = alive;
        refresh();
    }

    /** Membership news: only ALIVE agents get requests. */
    public void onTransition(String agent, AgentState from, AgentState to, String cause) {
        if (from == AgentState.ALIVE && to != AgentState.ALIVE && cause != null) {
            leftWith.put(agent, cause);
        }
        refresh();
    }

    private synchronized void refresh() {
        Map<String, String> next = new TreeMap<>();
        Map<String, Integer> nextCores = new TreeMap<>();
        for (AgentView a : alive.get()) {
            next.put(a.agentId(), a.dataAddress());
            nextCores.put(a.agentId(), a.cores());
        }
        addresses = Map.copyOf(next);
        cores = Map.copyOf(nextCores);
        live = Set.copyOf(next.keySet());
    }

    /** Whether {@code agent} is ALIVE. */
    public boolean live(String agent) {
        return live.contains(agent);
    }

    /** The data address of a live agent, or null. */
    public String addressOf(String agent) {
        return addresses.get(agent);
    }

    /** The membership cause {@code agent} last left ALIVE with, or null. */
    String leftWith(String agent) {
        return leftWith.get(agent);
    }

    public QueryRouting policy() {
        return config.routing();
    }

    /**
     * Whether {@code agent} is saturated now: as many requests in flight to it (the gateway's
     * own or its fresh report) as it has query threads (one per core it reported), so one more
     * would wait for a thread.
     */
    boolean saturated(String agent) {
        return load(agent).saturated(clock.millis(), cores.getOrDefault(agent, 1));
    }

    /**
     * The replica of partition {@code p} of {@code graph} to send a request to, or null when no
     * live replica outside {@code exclude} is left; counts the request in the partition's heat.
     */
    public String route(GraphView graph, int p, Set<String> exclude) {
        long now = clock.millis();
        heatOf(graph).hit(p, now);
        return pick(graph, p, exclude, now, true);
    }

    /**
     * Where each partition of {@code graph} routes now, null where no live replica is left: the
     * next hop an agent may take on itself ({@code ExpandRequest.next_partitions}) goes where a
     * request would. Counts nothing and takes no turn; {@link #routedAlong} does, for the
     * partitions the agent did expand.
     */
    String[] nextRoutes(GraphView graph) {
        long now = clock.millis();
        String[] to = new String[graph.partitioning().count()];
        for (int p = 0; p < to.length; p++) {
            to[p] = pick(graph, p, Set.of(), now, false);
        }
        return to;
    }

    /**
     * Partition {@code p} was expanded by the replica {@link #nextRoutes} chose, within the
     * request of the hop before: a request to it, counted in its heat (and its turn taken).
     */
    void routedAlong(GraphView graph, int p) {
        heatOf(graph).hit(p, clock.millis());
        turnsOf(graph)[p].getAndIncrement();
    }

    private String pick(GraphView graph, int p, Set<String> exclude, long now, boolean advance) {
        List<String> holders = graph.holders().get(p);
        Set<String> alive = live;
        if (config.routing() == QueryRouting.ROUND_ROBIN) {
            AtomicInteger turn = turnsOf(graph)[p];
            int start = advance ? turn.getAndIncrement() : turn.get();
            for (int i = 0; i < holders.size(); i++) {
                String agent = holders.get(Math.floorMod(start + i, holders.size()));
                if (alive.contains(agent) && !exclude.contains(agent)) {
                    return agent;
                }
            }
            return null;
        }
        double[] costs = new double[holders.size()];
        double least = Double.MAX_VALUE;
        for (int i = 0; i < costs.length; i++) {
            String agent = holders.get(i);
            costs[i] = !alive.contains(agent) || exclude.contains(agent) ? Double.NaN : load(agent).cost(now);
            if (costs[i] < least) {
                least = costs[i];
            }
        }
        // NaN (not a candidate) is within no ratio.
        int ties = 0;
        for (double c : costs) {
            if (c <= least * TIE_RATIO) {
                ties++;
            }
        }
        if (ties == 0) {
            return null;
        }
        int chosen = 0;
        if (ties > 1) {
            // Only then: the turns' key is built per call.
            AtomicInteger turn = turnsOf(graph)[p];
            chosen = Math.floorMod(advance ? turn.getAndIncrement() : turn.get(), ties);
        }
        for (int i = 0; i < costs.length; i++) {
            if (costs[i] <= least * TIE_RATIO && chosen-- == 0) {
                return holders.get(i);
            }
        }
        throw new AssertionError("unreachable: " + ties + " replicas within the tie ratio");
    }

    private AtomicInteger[] turnsOf(GraphView graph) {
        return turns.computeIfAbsent(graph.name() + "@" + graph.generation(), k -> newTurns(graph.partitioning().count()));
    }

    private static AtomicInteger[] newTurns(int partitions) {
        AtomicInteger[] t = new AtomicInteger[partitions];
        for (int p = 0; p < partitions; p++) {
            t[p] = new AtomicInteger();
        }
        return t;
    }

    /** The load the router keeps for {@code agent}. */
    AgentLoad load(String agent) {
        return loads.computeIfAbsent(agent, AgentLoad::new);
    }

    private PartitionHeat heatOf(GraphView graph) {
        GenerationHeat last = lastHeat.get(graph.name());
        if (last != null && last.generation() == graph.generation()) {
            return last.heat();
        }
        PartitionHeat h = heat.computeIfAbsent(graph.name() + "@" + graph.generation(), k -> new PartitionHeat(
                graph.partitioning().count(), config.heatWindow(), config.hotRate(), config.coolAfter()));
        lastHeat.put(graph.name(), new GenerationHeat(graph.generation(), h));
        return h;
    }

    private record GenerationHeat(long generation, PartitionHeat heat) {
    }

    @Override
    public Set<Integer> hot(String graph) {
        if (config.routing() != QueryRouting.HEAT) {
            return Set.of();
        }
        long now = clock.millis();
        Set<Integer> hot = new TreeSet<>();
        heat.forEach((key, h) -> {
            if (key.substring(0, key.lastIndexOf('@')).equals(graph)) {
                for (int p = 0; p < h.partitions(); p++) {
                    if (h.hot(p, now)) {
                        hot.add(p);
                    }
                }
            }
        });
        return hot;
    }

    @Override
    public String leastLoaded(Collection<String> candidates) {
        long now = clock.millis();
        String best = null;
        double bestCost = Double.MAX_VALUE;
        for (String agent : new TreeSet<>(candidates)) {
            double cost = load(agent).cost(now);
            if (cost < bestCost) {
                best = agent;
                bestCost = cost;
            }
        }
        return best;
    }

    /** Forgets the heat of generations no longer resident. */
    public void retain(Collection<GraphView> graphs) {
        Set<String> keep = new HashSet<>();
        graphs.forEach(g -> keep.add(g.name() + "@" + g.generation()));
        heat.keySet().retainAll(keep);
        lastHeat.clear();
        turns.keySet().retainAll(keep);
    }

    /** The routing table: every partition of {@code graphs}, its heat and where it routes now; every agent's load. */
    public RoutingTable table(Collection<GraphView> graphs) {
        long now = clock.millis();
        RoutingTable.Builder table = RoutingTable.newBuilder().setPolicy(config.routing().configName())
                .setHotRate(config.hotRate());
        Set<String> agents = new TreeSet<>();
        for (GraphView g : graphs) {
            PartitionHeat h = heatOf(g);
            for (int p = 0; p < g.partitioning().count(); p++) {
                List<String> holders = g.holders().get(p);
                agents.addAll(holders);
                String to = pick(g, p, Set.of(), now, false);
                table.addPartitions(PartitionRoute.newBuilder().setGraph(g.name()).setPartition(p).setRate(h.rate(p, now))
                        .setHot(config.routing() == QueryRouting.HEAT && h.hot(p, now))
                        .addAllReplicas(holders.stream().filter(live::contains).toList())
                        .setRoutesTo(to == null ? "" : to).setVertices(g.partitioning().size(p)).setRequests(h.requests(p)));
            }
        }
        Map<String, AgentLoad> sorted = new TreeMap<>();
        agents.forEach(a -> sorted.put(a, load(a)));
        sorted.forEach((id, l) -> table.addAgents(io.graphagent.protocol.v1.AgentLoad.newBuilder().setAgentId(id)
                .setInFlight(l.inFlight()).setRequests(l.requests()).setReportedInFlight(l.reportedInFlight(now)).setLatencyMs(l.latencyMillis(now))
                .setCost(l.cost(now)).setLive(live.contains(id))));
        return table.build();
    }
}
