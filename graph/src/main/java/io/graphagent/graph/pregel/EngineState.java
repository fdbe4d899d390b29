package io.graphagent.graph.pregel;

import io.graphagent.graph.csr.Graph;
import io.graphagent.graph.partition.Partitioning;

/**
 * The arrays a run shares between its partition workers, indexed by dense vertex id.
 *
 * <p>Ownership rule: in any phase a vertex's slots are written only by the worker of its
 * partition; slots of other vertices are only read, and only those written in an earlier
 * phase (the executor's barrier orders them). Broadcast arrays are double-buffered:
 * superstep s writes {@code [next]} while it reads what superstep s-1 wrote in {@code [cur]}.
 */
final class EngineState {
    final Graph graph;
    final VertexProgram program;
    final Partitioning partitioning;
    final int[] partitionOf;
    final int[] localIndex;
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

    EngineState(Graph graph, VertexProgram program, Partitioning partitioning) {
        this.graph = graph;
        this.program = program;
        this.partitioning = partitioning;
        this.partitionOf = partitioning.partitionArray();
        this.localIndex = partitioning.localIndexArray();
        this.combiner = program.combiner();
        this.broadcastBoth = program.broadcastDirection() == Direction.BOTH && graph.directed();
        this.addWeight = program.edgeTransform() == EdgeTransform.ADD_WEIGHT;
        this.aggregators = program.aggregators().clone();
        int n = graph.numVertices();
        value = new double[n];
        halted = new boolean[n];
        broadcastValue[0] = new double[n];
        broadcastValue[1] = new double[n];
        broadcastFlag[0] = new boolean[n];
        broadcastFlag[1] = new boolean[n];
        inboxValue = combiner == null ? null : new double[n];
        inboxHas = combiner == null ? null : new boolean[n];
        aggregated = new double[aggregators.length];
        for (int i = 0; i < aggregators.length; i++) {
            aggregated[i] = aggregators[i].op().identity();
        }
    }

    int next() {
        return 1 - cur;
    }
}
