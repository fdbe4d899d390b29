package io.graphagent.agent.structure;

import io.graphagent.graph.partition.Partitioning;

/**
 * One partition's structure, as its structure file holds it: the original id of each of its
 * vertices and the edges the job's kernel keeps, neighbours named by global dense id (not by
 * the slots of one agent's share), so any agent can build a share of it. Arrays are not
 * copied; do not modify them.
 *
 * @param partition   the partition
 * @param partitioning the job's partitioning (the same in every partition's file)
 * @param directed    whether the graph is directed
 * @param weighted    whether edges carry weights
 * @param numEdges    edges of the whole graph as listed in the input
 * @param sourceDense the dense id of the kernel's source vertex (BFS, SSSP), -1 for none
 * @param ownedIds    original id of each vertex of the partition, or null when they equal the dense ids
 * @param outOffsets  out-edges of the partition's i-th vertex: {@code outOffsets[i] .. outOffsets[i+1]}
 * @param outTargets  out-neighbours' dense ids, or null when only out-degrees are kept
 * @param outWeights  out-edges' weights, or null
 * @param inOffsets   in-edges, as outOffsets; the out-edge arrays themselves for an undirected graph
 * @param inSources   in-neighbours' dense ids
 * @param inWeights   in-edges' weights, or null
 */
public record PartitionStructure(int partition, Partitioning partitioning, boolean directed, boolean weighted,
                                 long numEdges, int sourceDense, long[] ownedIds,
                                 int[] outOffsets, int[] outTargets, double[] outWeights,
                                 int[] inOffsets, int[] inSources, double[] inWeights) {

    /** Vertices of the partition. */
    public int vertices() {
        return outOffsets.length - 1;
    }

    /** Whether the in-edge arrays are the out-edge arrays (an undirected graph has one adjacency). */
    public boolean inIsOut() {
        return inOffsets == outOffsets;
    }
}
