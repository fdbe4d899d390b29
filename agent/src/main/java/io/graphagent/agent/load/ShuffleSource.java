package io.graphagent.agent.load;

import com.google.protobuf.ByteString;
import io.graphagent.graph.load.EdgeRecords;
import io.graphagent.graph.partition.BlockRanges;
import io.graphagent.protocol.PackedArrays;
import io.graphagent.protocol.v1.EdgeBatch;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * The records an agent parsed, dealt to the owners of their partitions: records of this
 * agent's own partitions go straight into its {@link ReceivedShare}, the others into one
 * stream of {@link EdgeBatch}es per peer. A directed edge goes to the owner of its source (an
 * out-edge) and to the owner of its target (an in-edge); an undirected one to both ends'
 * owners (one adjacency entry each, once for a self-loop).
 *
 * <p>Batches are produced lazily, a parsed chunk at a time, as the peers' streams ask for
 * them; a chunk is dropped once dealt, so the parsed input and the shipped copies are not
 * held at the same time. Used by one thread (the feed's).
 */
final class ShuffleSource {
    /** Entries per batch: 8 to 24 bytes each, under half of a 1 MiB G1 region per array. */
    static final int MAX_BATCH = 1 << 15;

    private final BlockRanges ranges;
    /** The index in {@link #streams} of each partition's owner, or -1 for this agent. */
    private final int[] ownerOf;
    private final boolean directed;
    private final boolean weighted;
    private final boolean narrow;
    private final EdgeBatch header;
    private final ReceivedShare local;
    private final List<long[]> vertices;
    private final List<EdgeRecords> edges;
    private final Pending[] pending;
    private final List<PeerStream> streams = new ArrayList<>();
    private int nextVertexSplit;
    private int nextEdgeChunk;
    private long shipped;

    /**
     * @param ownerOf index of the peer owning each partition (into the streams this source
     *     makes, one per peer, in order), or -1 for partitions this agent owns
     * @param peers number of peers
     * @param header job id, epoch and sender of every batch
     */
    ShuffleSource(BlockRanges ranges, int[] ownerOf, int peers, boolean directed, boolean weighted, boolean narrow,
                  EdgeBatch header, ReceivedShare local, List<long[]> vertices, List<EdgeRecords> edges) {
        this.ranges = ranges;
        this.ownerOf = ownerOf;
        this.directed = directed;
        this.weighted = weighted;
        this.narrow = narrow;
        this.header = header.toBuilder().setNarrowIds(narrow).build();
        this.local = local;
        this.vertices = vertices;
        this.edges = edges;
        this.localOut = new LocalEntries(MAX_BATCH, weighted, narrow);
        this.localIn = new LocalEntries(MAX_BATCH, weighted, narrow);
        this.pending = new Pending[peers];
        for (int i = 0; i < peers; i++) {
            pending[i] = new Pending();
            streams.add(new PeerStream(i));
        }
    }

    /** One stream per peer, in the order of the peers; each yields at least one batch. */
    List<PeerStream> streams() {
        return streams;
    }

    /** Edges (entries) shipped to peers so far. */
    long shipped() {
        return shipped;
    }

    /**
     * Deals every record without peers (a one-agent job): all of them are this agent's.
     */
    void dealAll() {
        while (advance()) {
            // deals chunk by chunk
        }
    }

    /** Deals the next parsed split or chunk; false when every record is dealt and every batch made. */
    private boolean advance() {
        if (nextVertexSplit < vertices.size()) {
            long[] ids = vertices.get(nextVertexSplit);
            vertices.set(nextVertexSplit++, null);
            for (long id : ids) {
                int p = ranges.partitionOfId(id);
                int to = ownerOf[p];
                if (to < 0) {
                    local.addVertex(p, id);
                } else {
                    pending[to].vertex(id);
                }
            }
            flushVertices();
            return true;
        }
        if (nextEdgeChunk < edges.size()) {
            EdgeRecords chunk = edges.get(nextEdgeChunk);
            edges.set(nextEdgeChunk++, null);
            deal(chunk);
            return true;
        }
        boolean made = false;
        for (int i = 0; i < pending.length; i++) {
            made |= pending[i].flush(i, true);
        }
        return made;
    }

    /** This agent's own entries on their way into {@link #local}, a batch at a time (bounded memory). */
    private final LocalEntries localOut;
    private final LocalEntries localIn;

    private void deal(EdgeRecords chunk) {
        LocalEntries out = localOut;
        LocalEntries in = localIn;
        for (int i = 0, n = chunk.count(); i < n; i++) {
            long s = chunk.source(i);
            long t = chunk.target(i);
            double w = chunk.weight(i);
            int ps = ranges.partitionOfId(s);
            int to = ownerOf[ps];
            if (to < 0) {
                out.add(s, t, w);
                if (out.size() == MAX_BATCH) {
                    local.addEdges(out, false);
                    out.clear();
                }
            } else {
                pending[to].edge(s, t, w, false);
            }
            if (directed || s != t) {
                int pt = ranges.partitionOfId(t);
                int toTarget = ownerOf[pt];
                if (toTarget < 0) {
                    in.add(s, t, w);
                    if (in.size() == MAX_BATCH) {
                        local.addEdges(in, true);
                        in.clear();
                    }
                } else {
                    pending[toTarget].edge(s, t, w, true);
                }
            }
        }
        local.addEdges(out, false);
        out.clear();
        local.addEdges(in, true);
        in.clear();
        for (int i = 0; i < pending.length; i++) {
            pending[i].flush(i, false);
        }
    }

    private void flushVertices() {
        for (int i = 0; i < pending.length; i++) {
            pending[i].flushVertices(i);
        }
    }

    /** The batches still to go to one peer, produced on demand. */
    final class PeerStream implements Iterator<EdgeBatch> {
        private final int peer;
        private final ArrayDeque<EdgeBatch> ready = new ArrayDeque<>();
        private boolean sentAny;

        private PeerStream(int peer) {
            this.peer = peer;
        }

        @Override
        public boolean hasNext() {
            while (ready.isEmpty() && advance()) {
                // deal until this peer has a batch, or everything is dealt
            }
            if (ready.isEmpty() && !sentAny) {
                ready.add(header);
            }
            return !ready.isEmpty();
        }

        @Override
        public EdgeBatch next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            sentAny = true;
            return ready.poll();
        }
    }

    /** Records waiting to fill a batch for one peer, out- and in-edges apart. */
    private final class Pending {
        private final LocalEntries out = new LocalEntries(MAX_BATCH, weighted, narrow);
        private final LocalEntries in = new LocalEntries(MAX_BATCH, weighted, narrow);
        private long[] vertexIds = new long[64];
        private int vertexCount;
        private int seq;

        void vertex(long id) {
            if (vertexCount == vertexIds.length) {
                vertexIds = java.util.Arrays.copyOf(vertexIds, vertexCount * 2);
            }
            vertexIds[vertexCount++] = id;
        }

        void edge(long s, long t, double w, boolean inEdge) {
            (inEdge ? in : out).add(s, t, w);
        }

        void flushVertices(int peer) {
            for (int from = 0; from < vertexCount; from += MAX_BATCH) {
                int count = Math.min(MAX_BATCH, vertexCount - from);
                emit(peer, header.toBuilder().setBatchSeq(seq++).setVertices(pack(vertexIds, from, count)).build());
            }
            vertexCount = 0;
            vertexIds = new long[64];
        }

        /** Makes batches of the full buffers (of all of them with {@code all}); true when one was made. */
        boolean flush(int peer, boolean all) {
            boolean made = false;
            if (out.size() > 0 && (all || out.size() >= MAX_BATCH)) {
                emit(peer, batch(out, false));
                made = true;
            }
            if (in.size() > 0 && (all || in.size() >= MAX_BATCH)) {
                emit(peer, batch(in, true));
                made = true;
            }
            return made;
        }

        private EdgeBatch batch(LocalEntries entries, boolean inEdges) {
            int n = entries.size();
            EdgeBatch.Builder b = header.toBuilder().setBatchSeq(seq++).setInEdges(inEdges).setCount(n)
                    .setSources(entries.packSources(narrow)).setTargets(entries.packTargets(narrow));
            if (weighted) {
                b.setWeights(PackedArrays.packDoubles(entries.weights(), 0, n));
            }
            shipped += n;
            entries.clear();
            return b.build();
        }

        private void emit(int peer, EdgeBatch batch) {
            streams.get(peer).ready.add(batch);
        }
    }

    private ByteString pack(long[] ids, int from, int count) {
        if (!narrow) {
            return PackedArrays.packLongs(ids, from, count);
        }
        int[] narrowed = new int[count];
        for (int i = 0; i < count; i++) {
            narrowed[i] = (int) ids[from + i];
        }
        return PackedArrays.packInts(narrowed, 0, count);
    }
}
