package io.graphagent.coordinator.query;

import io.graphagent.config.QueryConfig;
import io.graphagent.coordinator.resident.GraphView;
import io.graphagent.coordinator.resident.ResidentGraphs;
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
import io.graphagent.protocol.v1.ResidentState;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;

/**
 * The gateway: answers the online queries on resident graphs, hop by hop, each hop's vertices
 * sent to live replicas of their partitions ({@link ShardCalls}); k-hop queries are a
 * {@link KHopQuery}, paths a {@link BidirectionalSearch}. It keeps only what the query reached
 * (a {@link VertexTable}, bounded by {@code query.max-vertices}), never the graph. Vertices are
 * named by original ids outside and dense ids inside ({@link VertexIds}).
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
    private final Clock clock;
    private final QueryObserver observer;
    private final VisitedTables tables = new VisitedTables(2 * Runtime.getRuntime().availableProcessors());
    private final VertexIds ids;
    private final KHopQuery khop;

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

    QueryGateway(QueryConfig config, ResidentGraphs graphs, Router router, ShardChannels channels, Clock clock,
                 QueryObserver observer) {
        this.config = config;
        this.graphs = graphs;
        this.calls = new ShardCalls(router, channels, clock, observer::retried);
        this.ids = new VertexIds(calls);
        this.khop = new KHopQuery(calls, ids, tables, config.maxVertices(), clock);
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
        Instant t0 = clock.instant();
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
            try (QueryRun run = new QueryRun(name, ms)) {
                return work.run(run, graph);
            }
        } catch (QueryException e) {
            outcome = e.kind().name().toLowerCase(java.util.Locale.ROOT);
            if (e.kind() == QueryException.Kind.BUSY) {
                observer.shed(SHED_BY_REPLICAS);
            }
            throw e;
        } finally {
            long micros = QueryRun.microsSince(t0, clock);
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
            Instant t0 = clock.instant();
            int v = ids.dense(run, g, request.getVertex());
            if (v < 0) {
                return NeighboursReply.newBuilder().setFound(false).setMessage(VertexIds.missing(g, request.getVertex()))
                        .setStats(run.stats(0, t0, clock)).build();
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
            long[] originals = ids.originals(run, g, Arrays.copyOf(sorted, listed));
            NeighboursReply.Builder reply = NeighboursReply.newBuilder().setFound(true).setCount(sorted.length)
                    .setTruncated(listed < sorted.length);
            for (long id : originals) {
                reply.addNeighbours(id);
            }
            return reply.setStats(run.stats(sorted.length, t0, clock)).build();
        });
    }

    public DegreeReply degree(DegreeRequest request) throws QueryException {
        return admitted("degree", request.getGraph(), request.getDeadlineMs(), (run, g) -> {
            Instant t0 = clock.instant();
            int p = VertexIds.partitionOfId(g, request.getVertex());
            if (p < 0) {
                return DegreeReply.newBuilder().setFound(false).setMessage(VertexIds.missing(g, request.getVertex()))
                        .setStats(run.stats(0, t0, clock)).build();
            }
            run.hops++;
            LookupReply reply = calls.lookup(run, g, p, LookupRequest.newBuilder().setCount(1)
                    .setIds(PackedArrays.packLongs(new long[] {request.getVertex()}, 0, 1)));
            int[] dense = new int[1];
            PackedArrays.unpackInts(reply.getIds(), 1, dense);
            if (dense[0] < 0) {
                return DegreeReply.newBuilder().setFound(false).setMessage(VertexIds.missing(g, request.getVertex()))
                        .setStats(run.stats(0, t0, clock)).build();
            }
            int[] out = new int[1];
            int[] in = new int[1];
            PackedArrays.unpackInts(reply.getOutDegrees(), 1, out);
            PackedArrays.unpackInts(reply.getInDegrees(), 1, in);
            return DegreeReply.newBuilder().setFound(true).setOutDegree(out[0]).setInDegree(in[0])
                    .setStats(run.stats(1, t0, clock)).build();
        });
    }

    public KHopReply khop(KHopRequest request) throws QueryException {
        if (request.getK() < 1 || request.getK() > MAX_K) {
            throw new QueryException(QueryException.Kind.BAD_REQUEST, "k = " + request.getK() + ": ask for 1 to " + MAX_K
                    + " hops");
        }
        return admitted("khop", request.getGraph(), request.getDeadlineMs(), (run, g) -> khop.answer(run, g, request));
    }

    public PathReply shortestPath(PathRequest request) throws QueryException {
        int maxDepth = request.getMaxDepth() == 0 ? DEFAULT_MAX_DEPTH : request.getMaxDepth();
        if (maxDepth > MAX_DEPTH) {
            throw new QueryException(QueryException.Kind.BAD_REQUEST, "max_depth " + maxDepth + ": at most " + MAX_DEPTH);
        }
        return admitted("path", request.getGraph(), request.getDeadlineMs(), (run, g) -> {
            Instant t0 = clock.instant();
            int s = ids.dense(run, g, request.getFrom());
            int t = ids.dense(run, g, request.getTo());
            if (s < 0 || t < 0) {
                return PathReply.newBuilder().setFound(false)
                        .setMessage(VertexIds.missing(g, s < 0 ? request.getFrom() : request.getTo())).setStats(run.stats(0, t0, clock)).build();
            }
            return new BidirectionalSearch(calls, run, g, direction(request.getDirection()), maxDepth, config.maxVertices())
                    .between(s, t, request.getFrom(), request.getTo(), dense -> ids.originals(run, g, dense))
                    .setStats(run.stats(0, t0, clock)).build();
        });
    }

    static Direction direction(Direction asked) {
        return asked == Direction.DIRECTION_UNSPECIFIED ? Direction.EDGES_OUT : asked;
    }

    static QueryException tooLarge(GraphView g, long vertex, String what) {
        return new QueryException(QueryException.Kind.TOO_LARGE, "the vertices " + what + " of vertex " + vertex
                + " in graph " + g.name() + " exceed query.max-vertices: ask for fewer hops, or raise query.max-vertices");
    }
}
