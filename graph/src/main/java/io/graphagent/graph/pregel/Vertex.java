package io.graphagent.graph.pregel;

/**
 * What a vertex program sees of one vertex during {@link VertexProgram#compute}: its value,
 * its edges, and the ways to message, aggregate and halt.
 *
 * <p>The engine passes one reused instance per worker thread, repositioned for each vertex
 * (no object per vertex); never keep a reference past the {@code compute} call.
 */
public interface Vertex {

    /** Dense id {@code 0..n-1}; dense order is the order of original ids. */
    int id();

    /** The vertex's id in the input graph. */
    long originalId();

    /** The superstep being computed, from 0. */
    int superstep();

    /** Number of vertices in the whole graph. */
    int numVertices();

    double value();

    void setValue(double value);

    int outDegree();

    /** Dense id of the i-th out-neighbour (sorted ascending; undirected: every neighbour). */
    int outNeighbor(int i);

    /** Weight of the i-th out-edge; 1.0 when the graph is unweighted. */
    double outWeight(int i);

    int inDegree();

    /** Dense id of the i-th in-neighbour (sorted ascending; undirected: same as out). */
    int inNeighbor(int i);

    boolean directed();

    /** Sends a message to any vertex, delivered in the next superstep. */
    void sendMessage(int target, double message);

    /**
     * Sends one message to every neighbour in {@link VertexProgram#broadcastDirection()},
     * transformed along each edge by {@link VertexProgram#edgeTransform()}. Cheaper than a
     * loop of {@link #sendMessage}: the engine may deliver it by pulling over in-edges.
     */
    void sendToNeighbors(double message);

    /** Halts this vertex until a message wakes it. */
    void voteToHalt();

    /** Folds a value into aggregator {@code index} for this superstep. */
    void aggregate(int index, double value);

    /** The value of aggregator {@code index} after the previous superstep (and master compute). */
    double aggregated(int index);

    /**
     * A per-thread scratch buffer of at least {@code minLength} doubles, valid until this
     * {@code compute} call returns; for programs that sort or collect their messages.
     */
    double[] scratch(int minLength);
}
