package io.graphagent.agent.query;

import io.graphagent.graph.traverse.VertexTable;
import io.graphagent.agent.resident.Holdings;
import io.graphagent.agent.resident.ResidentGraph;
import io.graphagent.graph.partition.GraphShare;
import io.graphagent.graph.partition.Partitioning;
import io.graphagent.protocol.v1.Direction;

/**
 * One hop of a query on this agent: the distinct neighbours of some vertices of partitions it
 * holds, over out-edges, in-edges or both, read straight from the shares' CSR arrays (slots
 * mapped to dense ids). A vertex of a partition not held is skipped and its partition
 * reported, so the gateway can send it elsewhere. Runs over one {@link Holdings} snapshot;
 * stateless.
 */
final class Expansion {
    private Expansion() {
    }

    /**
     * Adds the neighbours of {@code vertices} 0 to {@code count} (read in place) to {@code into}, each with the vertex it
     * was first reached from.
     *
     * @param notHeld set to true at the partitions of vertices this agent does not hold
     */
    static void expand(ResidentGraph graph, Holdings holdings, java.nio.IntBuffer vertices, int count, Direction direction,
                       VertexTable into, boolean[] notHeld) {
        Partitioning partitioning = graph.partitioning();
        boolean out = direction != Direction.EDGES_IN;
        // An undirected share keeps one adjacency for both directions.
        boolean in = graph.directed() && (direction == Direction.EDGES_IN || direction == Direction.EDGES_BOTH);
        int n = partitioning.numVertices();
        for (int i = 0; i < count; i++) {
            int v = vertices.get(i);
            if (v < 0 || v >= n) {
                throw new IllegalArgumentException("vertex " + v + " is outside the graph's dense ids 0.." + (n - 1));
            }
            int p = partitioning.partitionOf(v);
            GraphShare share = holdings.shareOf(p);
            if (share == null) {
                notHeld[p] = true;
                continue;
            }
            int slot = share.firstSlot(p) + v - partitioning.first(p);
            if (out) {
                follow(share, share.outOffsets(), share.outTargets(), slot, v, into);
            }
            if (in) {
                follow(share, share.inOffsets(), share.inSources(), slot, v, into);
            }
        }
    }

    private static void follow(GraphShare share, int[] offsets, int[] ends, int slot, int from, VertexTable into) {
        for (int e = offsets[slot], stop = offsets[slot + 1]; e < stop; e++) {
            into.add(share.globalOf(ends[e]), from);
        }
    }
}
