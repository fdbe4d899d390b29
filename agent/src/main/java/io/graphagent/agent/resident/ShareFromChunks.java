package io.graphagent.agent.resident;

import io.graphagent.graph.partition.GraphShare;
import io.graphagent.graph.partition.Partitioning;
import io.graphagent.graph.partition.ShareBuilder;
import io.graphagent.protocol.PackedArrays;
import io.graphagent.protocol.v1.PartitionChunk;
import java.util.Arrays;

/**
 * Builds a share of some partitions from their {@link PartitionChunk}s: a replica copied from a
 * peer, or a batch job's share gathered from the replicas this agent holds ({@link #merge}).
 * The chunks' entries go to a {@link ShareBuilder}, which lays them out as any load does, so a
 * replica has exactly the arrays of the share it was copied from. Not thread-safe.
 */
final class ShareFromChunks {
    private final Partitioning partitioning;
    private final int[] owned;
    private final boolean directed;
    private final ShareBuilder builder;
    /** Original ids of the owned vertices in slot order; null while every chunk came without them. */
    private long[] ownedIds;
    private final int[] firstSlot;
    private long vertices;

    ShareFromChunks(Partitioning partitioning, int[] owned, boolean directed, boolean weighted, long numEdges) {
        this.partitioning = partitioning;
        this.owned = owned.clone();
        Arrays.sort(this.owned);
        this.directed = directed;
        this.builder = new ShareBuilder(partitioning, this.owned, directed, weighted, numEdges);
        this.firstSlot = new int[partitioning.count()];
        Arrays.fill(firstSlot, -1);
        int slot = 0;
        for (int p : this.owned) {
            firstSlot[p] = slot;
            slot += partitioning.size(p);
        }
    }

    /** The share of {@code partitions} held in {@code holdings}, laid out afresh as one share. */
    static GraphShare merge(ResidentGraph graph, Holdings holdings, int[] partitions) {
        ShareFromChunks merged = new ShareFromChunks(graph.partitioning(), partitions, graph.directed(), graph.weighted(),
                graph.numEdges());
        for (int p : partitions) {
            GraphShare share = holdings.shareOf(p);
            if (share == null) {
                throw new IllegalArgumentException("this agent holds no replica of partition " + p + " of graph "
                        + graph.name());
            }
            PartitionChunks chunks = new PartitionChunks(share, p);
            while (chunks.hasNext()) {
                merged.add(chunks.next());
            }
        }
        return merged.build();
    }

    /**
     * Adds one chunk.
     *
     * @throws IllegalArgumentException when the chunk is malformed or of a partition not being built
     */
    void add(PartitionChunk chunk) {
        int n = chunk.getVertexCount();
        if (n == 0) {
            return;
        }
        int first = (int) chunk.getFirstVertex();
        int p = partitioning.partitionOf(first);
        if (firstSlot[p] < 0 || first + n > partitioning.end(p)) {
            throw new IllegalArgumentException("chunk of vertices " + first + ".." + (first + n - 1)
                    + " is outside the partitions being built " + Arrays.toString(owned));
        }
        vertices += n;
        adjacency(first, n, chunk.getOutDegrees(), chunk.getOutTargets(), chunk.getOutWeights(), true);
        if (directed) {
            adjacency(first, n, chunk.getInDegrees(), chunk.getInSources(), chunk.getInWeights(), false);
        }
        if (!chunk.getOriginalIds().isEmpty()) {
            if (ownedIds == null) {
                int total = 0;
                for (int q : owned) {
                    total += partitioning.size(q);
                }
                ownedIds = new long[total];
            }
            long[] ids = new long[n];
            PackedArrays.unpackLongs(chunk.getOriginalIds(), n, ids);
            System.arraycopy(ids, 0, ownedIds, firstSlot[p] + first - partitioning.first(p), n);
        }
    }

    private void adjacency(int first, int n, com.google.protobuf.ByteString packedDegrees,
                           com.google.protobuf.ByteString packedEnds, com.google.protobuf.ByteString packedWeights,
                           boolean out) {
        int[] degrees = new int[n];
        PackedArrays.unpackInts(packedDegrees, n, degrees);
        int entries = packedEnds.size() / Integer.BYTES;
        int[] owners = new int[entries];
        int at = 0;
        for (int v = 0; v < n; v++) {
            if (degrees[v] < 0 || at + degrees[v] > entries) {
                throw new IllegalArgumentException("chunk degrees do not match its " + entries + " edge entries");
            }
            Arrays.fill(owners, at, at + degrees[v], first + v);
            at += degrees[v];
        }
        if (at != entries) {
            throw new IllegalArgumentException("chunk degrees sum to " + at + ", its edges are " + entries);
        }
        int[] ends = new int[entries];
        PackedArrays.unpackInts(packedEnds, entries, ends);
        double[] weights = null;
        if (!packedWeights.isEmpty()) {
            weights = new double[entries];
            PackedArrays.unpackDoubles(packedWeights, entries, weights);
        }
        if (out) {
            builder.addOut(owners, ends, weights, entries);
        } else {
            builder.addIn(owners, ends, weights, entries);
        }
    }

    /**
     * The share.
     *
     * @throws IllegalArgumentException when chunks are missing vertices of the partitions
     */
    GraphShare build() {
        long expected = 0;
        for (int p : owned) {
            expected += partitioning.size(p);
        }
        if (vertices != expected) {
            throw new IllegalArgumentException("received " + vertices + " vertices of partitions " + Arrays.toString(owned)
                    + ", which hold " + expected);
        }
        return builder.ownedIds(ownedIds).build();
    }
}
