package io.graphagent.agent.resident;

import io.graphagent.graph.partition.GraphShare;
import io.graphagent.graph.partition.Partitioning;
import io.graphagent.protocol.PackedArrays;
import io.graphagent.protocol.v1.PartitionChunk;

/**
 * One partition of a share cut into {@link PartitionChunk}s for a peer that builds a replica of
 * it: runs of vertices with their out- (and in-) edges as dense ids, at most
 * {@link #MAX_ENTRIES} edge entries and {@link #MAX_VERTICES} vertices a chunk (a vertex with
 * more edges gets a chunk of its own).
 * Not thread-safe: one per stream.
 */
final class PartitionChunks {
    /**
     * Edge entries per chunk (out and in together): 256 KiB of ids at most, so neither the
     * arrays the sender packs nor the receiver's copies and unpacked arrays reach half a 1 MiB
     * G1 region, the launcher's -XX:G1HeapRegionSize=1m. A humongous object each would start a
     * concurrent cycle when the heap holds a graph: at 256 Ki entries the copies of hot
     * partitions' extra replicas made 512 KiB arrays (bench/queries.sh GC logs, 2026-12-06).
     */
    static final int MAX_ENTRIES = 64 * 1024;
    /** Vertices per chunk: their original ids (8 bytes each) and degrees stay under half a region too. */
    static final int MAX_VERTICES = 32 * 1024;

    private final GraphShare share;
    private final int first;
    private final int end;
    private final int firstSlot;
    private int next;

    PartitionChunks(GraphShare share, int partition) {
        Partitioning partitioning = share.partitioning();
        this.share = share;
        this.first = partitioning.first(partition);
        this.end = partitioning.end(partition);
        this.firstSlot = share.firstSlot(partition);
        this.next = first;
    }

    private boolean done;

    /** True until the last chunk was made (an empty partition makes one empty chunk). */
    boolean hasNext() {
        return !done;
    }

    PartitionChunk next() {
        int from = next;
        int to = from;
        long entries = 0;
        while (to < end) {
            int slot = slotOf(to);
            long add = share.outDegree(slot) + (share.directed() ? inDegree(slot) : 0);
            if (to > from && (entries + add > MAX_ENTRIES || to - from >= MAX_VERTICES)) {
                break;
            }
            entries += add;
            to++;
        }
        next = to;
        done = next >= end;
        PartitionChunk.Builder chunk = PartitionChunk.newBuilder().setFirstVertex(from).setVertexCount(to - from)
                .setLast(next >= end);
        adjacency(chunk, from, to, true);
        if (share.directed()) {
            adjacency(chunk, from, to, false);
        }
        if (share.ownedIds() != null) {
            long[] ids = new long[to - from];
            for (int v = from; v < to; v++) {
                ids[v - from] = share.originalId(slotOf(v));
            }
            chunk.setOriginalIds(PackedArrays.packLongs(ids, 0, ids.length));
        }
        return chunk.build();
    }

    private int slotOf(int vertex) {
        return firstSlot + vertex - first;
    }

    private int inDegree(int slot) {
        return share.inOffsets()[slot + 1] - share.inOffsets()[slot];
    }

    private void adjacency(PartitionChunk.Builder chunk, int from, int to, boolean out) {
        int[] offsets = out ? share.outOffsets() : share.inOffsets();
        int[] ends = out ? share.outTargets() : share.inSources();
        double[] weights = out ? share.outWeights() : share.inWeights();
        int begin = offsets[slotOf(from)];
        int stop = offsets[slotOf(from) + (to - from)];
        int[] degrees = new int[to - from];
        for (int v = from; v < to; v++) {
            degrees[v - from] = offsets[slotOf(v) + 1] - offsets[slotOf(v)];
        }
        int[] globals = new int[stop - begin];
        for (int e = begin; e < stop; e++) {
            globals[e - begin] = share.globalOf(ends[e]);
        }
        if (out) {
            chunk.setOutDegrees(PackedArrays.packInts(degrees, 0, degrees.length))
                    .setOutTargets(PackedArrays.packInts(globals, 0, globals.length));
            if (weights != null) {
                chunk.setOutWeights(PackedArrays.packDoubles(weights, begin, stop - begin));
            }
        } else {
            chunk.setInDegrees(PackedArrays.packInts(degrees, 0, degrees.length))
                    .setInSources(PackedArrays.packInts(globals, 0, globals.length));
            if (weights != null) {
                chunk.setInWeights(PackedArrays.packDoubles(weights, begin, stop - begin));
            }
        }
    }
}
