package io.graphagent.graph.pregel;

import io.graphagent.graph.partition.GraphShare;
import io.graphagent.graph.partition.Partitioning;

/**
 * The arrays a run shares between its partition workers, indexed by slot of the
 * {@link GraphShare}: job state for owned slots, broadcasts for owned slots and mirrors.
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
    final Partitioning partitioning;
    final Combiner combiner;
    final boolean broadcastBoth;
    final boolean addWeight;
    final Aggregator[] aggregators;

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

    EngineState(GraphShare share, VertexProgram program) {
        this.share = share;
        this.program = program;
        this.partitioning = share.partitioning();
        this.combiner = program.combiner();
        this.broadcastBoth = program.broadcastDirection() == Direction.BOTH && share.directed();
        this.addWeight = program.edgeTransform() == EdgeTransform.ADD_WEIGHT;
        if (broadcastBoth && !share.holdsOutTargets()) {
            throw new IllegalArgumentException("a program that broadcasts both ways needs out-edges, but the share holds"
                    + " out-degrees only: declare " + EdgeUse.OUT_AND_IN);
        }
        this.aggregators = program.aggregators().clone();
        int owned = share.ownedVertices();
        int slots = share.slots();
        value = new double[owned];
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

    /** Bytes of job state a share of {@code owned} vertices and {@code slots} slots needs, for memory estimates. */
    static long bytesFor(long owned, long slots, boolean combined) {
        return owned * (8 + 1 + (combined ? 9 : 0)) + slots * 2 * (8 + 1);
    }
}
