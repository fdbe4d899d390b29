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

    /** Follows one vertex's edges in one direction: {@code ends[offsets[slot] .. offsets[slot + 1])} of {@code share}. */
    @FunctionalInterface
    private interface Edges {
        void follow(GraphShare share, int[] offsets, int[] ends, int slot, int from);
    }

    /**
     * Adds the neighbours of {@code vertices} 0 to {@code count} (read in place) to {@code into}, each with the vertex it
     * was first reached from.
     *
     * @param notHeld set to true at the partitions of vertices this agent does not hold
     */
    static void expand(ResidentGraph graph, Holdings holdings, java.nio.IntBuffer vertices, int count, Direction direction,
                       VertexTable into, boolean[] notHeld) {
        eachHeld(graph, holdings, vertices, count, direction, notHeld, null,
                (share, offsets, ends, slot, from) -> follow(share, offsets, ends, slot, from, into));
    }

    /**
     * Adds the neighbours of {@code vertices} 0 to {@code count} (read in place) to {@code into}: which vertices, not
     * whence (a hop answered without parents).
     *
     * @param notHeld set to true at the partitions of vertices this agent does not hold
     */
    static void expand(ResidentGraph graph, Holdings holdings, java.nio.IntBuffer vertices, int count, Direction direction,
                       VertexBits into, boolean[] notHeld) {
        eachHeld(graph, holdings, vertices, count, direction, notHeld, null,
                (share, offsets, ends, slot, from) -> follow(share, offsets, ends, slot, into));
    }

    /**
     * Adds the neighbours of those of {@code frontier[0..count)} in partitions this agent holds to
     * {@code into} (which vertices, not whence); writes the others to {@code unexpanded} and
     * returns how many.
     */
    static int expandHeld(ResidentGraph graph, Holdings holdings, int[] frontier, int count, Direction direction,
                          VertexBits into, int[] unexpanded) {
        return eachHeld(graph, holdings, java.nio.IntBuffer.wrap(frontier), count, direction, null, unexpanded,
                (share, offsets, ends, slot, from) -> follow(share, offsets, ends, slot, into));
    }

    /**
     * How many of a hop's expanded vertices ({@code vertices[0..count)}, repeats counted once) and their neighbours
     * ({@code neighbours}, also listed in {@code frontier[0..size)}) are in {@code next}: what of the hop after is not new.
     * Adds the expanded vertices to {@code neighbours}.
     */
    static int alsoIn(VertexBits next, int[] frontier, int size, VertexBits neighbours, java.nio.IntBuffer vertices, int count) {
        int known = 0;
        for (int i = 0; i < size; i++) {
            if (next.contains(frontier[i])) {
                known++;
            }
        }
        for (int i = 0; i < count; i++) {
            int v = vertices.get(i);
            if (neighbours.add(v) && next.contains(v)) {
                known++;
            }
        }
        return known;
    }

    /**
     * Gives {@code edges} the out-edges, in-edges or both of each of {@code vertices} 0 to
     * {@code count} held here. A vertex not held is written to {@code unexpanded} when given,
     * else its partition marked in {@code notHeld}; returns how many were not held.
     */
    private static int eachHeld(ResidentGraph graph, Holdings holdings, java.nio.IntBuffer vertices, int count,
                                Direction direction, boolean[] notHeld, int[] unexpanded, Edges edges) {
        boolean out = direction != Direction.EDGES_IN;
        boolean in = followsIn(graph, direction);
        Partitioning partitioning = graph.partitioning();
        int n = partitioning.numVertices();
        int left = 0;
        for (int i = 0; i < count; i++) {
            int v = vertices.get(i);
            if (v < 0 || v >= n) {
                throw new IllegalArgumentException("vertex " + v + " is outside the graph's dense ids 0.." + (n - 1));
            }
            int p = partitioning.partitionOf(v);
            GraphShare share = holdings.shareOf(p);
            if (share == null) {
                if (unexpanded != null) {
                    unexpanded[left] = v;
                } else {
                    notHeld[p] = true;
                }
                left++;
                continue;
            }
            int slot = share.firstSlot(p) + v - partitioning.first(p);
            if (out) {
                edges.follow(share, share.outOffsets(), share.outTargets(), slot, v);
            }
            if (in) {
                edges.follow(share, share.inOffsets(), share.inSources(), slot, v);
            }
        }
        return left;
    }

    /** Whether in-edges are followed: an undirected share keeps one adjacency for both directions. */
    private static boolean followsIn(ResidentGraph graph, Direction direction) {
        return graph.directed() && (direction == Direction.EDGES_IN || direction == Direction.EDGES_BOTH);
    }

    private static void follow(GraphShare share, int[] offsets, int[] ends, int slot, int from, VertexTable into) {
        for (int e = offsets[slot], stop = offsets[slot + 1]; e < stop; e++) {
            into.add(share.globalOf(ends[e]), from);
        }
    }

    private static void follow(GraphShare share, int[] offsets, int[] ends, int slot, VertexBits into) {
        into.addAll(ends, offsets[slot], offsets[slot + 1], share.slotGlobals());
    }
}
