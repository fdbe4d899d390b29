package io.graphagent.api;

/**
 * What a {@link VertexProgram} sees of one vertex during {@code compute}: its state fields,
 * its edges, and the ways to message, aggregate and halt.
 *
 * <p>The engine passes one reused instance per worker thread, repositioned for each vertex (no
 * object per vertex); never keep a reference past the {@code compute} call.
 *
 * <p>Ids: {@link #id()} is the dense id {@code 0..n-1}, in the order of original ids;
 * neighbours and message targets are dense ids. {@link #originalId()} is the id in the input.
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

    /** Double field 0 (shorthand for {@code getDouble(0)}). */
    double value();

    /** Sets double field 0 (shorthand for {@code setDouble(0, value)}). */
    void setValue(double value);

    /** Double field {@code field} of this vertex, 0 before the program sets it. */
    double getDouble(int field);

    /** Sets double field {@code field}. */
    void setDouble(int field, double value);

    /** Long field {@code field} of this vertex, 0 before the program sets it. */
    long getLong(int field);

    /** Sets long field {@code field}. */
    void setLong(int field, long value);

    /** Number of out-edges (undirected: of neighbours). */
    int outDegree();

    /** Dense id of the i-th out-neighbour (sorted ascending; undirected: every neighbour). */
    int outNeighbor(int i);

    /** Weight of the i-th out-edge; 1.0 when the graph is unweighted. */
    double outWeight(int i);

    /** Number of in-edges (undirected: same as out). */
    int inDegree();

    /** Dense id of the i-th in-neighbour (sorted ascending; undirected: same as out). */
    int inNeighbor(int i);

    /** Whether the graph is directed. */
    boolean directed();

    /** Sends a double message to any vertex (dense id), delivered in the next superstep. */
    void sendMessage(int target, double message);

    /** Sends a long message to any vertex (dense id), delivered in the next superstep. */
    void sendLongMessage(int target, long message);

    /**
     * Sends one message to every neighbour along {@link ProgramShape#edges()}, transformed along
     * each edge by {@link ProgramShape#edgeTransform()}. Cheaper than a loop of
     * {@link #sendMessage}: the engine may deliver it by pulling over edges. At most once per
     * vertex and superstep.
     */
    void sendToNeighbors(double message);

    /** {@link #sendToNeighbors(double)} for long messages. */
    void sendLongToNeighbors(long message);

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

    /** {@link #scratch} of longs: a separate per-thread buffer. */
    long[] longScratch(int minLength);
}
