package io.graphagent.graph.pregel;

/**
 * What a set of partitions did in one compute phase; summed over partitions (and, on the
 * cluster, over agents) to decide how the superstep's broadcasts travel and whether to stop.
 *
 * @param computed vertices that ran compute
 * @param stillActive vertices that did not vote to halt
 * @param sent messages sent (a broadcast counts once per edge it follows)
 * @param broadcastEdges edges followed by broadcasts
 * @param broadcastersWithOutEdges broadcasting vertices that have out-edges
 */
public record SuperstepStats(long computed, long stillActive, long sent, long broadcastEdges,
                             long broadcastersWithOutEdges) {

    public static final SuperstepStats ZERO = new SuperstepStats(0, 0, 0, 0, 0);

    public SuperstepStats plus(SuperstepStats o) {
        return new SuperstepStats(computed + o.computed, stillActive + o.stillActive, sent + o.sent,
                broadcastEdges + o.broadcastEdges, broadcastersWithOutEdges + o.broadcastersWithOutEdges);
    }

    /** Messages sent with {@code sendMessage}, which travel as pushed messages whatever the delivery. */
    public long pushed() {
        return sent - broadcastEdges;
    }
}
