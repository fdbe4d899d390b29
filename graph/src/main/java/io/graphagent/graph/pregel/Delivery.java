package io.graphagent.graph.pregel;

/**
 * How the broadcasts of a superstep reach their neighbours in the next one, decided once for
 * the whole graph from the summed {@link SuperstepStats}.
 *
 * @param pull the next superstep pulls broadcasts over edges (else they were pushed)
 * @param pullFromAll every vertex with out-edges broadcast, so pulling needs no flag checks
 */
public record Delivery(boolean pull, boolean pullFromAll) {

    /**
     * Broadcasts reaching fewer than 1/PUSH_RATIO of the edges are pushed; pulling costs one
     * flag read per edge of every vertex, pushing two buffer writes per message.
     */
    static final int PUSH_RATIO = 16;

    public static final Delivery NONE = new Delivery(false, false);

    /**
     * @param edgeSlots edges a broadcast can follow in the whole graph (twice the CSR size when
     *     broadcasting both ways in a directed graph)
     * @param verticesWithOutEdges vertices of the whole graph with at least one out-edge
     */
    public static Delivery decide(SuperstepStats total, long edgeSlots, long verticesWithOutEdges) {
        boolean pull = pullCertain(total.broadcastEdges(), edgeSlots);
        return new Delivery(pull, pull && total.broadcastersWithOutEdges() == verticesWithOutEdges);
    }

    /**
     * Whether broadcasts over {@code broadcastEdges} edges make the superstep pull. Sums only
     * grow, so an agent whose own broadcasts pass knows the whole graph's decision before the
     * totals are in.
     */
    public static boolean pullCertain(long broadcastEdges, long edgeSlots) {
        return broadcastEdges > 0 && broadcastEdges * PUSH_RATIO >= edgeSlots;
    }

    /** Whether broadcasts were made that must be turned into pushed messages. */
    public boolean pushBroadcasts(SuperstepStats total) {
        return total.broadcastEdges() > 0 && !pull;
    }

    /** Whether a run with these totals is over: nothing active, nothing in flight. */
    public boolean quiescent(SuperstepStats total) {
        return total.stillActive() == 0 && total.pushed() == 0 && total.broadcastEdges() == 0;
    }
}
