package io.graphagent.coordinator.query;

import io.graphagent.config.QueryRouting;
import io.graphagent.coordinator.resident.GraphView;
import io.graphagent.graph.partition.Partitioning;
import io.graphagent.protocol.PackedArrays;
import io.graphagent.protocol.v1.ExpandReply;
import io.graphagent.protocol.v1.ExpandRequest;
import java.nio.IntBuffer;
import java.nio.LongBuffer;

/**
 * The next hop the agents of a hop take on themselves ({@code ExpandRequest.also_next}), routed
 * and counted as any hop: each partition goes to the replica the {@link Router} would send a
 * request for it to ({@link Router#nextRoutes}), named in that agent's {@code next_partitions},
 * so an agent expands only the partitions routed to it and lists the rest for the gateway to
 * route. A partition an agent did expand (a neighbour of its answer lies in it) counts as a
 * request in the partition's heat ({@link Router#routedAlong}). One per hop of one query.
 */
final class NextHop {
    private final Router router;
    private final GraphView graph;
    private final String[] routes;

    NextHop(Router router, GraphView graph) {
        this.router = router;
        this.graph = graph;
        this.routes = router.nextRoutes(graph);
    }

    /**
     * The hop goes to {@code agent} alone (one start vertex): under heat routing, while that
     * agent is saturated ({@link Router#saturated}: one more request waits for a thread), it
     * takes on every next partition it holds, not only those routed to it, so that the next
     * hop's request is more often not needed at all. That saves requests and CPU when the cores
     * have none to spare, but lengthens the query's critical path while they idle: then the
     * partitions stay with their own routes, expanded in parallel by their replicas
     * (docs/performance.md, "heatbusy"). Round robin keeps its turns.
     */
    void allHeldToWhenSaturated(String agent) {
        if (router.policy() != QueryRouting.HEAT || !router.saturated(agent)) {
            return;
        }
        for (int p = 0; p < routes.length; p++) {
            if (graph.holders().get(p).contains(agent)) {
                routes[p] = agent;
            }
        }
    }

    /** Names in {@code request} the partitions routed to {@code agent}. */
    void name(String agent, ExpandRequest.Builder request) {
        for (int p = 0; p < routes.length; p++) {
            if (agent.equals(routes[p])) {
                request.addNextPartitions(p);
            }
        }
    }

    /** Counts the partitions {@code agent} expanded for the next hop after answering {@code reply}. */
    void answered(String agent, ExpandReply reply) {
        boolean[] reached = null;
        for (int p = 0; p < routes.length; p++) {
            if (agent.equals(routes[p])) {
                if (reached == null) {
                    reached = reached(reply, graph.partitioning());
                }
                if (reached[p]) {
                    router.routedAlong(graph, p);
                }
            }
        }
    }

    /**
     * The partitions the neighbours of {@code reply} lie in (a reply already delivered, so well
     * formed): packed ids one by one, a bitmap a partition at a time (its first set bit, then on
     * from the partition's end).
     */
    static boolean[] reached(ExpandReply reply, Partitioning partitioning) {
        boolean[] out = new boolean[partitioning.count()];
        if (!reply.getNeighbourBits().isEmpty()) {
            LongBuffer words = PackedArrays.longsView(reply.getNeighbourBits(), (partitioning.numVertices() + 63) >>> 6);
            for (int v = nextSet(words, 0); v >= 0; ) {
                int p = partitioning.partitionOf(v);
                out[p] = true;
                v = nextSet(words, partitioning.end(p));
            }
            return out;
        }
        IntBuffer ids = PackedArrays.intsView(reply.getNeighbours(), reply.getCount());
        int universe = partitioning.numVertices();
        for (int i = 0, n = reply.getCount(); i < n; i++) {
            int v = ids.get(i);
            if (v >= 0 && v < universe) {
                out[partitioning.partitionOf(v)] = true;
            }
        }
        return out;
    }

    /** The first set bit at {@code from} or after, or -1. */
    static int nextSet(LongBuffer words, int from) {
        int w = from >>> 6;
        if (w >= words.limit()) {
            return -1;
        }
        long word = words.get(w) & (-1L << (from & 63));
        while (word == 0) {
            if (++w >= words.limit()) {
                return -1;
            }
            word = words.get(w);
        }
        return (w << 6) + Long.numberOfTrailingZeros(word);
    }
}
