package io.graphagent.coordinator.query;

import io.graphagent.coordinator.resident.GraphView;
import io.graphagent.graph.traverse.VertexBits;
import io.graphagent.graph.traverse.VertexTable;
import io.graphagent.protocol.v1.Direction;
import io.graphagent.protocol.v1.KHopReply;
import io.graphagent.protocol.v1.KHopRequest;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The k-hop query: the vertices within k hops of one, counted per hop and listed up to a
 * limit, hop by hop over the agents. The first hop's agents take the second on themselves as
 * far as they hold its partitions ({@link NextHop}), unless the start's first hop is known to be
 * big ({@link BigFirstHops}); a count-only last hop is merged into a bit set ({@link CountingBits}),
 * never listed. What the query reached is kept in a {@link VertexTable} bounded by
 * {@code query.max-vertices}. Thread-safe; a query runs on its caller's thread.
 */
final class KHopQuery {
    private final ShardCalls calls;
    private final VertexIds ids;
    private final VisitedTables tables;
    private final CountingBits lastHops = new CountingBits(2 * Runtime.getRuntime().availableProcessors());
    private final BigFirstHops bigFirstHops = new BigFirstHops();
    private final int maxVertices;
    private final Clock clock;

    KHopQuery(ShardCalls calls, VertexIds ids, VisitedTables tables, int maxVertices, Clock clock) {
        this.calls = calls;
        this.ids = ids;
        this.tables = tables;
        this.maxVertices = maxVertices;
        this.clock = clock;
    }

    KHopReply answer(QueryRun run, GraphView g, KHopRequest request) throws QueryException {
        Instant t0 = clock.instant();
        int start = ids.dense(run, g, request.getVertex());
        if (start < 0) {
            return KHopReply.newBuilder().setFound(false).setMessage(VertexIds.missing(g, request.getVertex()))
                    .setStats(run.stats(0, t0, clock)).build();
        }
        VertexTable visited = tables.take(g.partitioning().numVertices());
        try {
            return answer(run, g, request, start, visited, t0);
        } finally {
            tables.give(visited);
        }
    }

    private KHopReply answer(QueryRun run, GraphView g, KHopRequest request, int start, VertexTable visited, Instant t0)
            throws QueryException {
        visited.add(start, start);
        int k = request.getK();
        int[] levelEnd = new int[k + 1];
        levelEnd[0] = 1;
        Direction direction = QueryGateway.direction(request.getDirection());
        int from = 0;
        int reached = 1;
        // The agents' answers to the first hop, which they took on to the second as far as they hold its partitions.
        List<HopAnswer> carried = null;
        HopAnswer.NeighbourSink add = (n, parent) -> {
            if (visited.add(n, parent) && visited.size() > maxVertices) {
                throw QueryGateway.tooLarge(g, request.getVertex(), "within " + k + " hops");
            }
        };
        for (int hop = 1; hop <= k; hop++) {
            int to = visited.size();
            int[] frontier = carried != null ? HopAnswer.unexpanded(carried) : Arrays.copyOfRange(visited.vertices(), from, to);
            if (hop == k && request.getLimit() == 0) {
                reached = to + lastHopCount(run, g, request, frontier, carried, direction, visited);
            } else {
                if (carried != null) {
                    for (HopAnswer c : carried) {
                        c.deliverNext(g.partitioning().numVertices(), add);
                    }
                }
                // A big first hop's second goes out to every partition's replica at once (BigFirstHops).
                List<HopAnswer> next = hop == 1 && k > 1 && !bigFirstHops.big(g, start) ? new ArrayList<>() : null;
                if (frontier.length > 0 && next != null) {
                    // A count-only 2-hop: the agent that expands the start and every neighbour may answer the count.
                    boolean countNext = k == 2 && request.getLimit() == 0 && frontier.length == 1;
                    calls.expandCarrying(run, g, frontier, frontier.length, direction, countNext, add, next);
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
        for (int hop = 1; hop <= k; hop++) {
            reply.addPerHop(levelEnd[hop] - levelEnd[hop - 1]);
            if (listed < chosen.length) {
                int[] level = Arrays.copyOfRange(visited.vertices(), levelEnd[hop - 1], levelEnd[hop]);
                Arrays.sort(level);
                int take = Math.min(level.length, chosen.length - listed);
                System.arraycopy(level, 0, chosen, listed, take);
                listed += take;
            }
        }
        for (long id : ids.originals(run, g, chosen)) {
            reply.addVertices(id);
        }
        return reply.setTruncated(chosen.length < reached - 1).setStats(run.stats(reached, t0, clock)).build();
    }

    /**
     * The last hop of a count-only k-hop: how many neighbours of {@code frontier} (and those
     * {@code carried} by the agents of the hop before, when it was the first) are new (not in
     * {@code visited}), the agents' answers merged into a bit set, never listed one by one.
     */
    private int lastHopCount(QueryRun run, GraphView g, KHopRequest request, int[] frontier, List<HopAnswer> carried,
                             Direction direction, VertexTable visited) throws QueryException {
        long counted = carried == null ? -1 : HopAnswer.counted(carried);
        if (counted >= 0) {
            // The first hop's agent expanded it all and counted the new vertices itself: nothing left to send or merge.
            return checkedFresh(g, request, visited, counted);
        }
        List<HopAnswer> answers = new ArrayList<>();
        if (frontier.length > 0) {
            calls.expandKeeping(run, g, frontier, frontier.length, direction, answers);
        }
        // Taken once the agents answered, so a set is held for the merge only, not while they work.
        VertexBits met = lastHops.take(g.partitioning().numVertices());
        try {
            if (carried != null) {
                for (HopAnswer c : carried) {
                    c.deliverNextInto(met);
                }
            }
            for (HopAnswer c : answers) {
                c.deliverInto(met);
            }
            int fresh = met.size();
            int[] seen = visited.vertices();
            for (int i = 0, n = visited.size(); i < n; i++) {
                if (met.contains(seen[i])) {
                    fresh--;
                }
            }
            return checkedFresh(g, request, visited, fresh);
        } finally {
            lastHops.give(met);
        }
    }

    /** {@code fresh}, the last hop's new vertices, unless with those {@code visited} they pass {@code query.max-vertices}. */
    private int checkedFresh(GraphView g, KHopRequest request, VertexTable visited, long fresh) throws QueryException {
        if (visited.size() + fresh > maxVertices) {
            throw QueryGateway.tooLarge(g, request.getVertex(), "within " + request.getK() + " hops");
        }
        return (int) fresh;
    }
}
