package io.graphagent.graph.pregel;

import io.graphagent.api.Aggregator;
import io.graphagent.api.Combiner;
import io.graphagent.api.EdgeTransform;
import io.graphagent.api.EdgeUse;
import io.graphagent.api.Edges;
import io.graphagent.api.MessageType;
import io.graphagent.api.ProgramShape;
import io.graphagent.api.VertexProgram;
import io.graphagent.graph.partition.GraphShare;
import io.graphagent.graph.partition.Partitioning;

/**
 * The arrays a run shares between its partition workers, indexed by slot of the
 * {@link GraphShare}: job state for owned slots (one primitive array per field the program's
 * {@link ProgramShape} declares), broadcasts for owned slots and mirrors.
 *
 * <p>Messages travel in {@code double} arrays whatever their type: a long message is kept as
 * its raw bits ({@link Double#longBitsToDouble}), which every copy here, on the wire and in
 * checkpoints preserves, and folds of long messages decode them first.
 *
 * <p>Ownership rule: in any phase a vertex's slots are written only by the worker of its
 * partition (a mirror's only by the import of its partition's broadcasts, between compute
 * phases); slots of other vertices are only read, and only those written in an earlier
 * phase (the executor's barrier orders them). Broadcast arrays are double-buffered:
 * superstep s writes {@code [next]} while it reads what superstep s-1 wrote in {@code [cur]}.
 */
final class EngineState {
    final GraphShare share;
    final VertexProgram program;
    final ProgramShape shape;
    final Partitioning partitioning;
    final Combiner combiner;
    final boolean longMessages;
    /** Broadcasts reach the targets of out-edges, so a receiver pulls over its in-edges. */
    final boolean pullIn;
    /** Broadcasts reach the sources of in-edges (directed graphs), so a receiver pulls over its out-edges. */
    final boolean pullOut;
    final boolean addWeight;
    final Aggregator[] aggregators;

    /** Per double field, per owned slot. */
    final double[][] doubles;
    /** Per long field, per owned slot. */
    final long[][] longs;
    /** Double field 0, or null when the program has none. */
    final double[] value;
    final boolean[] halted;
    final double[][] broadcastValue = new double[2][];
    final boolean[][] broadcastFlag = new boolean[2][];
    /** Combined inbox (only with a combiner). */
    final double[] inboxValue;
    final boolean[] inboxHas;
    /** Aggregated values visible in the current superstep. */
    final double[] aggregated;

    int superstep;
    /** Which half of the broadcast arrays holds the previous superstep's broadcasts. */
    int cur;
    /** Whether this superstep gathers the previous superstep's broadcasts over edges. */
    boolean pull;
    /** Whether every vertex with out-edges broadcast, so pulling needs no flag checks. */
    boolean pullFromAll;

    EngineState(GraphShare share, VertexProgram program, ProgramShape shape) {
        this.share = share;
        this.program = program;
        this.shape = shape;
        this.partitioning = share.partitioning();
        this.combiner = shape.combiner();
        this.longMessages = shape.messageType() == MessageType.LONG;
        boolean directed = share.directed();
        Edges edges = shape.edges();
        this.pullIn = !directed || edges != Edges.IN;
        this.pullOut = directed && edges != Edges.OUT;
        if (pullOut && !share.holdsOutTargets()) {
            throw new IllegalArgumentException("a program whose broadcasts follow in-edges needs out-edges, but the share"
                    + " holds out-degrees only: declare " + EdgeUse.OUT_AND_IN);
        }
        this.addWeight = shape.edgeTransform() == EdgeTransform.ADD_WEIGHT;
        this.aggregators = shape.aggregators();
        int owned = share.ownedVertices();
        int slots = share.slots();
        doubles = new double[shape.doubleFields()][owned];
        longs = new long[shape.longFields()][owned];
        value = doubles.length > 0 ? doubles[0] : null;
        halted = new boolean[owned];
        broadcastValue[0] = new double[slots];
        broadcastValue[1] = new double[slots];
        broadcastFlag[0] = new boolean[slots];
        broadcastFlag[1] = new boolean[slots];
        inboxValue = combiner == null ? null : new double[owned];
        inboxHas = combiner == null ? null : new boolean[owned];
        aggregated = new double[aggregators.length];
        for (int i = 0; i < aggregators.length; i++) {
            aggregated[i] = aggregators[i].op().identity();
        }
    }

    int next() {
        return 1 - cur;
    }

    /** Broadcasts follow exactly the out-edges (the common case the fast pull paths handle). */
    boolean outOnly() {
        return pullIn && !pullOut;
    }

    /** The combiner's identity in message encoding. */
    double identity() {
        return longMessages ? Double.longBitsToDouble(combiner.longIdentity()) : combiner.identity();
    }

    /** The combiner's fold of two messages in message encoding. */
    double combine(double a, double b) {
        if (longMessages) {
            return Double.longBitsToDouble(combiner.combine(Double.doubleToRawLongBits(a), Double.doubleToRawLongBits(b)));
        }
        return combiner.combine(a, b);
    }

    /** Bytes of one vertex's fields in a checkpoint. */
    int fieldBytes() {
        return 8 * (doubles.length + longs.length);
    }

    /** Bytes of job state a share of {@code owned} vertices and {@code slots} slots needs (one double field), for memory estimates. */
    static long bytesFor(long owned, long slots, boolean combined) {
        return owned * (8 + 1 + (combined ? 9 : 0)) + slots * 2 * (8 + 1);
    }
}
