package io.graphagent.graph.pregel;

/**
 * A vertex program in the Pregel model (Malewicz et al., SIGMOD 2010): in each superstep
 * every active vertex reads the messages sent to it in the previous superstep, updates its
 * value, sends messages and may vote to halt. A halted vertex is woken by a message. The
 * run ends when every vertex has halted and no message is in flight, when the master
 * halts it, or at {@link #maxSupersteps()}.
 *
 * <p>Values and messages are {@code double}s; dense vertex ids (below 2^31) are exact in
 * them, so labels and distances travel as doubles without boxing.
 *
 * <p>The same program runs in the single-process {@link PregelEngine} and on the cluster,
 * which is how cluster results are checked. Implementations keep no mutable state of
 * their own: {@code compute} is called from several threads at once.
 */
public interface VertexProgram {

    /** Called for each active vertex in each superstep; see {@link Vertex} for what it may do. */
    void compute(Vertex vertex, Messages messages);

    /**
     * The fold applied to all messages bound for one vertex before it computes, or null to
     * deliver every message (then {@link Messages} yields them all, in no fixed order).
     */
    default Combiner combiner() {
        return null;
    }

    /** Which neighbours {@link Vertex#sendToNeighbors(double)} reaches. */
    default Direction broadcastDirection() {
        return Direction.OUT;
    }

    /**
     * The edges of a directed graph this program reads; a runner holding part of the graph
     * keeps only those (the single-process engine keeps every edge either way).
     */
    default EdgeUse edgeUse() {
        return EdgeUse.OUT_AND_IN;
    }

    /** How a message broadcast to neighbours changes along each edge. */
    default EdgeTransform edgeTransform() {
        return EdgeTransform.IDENTITY;
    }

    /** Global aggregators, addressed by their index in this array. */
    default Aggregator[] aggregators() {
        return new Aggregator[0];
    }

    /** The hook run between supersteps, or null for none. */
    default MasterCompute master() {
        return null;
    }

    /** A cap on the number of supersteps (superstep numbers 0 .. cap-1). */
    default int maxSupersteps() {
        return Integer.MAX_VALUE;
    }
}
