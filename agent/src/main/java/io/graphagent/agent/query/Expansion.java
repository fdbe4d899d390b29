package io.graphagent.agent.query;

import io.graphagent.graph.traverse.VertexBits;
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
        boolean out = direction != Direction.EDGES_IN;
        boolean in = followsIn(graph, direction);
        for (int i = 0; i < count; i++) {
            int v = vertices.get(i);
            GraphShare share = shareOf(graph, holdings, v, notHeld);
            if (share == null) {
                continue;
            }
            int slot = slotOf(graph, share, v);
            if (out) {
                follow(share, share.outOffsets(), share.outTargets(), slot, v, into);
            }
            if (in) {
                follow(share, share.inOffsets(), share.inSources(), slot, v, into);
            }
        }
    }

    /**
     * Adds the neighbours of {@code vertices} 0 to {@code count} (read in place) to {@code into}: which vertices, not
     * whence (a hop answered without parents).
     *
     * @param notHeld set to true at the partitions of vertices this agent does not hold
     */
    static void expand(ResidentGraph graph, Holdings holdings, java.nio.IntBuffer vertices, int count, Direction direction,
                       VertexBits into, boolean[] notHeld) {
        boolean out = direction != Direction.EDGES_IN;
        boolean in = followsIn(graph, direction);
        for (int i = 0; i < count; i++) {
            int v = vertices.get(i);
            GraphShare share = shareOf(graph, holdings, v, notHeld);
            if (share == null) {
                continue;
            }
            int slot = slotOf(graph, share, v);
            if (out) {
                follow(share, share.outOffsets(), share.outTargets(), slot, into);
            }
            if (in) {
                follow(share, share.inOffsets(), share.inSources(), slot, into);
            }
        }
    }

    /**
     * Adds the neighbours of those of {@code frontier} in partitions this agent holds to
     * {@code into} (which vertices, not whence); writes the others to {@code unexpanded} and
     * returns how many.
     */
    static int expandHeld(ResidentGraph graph, Holdings holdings, int[] frontier, Direction direction, VertexBits into,
                          int[] unexpanded) {
        boolean out = direction != Direction.EDGES_IN;
        boolean in = followsIn(graph, direction);
        Partitioning partitioning = graph.partitioning();
        int left = 0;
        for (int v : frontier) {
            int p = partitioning.partitionOf(v);
            GraphShare share = holdings.shareOf(p);
            if (share == null) {
                unexpanded[left++] = v;
                continue;
            }
            int slot = share.firstSlot(p) + v - partitioning.first(p);
            if (out) {
                follow(share, share.outOffsets(), share.outTargets(), slot, into);
            }
            if (in) {
                follow(share, share.inOffsets(), share.inSources(), slot, into);
            }
        }
        return left;
    }

    /** Whether in-edges are followed: an undirected share keeps one adjacency for both directions. */
    private static boolean followsIn(ResidentGraph graph, Direction direction) {
        return graph.directed() && (direction == Direction.EDGES_IN || direction == Direction.EDGES_BOTH);
    }

    /** The share holding {@code v}'s partition, or null after marking the partition not held. */
    private static GraphShare shareOf(ResidentGraph graph, Holdings holdings, int v, boolean[] notHeld) {
        Partitioning partitioning = graph.partitioning();
        int n = partitioning.numVertices();
        if (v < 0 || v >= n) {
            throw new IllegalArgumentException("vertex " + v + " is outside the graph's dense ids 0.." + (n - 1));
        }
        int p = partitioning.partitionOf(v);
        GraphShare share = holdings.shareOf(p);
        if (share == null) {
            notHeld[p] = true;
        }
        return share;
    }

    private static int slotOf(ResidentGraph graph, GraphShare share, int v) {
        Partitioning partitioning = graph.partitioning();
        int p = partitioning.partitionOf(v);
        return share.firstSlot(p) + v - partitioning.first(p);
    }

    private static void follow(GraphShare share, int[] offsets, int[] ends, int slot, int from, VertexTable into) {
        for (int e = offsets[slot], stop = offsets[slot + 1]; e < stop; e++) {
            into.add(share.globalOf(ends[e]), from);
        }
    }

    private static void follow(GraphShare share, int[] offsets, int[] ends, int slot, VertexBits into) {
        int[] globals = share.slotGlobals();
        if (globals == null) {
            for (int e = offsets[slot], stop = offsets[slot + 1]; e < stop; e++) {
                into.add(ends[e]);
            }
        } else {
            for (int e = offsets[slot], stop = offsets[slot + 1]; e < stop; e++) {
                into.add(globals[ends[e]]);
            }
        }
    }
}
