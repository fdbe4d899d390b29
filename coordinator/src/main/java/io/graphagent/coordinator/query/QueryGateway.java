package io.graphagent.coordinator.query;

import io.graphagent.config.QueryConfig;
import io.graphagent.coordinator.resident.GraphView;
import io.graphagent.coordinator.resident.ResidentGraphs;
import io.graphagent.graph.partition.Partitioning;
import io.graphagent.graph.traverse.VertexBits;
import io.graphagent.graph.traverse.VertexTable;
import io.graphagent.protocol.PackedArrays;
import io.graphagent.protocol.v1.DegreeReply;
import io.graphagent.protocol.v1.DegreeRequest;
import io.graphagent.protocol.v1.Direction;
import io.graphagent.protocol.v1.KHopReply;
import io.graphagent.protocol.v1.KHopRequest;
import io.graphagent.protocol.v1.LookupReply;
import io.graphagent.protocol.v1.LookupRequest;
import io.graphagent.protocol.v1.NeighboursReply;
import io.graphagent.protocol.v1.NeighboursRequest;
import io.graphagent.protocol.v1.PathReply;
import io.graphagent.protocol.v1.PathRequest;
import io.graphagent.protocol.v1.QueryStats;
import io.graphagent.protocol.v1.ResidentState;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The gateway: answers the online queries on resident graphs, hop by hop, each hop's vertices
 * sent to live replicas of their partitions ({@link ShardCalls}). It keeps only what the query
 * reached (a {@link VertexTable}, bounded by {@code query.max-vertices}), never the graph.
 * Vertices are named by original ids outside and dense ids inside: the start vertices are
 * looked up at their partition's replica (or taken as they are when the graph's ids are dense),
 * and the answer's vertices are named again the same way.
 *
 * <p>At most {@code query.max-in-flight} queries run at once ({@link QueryAdmission}); one more
 * is refused at once ("busy, retry after"). Every query has a deadline. Thread-safe; a query runs on its caller's
 * thread.
 */
public final class QueryGateway {
    /** Longest deadline a request may ask for, ms. */
    public static final long MAX_DEADLINE_MS = 60_000;
    /** Neighbours listed when the request names no limit. */
    static final int DEFAULT_NEIGHBOUR_LIMIT = 1000;
    /** Hops of a k-hop query, at most. */
    public static final int MAX_K = 3;
    /** Path length looked for when the request names none, and at most. */
    static final int DEFAULT_MAX_DEPTH = 6;
    static final int MAX_DEPTH = 16;

    private final QueryConfig config;
    private final ResidentGraphs graphs;
    private final ShardCalls calls;
    private final QueryAdmission admission;
    private final java.time.Clock clock;
    private final QueryObserver observer;
    private final VisitedTables tables = new VisitedTables(2 * Runtime.getRuntime().availableProcessors());
    private final CountingBits lastHops = new CountingBits(2 * Runtime.getRuntime().availableProcessors());
    private final BigFirstHops bigFirstHops = new BigFirstHops();

    /** What happens to queries, for metrics: each one's kind, outcome and time. */
    public interface QueryObserver {
        void answered(String kind, String outcome, long micros);

        void retried(String cause);

        /**
         * A query refused busy: at the gateway ({@code where} = {@value #SHED_AT_GATEWAY}, query.max-in-flight)
         * or because every live replica of a partition was busy ({@value #SHED_BY_REPLICAS}, query.agent-max-in-flight).
         */
        default void shed(String where) {
        }

        QueryObserver NONE = new QueryObserver() {
            @Override
            public void answered(String kind, String outcome, long micros) {
            }

            @Override
            public void retried(String cause) {
            }
        };
    }

    /** Where a busy answer came from, for {@link QueryObserver#shed}. */
    public static final String SHED_AT_GATEWAY = "gateway";
    public static final String SHED_BY_REPLICAS = "replicas";

    QueryGateway(QueryConfig config, ResidentGraphs graphs, Router router, ShardChannels channels, java.time.Clock clock,
                 QueryObserver observer) {
        this.config = config;
        this.graphs = graphs;
        this.calls = new ShardCalls(router, channels, clock, observer::retried);
        this.admission = new QueryAdmission(config.maxInFlight());
        this.clock = clock;
        this.observer = observer;
    }

    /** A query's work: what it answers, given its run. */
    @FunctionalInterface
    private interface Work<T> {
        T run(QueryRun run, GraphView graph) throws QueryException;
    }

    private <T> T admitted(String kind, String name, long deadlineMs, Work<T> work) throws QueryException {
        java.time.Instant t0 = clock.instant();
        String outcome = "ok";
        try {
            admission.admit();
        } catch (QueryException busy) {
            observer.answered(kind, "busy", 0);
            observer.shed(SHED_AT_GATEWAY);
            throw busy;
        }
        try {
            GraphView graph = graph(name);
            long ms = deadlineMs == 0 ? config.deadline().toMillis() : deadlineMs;
            if (ms < 0 || ms > MAX_DEADLINE_MS) {
                throw new QueryException(QueryException.Kind.BAD_REQUEST, "deadline_ms " + deadlineMs + " is outside 1.."
                        + MAX_DEADLINE_MS);
            }
            return work.run(new QueryRun(name, ms), graph);
        } catch (QueryException e) {
            outcome = e.kind().name().toLowerCase(java.util.Locale.ROOT);
            if (e.kind() == QueryException.Kind.BUSY) {
                observer.shed(SHED_BY_REPLICAS);
            }
            throw e;
        } finally {
            long micros = microsSince(t0);
            admission.done(micros);
            observer.answered(kind, outcome, micros);
        }
    }

    private GraphView graph(String name) throws QueryException {
        GraphView g = graphs.view(name);
        if (g == null) {
            throw new QueryException(QueryException.Kind.NO_GRAPH, "no resident graph " + name + ": `graphagent graph list`"
                    + " lists them; load one with `graphagent graph load --name " + name + " --graph PREFIX`");
        }
        if (!g.queryable()) {
            throw new QueryException(QueryException.Kind.NOT_READY, "graph " + name + " is " + stateWord(g.state())
                    + ": queries wait until it is READY (graphagent graph list)");
        }
        return g;
    }

    private static String stateWord(ResidentState state) {
        return state.name().substring("GRAPH_".length());
    }

    /** The bound on queries in flight, with its count of queries shed. */
    public QueryAdmission admission() {
        return admission;
    }

    public NeighboursReply neighbours(NeighboursRequest request) throws QueryException {
        return admitted("neighbours", request.getGraph(), request.getDeadlineMs(), (run, g) -> {
            java.time.Instant t0 = clock.instant();
            int v = dense(run, g, request.getVertex());
            if (v < 0) {
                return NeighboursReply.newBuilder().setFound(false).setMessage(missing(g, request.getVertex()))
                        .setStats(stats(run, 0, t0)).build();
            }
            VertexTable found = tables.take(g.partitioning().numVertices());
            int[] sorted;
            try {
                calls.expand(run, g, new int[] {v}, 1, direction(request.getDirection()), false, (n, parent) -> found.add(n, v));
                sorted = Arrays.copyOf(found.vertices(), found.size());
            } finally {
                tables.give(found);
            }
            Arrays.sort(sorted);
            int limit = request.getLimit() == 0 ? DEFAULT_NEIGHBOUR_LIMIT : request.getLimit();
            int listed = Math.min(limit, sorted.length);
            long[] ids = originals(run, g, Arrays.copyOf(sorted, listed));
            NeighboursReply.Builder reply = NeighboursReply.newBuilder().setFound(true).setCount(sorted.length)
                    .setTruncated(listed < sorted.length);
            for (long id : ids) {
                reply.addNeighbours(id);
            }
            return reply.setStats(stats(run, sorted.length, t0)).build();
        });
    }

    public DegreeReply degree(DegreeRequest request) throws QueryException {
        return admitted("degree", request.getGraph(), request.getDeadlineMs(), (run, g) -> {
            java.time.Instant t0 = clock.instant();
            int p = partitionOfId(g, request.getVertex());
            if (p < 0) {
                return DegreeReply.newBuilder().setFound(false).setMessage(missing(g, request.getVertex()))
                        .setStats(stats(run, 0, t0)).build();
            }
            run.hops++;
            LookupReply reply = calls.lookup(run, g, p, LookupRequest.newBuilder().setCount(1)
                    .setIds(PackedArrays.packLongs(new long[] {request.getVertex()}, 0, 1)));
            int[] dense = new int[1];
            PackedArrays.unpackInts(reply.getIds(), 1, dense);
            if (dense[0] < 0) {
                return DegreeReply.newBuilder().setFound(false).setMessage(missing(g, request.getVertex()))
                        .setStats(stats(run, 0, t0)).build();
            }
            int[] out = new int[1];
            int[] in = new int[1];
            PackedArrays.unpackInts(reply.getOutDegrees(), 1, out);
            PackedArrays.unpackInts(reply.getInDegrees(), 1, in);
            return DegreeReply.newBuilder().setFound(true).setOutDegree(out[0]).setInDegree(in[0])
                    .setStats(stats(run, 1, t0)).build();
        });
    }

    public KHopReply khop(KHopRequest request) throws QueryException {
        if (request.getK() < 1 || request.getK() > MAX_K) {
            throw new QueryException(QueryException.Kind.BAD_REQUEST, "k = " + request.getK() + ": ask for 1 to " + MAX_K
                    + " hops");
        }
        return admitted("khop", request.getGraph(), request.getDeadlineMs(), (run, g) -> {
            java.time.Instant t0 = clock.instant();
            int start = dense(run, g, request.getVertex());
            if (start < 0) {
                return KHopReply.newBuilder().setFound(false).setMessage(missing(g, request.getVertex()))
                        .setStats(stats(run, 0, t0)).build();
            }
            VertexTable visited = tables.take(g.partitioning().numVertices());
            try {
                return khop(run, g, request, start, visited, t0);
            } finally {
                tables.give(visited);
            }
        });
    }

    private KHopReply khop(QueryRun run, GraphView g, KHopRequest request, int start, VertexTable visited,
                           java.time.Instant t0) throws QueryException {
        visited.add(start, start);
        int[] levelEnd = new int[request.getK() + 1];
        levelEnd[0] = 1;
        Direction direction = direction(request.getDirection());
        int from = 0;
        int reached = 1;
        // The agents' answers to the first hop, which they took on to the second as far as they hold its partitions.
        List<ShardCalls.Carried> carried = null;
        ShardCalls.NeighbourSink add = (n, parent) -> {
            if (visited.add(n, parent) && visited.size() > config.maxVertices()) {
                throw tooLarge(g, request.getVertex(), "within " + request.getK() + " hops");
            }
        };
        for (int hop = 1; hop <= request.getK(); hop++) {
            int to = visited.size();
            int[] frontier = carried != null ? ShardCalls.unexpanded(carried)
                    : Arrays.copyOfRange(visited.vertices(), from, to);
            if (hop == request.getK() && request.getLimit() == 0) {
                reached = to + lastHopCount(run, g, request, frontier, carried, direction, visited);
            } else {
                if (carried != null) {
                    for (ShardCalls.Carried c : carried) {
                        ShardCalls.deliver(c.next(), g.partitioning().numVertices(), c.malformed(), false, add);
                    }
                }
                // A big first hop's second goes out to every partition's replica at once (BigFirstHops).
                List<ShardCalls.Carried> next = hop == 1 && request.getK() > 1 && !bigFirstHops.big(g, start)
                        ? new ArrayList<>() : null;
                if (frontier.length > 0 && next != null) {
                    calls.expandCarrying(run, g, frontier, frontier.length, direction, add, next);
                } else if (frontier.length > 0) {
                    calls.expand(run, g, frontier, frontier.length, direction, false, add);
                }
                carried = next;
                reached = visited.size();
                if (hop == 1) {
                    bigFirstHops.reached(g, start, reached - 1);
                }
            }
            levelEnd[hop] = reached;
            from = to;
        }
        KHopReply.Builder reply = KHopReply.newBuilder().setFound(true).setCount(reached - 1L);
        int listed = 0;
        int[] chosen = new int[Math.min(request.getLimit(), reached - 1)];
        for (int hop = 1; hop <= request.getK(); hop++) {
            reply.addPerHop(levelEnd[hop] - levelEnd[hop - 1]);
            if (listed < chosen.length) {
                int[] level = Arrays.copyOfRange(visited.vertices(), levelEnd[hop - 1], levelEnd[hop]);
                Arrays.sort(level);
                int take = Math.min(level.length, chosen.length - listed);
                System.arraycopy(level, 0, chosen, listed, take);
                listed += take;
            }
        }
        for (long id : originals(run, g, chosen)) {
            reply.addVertices(id);
        }
        return reply.setTruncated(chosen.length < reached - 1).setStats(stats(run, reached, t0)).build();
    }

    /**
     * The last hop of a count-only k-hop: how many neighbours of {@code frontier} (and those
     * {@code carried} by the agents of the hop before, when it was the first) are new (not in
     * {@code visited}), the agents' answers merged into a bit set, never listed one by one.
     */
    private int lastHopCount(QueryRun run, GraphView g, KHopRequest request, int[] frontier,
                             List<ShardCalls.Carried> carried, Direction direction, VertexTable visited) throws QueryException {
        List<ShardCalls.Carried> answers = new ArrayList<>();
        if (frontier.length > 0) {
            calls.expandKeeping(run, g, frontier, frontier.length, direction, answers);
        }
        // Taken once the agents answered, so a set is held for the merge only, not while they work.
        VertexBits met = lastHops.take(g.partitioning().numVertices());
        try {
            if (carried != null) {
                for (ShardCalls.Carried c : carried) {
                    ShardCalls.deliverInto(c.next(), c.malformed(), met);
                }
            }
            for (ShardCalls.Carried c : answers) {
                ShardCalls.deliverInto(c.reply(), c.malformed(), met);
            }
            int fresh = met.size();
            int[] seen = visited.vertices();
            for (int i = 0, n = visited.size(); i < n; i++) {
                if (met.contains(seen[i])) {
                    fresh--;
                }
            }
            if ((long) visited.size() + fresh > config.maxVertices()) {
                throw tooLarge(g, request.getVertex(), "within " + request.getK() + " hops");
            }
            return fresh;
        } finally {
            lastHops.give(met);
        }
    }

    public PathReply shortestPath(PathRequest request) throws QueryException {
        int maxDepth = request.getMaxDepth() == 0 ? DEFAULT_MAX_DEPTH : request.getMaxDepth();
        if (maxDepth > MAX_DEPTH) {
            throw new QueryException(QueryException.Kind.BAD_REQUEST, "max_depth " + maxDepth + ": at most " + MAX_DEPTH);
        }
        return admitted("path", request.getGraph(), request.getDeadlineMs(), (run, g) -> {
            java.time.Instant t0 = clock.instant();
            int s = dense(run, g, request.getFrom());
            int t = dense(run, g, request.getTo());
            if (s < 0 || t < 0) {
                return PathReply.newBuilder().setFound(false).setMessage(missing(g, s < 0 ? request.getFrom() : request.getTo()))
                        .setStats(stats(run, 0, t0)).build();
            }
            return new BidirectionalSearch(calls, run, g, direction(request.getDirection()), maxDepth, config.maxVertices())
                    .between(s, t, request.getFrom(), request.getTo(), (ids) -> originals(run, g, ids))
                    .setStats(stats(run, 0, t0)).build();
        });
    }

    /** The graph's dense id of original id {@code id}, or -1 when the graph has no such vertex. */
    private int dense(QueryRun run, GraphView g, long id) throws QueryException {
        int p = partitionOfId(g, id);
        if (p < 0) {
            return -1;
        }
        if (g.denseIds()) {
            return id < g.partitioning().numVertices() ? (int) id : -1;
        }
        run.hops++;
        LookupReply reply = calls.lookup(run, g, p, LookupRequest.newBuilder().setCount(1)
                .setIds(PackedArrays.packLongs(new long[] {id}, 0, 1)));
        int[] dense = new int[1];
        PackedArrays.unpackInts(reply.getIds(), 1, dense);
        return dense[0];
    }

    /** The partition whose id blocks hold {@code id}, or -1 outside the graph's ids. */
    private static int partitionOfId(GraphView g, long id) {
        if (id < 0) {
            return -1;
        }
        try {
            return g.partitioning().partitionOfId(id);
        } catch (IllegalArgumentException e) {
            return -1;
        }
    }

    /** Original ids of {@code dense} (any order), asked of their partitions' replicas unless ids are dense. */
    private long[] originals(QueryRun run, GraphView g, int[] dense) throws QueryException {
        long[] out = new long[dense.length];
        if (g.denseIds()) {
            for (int i = 0; i < dense.length; i++) {
                out[i] = dense[i];
            }
            return out;
        }
        if (dense.length == 0) {
            return out;
        }
        Partitioning partitioning = g.partitioning();
        java.util.Map<Integer, java.util.List<Integer>> byPartition = new java.util.TreeMap<>();
        for (int i = 0; i < dense.length; i++) {
            byPartition.computeIfAbsent(partitioning.partitionOf(dense[i]), k -> new java.util.ArrayList<>()).add(i);
        }
        run.hops++;
        for (var e : byPartition.entrySet()) {
            int[] ids = e.getValue().stream().mapToInt(i -> dense[i]).toArray();
            LookupReply reply = calls.lookup(run, g, e.getKey(), LookupRequest.newBuilder().setToOriginal(true)
                    .setCount(ids.length).setIds(PackedArrays.packInts(ids, 0, ids.length)));
            long[] originals = new long[ids.length];
            PackedArrays.unpackLongs(reply.getIds(), ids.length, originals);
            for (int k = 0; k < ids.length; k++) {
                out[e.getValue().get(k)] = originals[k];
            }
        }
        return out;
    }

    static Direction direction(Direction asked) {
        return asked == Direction.DIRECTION_UNSPECIFIED ? Direction.EDGES_OUT : asked;
    }

    private static String missing(GraphView g, long id) {
        return "vertex " + id + " is not in graph " + g.name();
    }

    static QueryException tooLarge(GraphView g, long vertex, String what) {
        return new QueryException(QueryException.Kind.TOO_LARGE, "the vertices " + what + " of vertex " + vertex
                + " in graph " + g.name() + " exceed query.max-vertices: ask for fewer hops, or raise query.max-vertices");
    }

    private QueryStats stats(QueryRun run, long visited, java.time.Instant t0) {
        return QueryStats.newBuilder().setHops(run.hops).setRequests(run.requests).setRetries(run.retries)
                .setVerticesVisited(visited).setElapsedMicros(microsSince(t0)).build();
    }

    private long microsSince(java.time.Instant t0) {
        return java.time.Duration.between(t0, clock.instant()).toNanos() / 1000;
    }
}
