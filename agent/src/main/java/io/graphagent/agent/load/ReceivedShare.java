package io.graphagent.agent.load;

import io.graphagent.agent.dataplane.EdgeTarget;
import io.graphagent.agent.dataplane.IdService;
import io.graphagent.graph.partition.BlockRanges;
import io.graphagent.api.EdgeUse;
import io.graphagent.net.time.Ticker;
import io.graphagent.protocol.PackedArrays;
import io.graphagent.protocol.v1.BatchRefusal;
import io.graphagent.protocol.v1.EdgeBatch;
import io.graphagent.protocol.v1.ResolveRequest;
import io.graphagent.protocol.v1.ResolveResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * What a load's shuffle brought to this agent's partitions: the vertex ids (from vertex
 * files) and edge entries, from the peers' streams and from this agent's own splits; after
 * {@link #finish}, each owned partition's sorted vertex ids, which give every vertex its rank
 * in its partition (its dense id, once the partitions' first ids are known) and answer the
 * peers' {@code Resolve} calls.
 *
 * <p>Thread-safety: filled from data-plane threads and the load's thread under this object's
 * lock; read by the load's thread only after every sender is done.
 */
final class ReceivedShare implements EdgeTarget, IdService {
    private final String jobId;
    private final long jobEpoch;
    private final boolean directed;
    /** Whether out-edges are kept whole; else (a directed graph whose kernel reads out-degrees only) by source alone. */
    private final boolean outTargets;
    private final boolean listedVertices;
    private final int[] owned;
    private final int[] ownedIndex;
    /** Set by {@link #start}; batches that come before wait in {@link #parked}. Guarded by this. */
    private BlockRanges ranges;
    private boolean narrow;
    private final List<EdgeBatch> parked = new ArrayList<>();
    private final Set<String> senders;
    private final Set<String> done = new HashSet<>();
    private final List<EntryBlock> out = new ArrayList<>();
    private final List<EntryBlock> in = new ArrayList<>();
    private final IdList[] vertexIds;
    private long received;
    /** Entries whose targets are kept: the ones the build lays out as adjacency arrays. */
    private long laid;
    /** Of those, in-edges of a directed graph. */
    private long laidIn;
    /** Out-edges kept by source alone (for out-degrees), and the bytes of their blocks. */
    private long sourcesOnly;
    private long sourcesOnlyBytes;
    private volatile long[][] sortedIds;
    /** Why filing a peer's batch ran out of heap (what was taken in is dropped), or null. Guarded by this. */
    private String outOfHeap;
    private final Ticker ticker;

    /**
     * @param listedVertices the graph has a vertex file: its ids are the vertex set (else the
     *     ends of the edges are)
     * @param senders the peers that ship to this agent
     * @param use the edges the job's kernel reads
     * @param ticker the time source the deadline of {@link #awaitSenders} is read on
     */
    ReceivedShare(String jobId, long jobEpoch, boolean directed, boolean listedVertices, int partitions, int[] owned,
                  Set<String> senders, EdgeUse use, Ticker ticker) {
        this.ticker = ticker;
        this.jobId = jobId;
        this.jobEpoch = jobEpoch;
        this.directed = directed;
        this.outTargets = !directed || use.outTargets();
        this.listedVertices = listedVertices;
        this.owned = owned.clone();
        Arrays.sort(this.owned);
        this.ownedIndex = new int[partitions];
        Arrays.fill(ownedIndex, -1);
        for (int k = 0; k < this.owned.length; k++) {
            ownedIndex[this.owned[k]] = k;
        }
        this.senders = Set.copyOf(senders);
        this.vertexIds = new IdList[this.owned.length];
        for (int k = 0; k < vertexIds.length; k++) {
            vertexIds[k] = new IdList();
        }
    }

    /**
     * Starts the shuffle: the partitions' id ranges are known. Files the batches peers sent
     * before this agent had them.
     */
    void start(BlockRanges ranges, boolean narrow) throws LoadException {
        List<EdgeBatch> early;
        synchronized (this) {
            this.ranges = ranges;
            this.narrow = narrow;
            early = new ArrayList<>(parked);
            parked.clear();
        }
        for (EdgeBatch batch : early) {
            BatchRefusal refusal = file(batch);
            if (refusal != BatchRefusal.BATCH_REFUSAL_NONE) {
                throw new LoadException("a peer's edges for job " + jobId + " were refused: " + refusal, false);
            }
        }
    }

    synchronized BlockRanges ranges() { return ranges; }

    int[] owned() { return owned; }

    boolean directed() { return directed; }

    /** Whether out-edges are kept with their targets (else by source alone, for out-degrees). */
    boolean outTargets() { return outTargets; }

    // ---- Filling ----

    synchronized void addVertex(int partition, long id) {
        vertexIds[ownedIndex[partition]].add(id);
    }

    /** Files edges of this agent's own splits: out-edges of its vertices, or with {@code inEdges} in-edges. */
    void addEdges(LocalEntries entries, boolean inEdges) {
        if (entries.size() > 0) {
            add(EntryBlock.of(entries, narrow, !inEdges && !outTargets), inEdges);
        }
    }

    private synchronized void add(EntryBlock block, boolean inEdges) {
        received += block.count;
        if (directed && !inEdges && !outTargets) {
            EntryBlock sources = block.hasTargets() ? block.sourcesOnly() : block;
            out.add(sources);
            sourcesOnly += sources.count;
            sourcesOnlyBytes += sources.sizeInBytes();
            return;
        }
        laid += block.count;
        if (directed && inEdges) {
            laidIn += block.count;
        }
        if (directed) {
            (inEdges ? in : out).add(block);
        } else if (inEdges) {
            // An undirected edge stored at its target's owner is that vertex's adjacency entry: swap its ends.
            EntryBlock swapped = block.narrowSources != null
                    ? EntryBlock.narrow(block.narrowTargets, block.narrowSources, block.weights, block.count)
                    : EntryBlock.wide(block.wideTargets, block.wideSources, block.weights, block.count);
            out.add(swapped);
        } else {
            out.add(block);
        }
    }

    @Override
    public BatchRefusal accept(EdgeBatch batch) {
        if (batch.getJobEpoch() != jobEpoch) {
            return batch.getJobEpoch() < jobEpoch ? BatchRefusal.STALE_EPOCH : BatchRefusal.FUTURE_EPOCH;
        }
        synchronized (this) {
            if (outOfHeap != null) {
                return BatchRefusal.UNKNOWN_JOB;
            }
            if (ranges == null) {
                parked.add(batch);
                return BatchRefusal.BATCH_REFUSAL_NONE;
            }
        }
        return file(batch);
    }

    private BatchRefusal file(EdgeBatch batch) {
        if (batch.getNarrowIds() != narrow) {
            return BatchRefusal.MALFORMED_BATCH;
        }
        int idBytes = narrow ? Integer.BYTES : Long.BYTES;
        int count = batch.getCount();
        if (batch.getSources().size() != (long) idBytes * count || batch.getTargets().size() != (long) idBytes * count
                || (batch.getWeights().size() != 0 && batch.getWeights().size() != 8L * count)
                || batch.getVertices().size() % idBytes != 0) {
            return BatchRefusal.MALFORMED_BATCH;
        }
        int vertices = batch.getVertices().size() / idBytes;
        if (vertices > 0) {
            long[] ids = unpack(batch.getVertices(), vertices);
            synchronized (this) {
                for (long id : ids) {
                    int p = ranges.partitionOfId(id);
                    if (ownedIndex[p] < 0) {
                        return BatchRefusal.NOT_OWNER;
                    }
                    vertexIds[ownedIndex[p]].add(id);
                }
            }
        }
        if (count > 0) {
            double[] weights = null;
            if (batch.getWeights().size() > 0) {
                weights = new double[count];
                PackedArrays.unpackDoubles(batch.getWeights(), count, weights);
            }
            EntryBlock block;
            if (narrow) {
                int[] s = new int[count];
                int[] t = new int[count];
                PackedArrays.unpackInts(batch.getSources(), count, s);
                PackedArrays.unpackInts(batch.getTargets(), count, t);
                block = EntryBlock.narrow(s, t, weights, count);
            } else {
                long[] s = new long[count];
                long[] t = new long[count];
                PackedArrays.unpackLongs(batch.getSources(), count, s);
                PackedArrays.unpackLongs(batch.getTargets(), count, t);
                block = EntryBlock.wide(s, t, weights, count);
            }
            add(block, batch.getInEdges());
        }
        return BatchRefusal.BATCH_REFUSAL_NONE;
    }

    private long[] unpack(com.google.protobuf.ByteString packed, int count) {
        long[] ids = new long[count];
        if (narrow) {
            int[] narrowIds = new int[count];
            PackedArrays.unpackInts(packed, count, narrowIds);
            for (int i = 0; i < count; i++) {
                ids[i] = narrowIds[i];
            }
        } else {
            PackedArrays.unpackLongs(packed, count, ids);
        }
        return ids;
    }

    @Override
    public synchronized void senderDone(String sender) {
        done.add(sender);
        notifyAll();
    }

    /** Drops what was taken in (the heap comes back at the next collection) and wakes {@link #awaitSenders}. */
    @Override
    public synchronized void outOfHeap(String why) {
        if (outOfHeap == null) {
            outOfHeap = why;
        }
        parked.clear();
        out.clear();
        in.clear();
        notifyAll();
    }

    /** Why filing a peer's batch ran out of heap, or null. */
    synchronized String outOfHeap() {
        return outOfHeap;
    }

    /**
     * Waits until every peer has shipped everything, until {@code deadlineNanos} on the ticker,
     * or until filing a batch ran out of heap ({@link #outOfHeap()}).
     */
    synchronized void awaitSenders(long deadlineNanos, BooleanSupplier stop) throws TimeoutException, InterruptedException {
        while (!done.containsAll(senders) && outOfHeap == null) {
            if (stop.getAsBoolean()) {
                throw new InterruptedException("superseded by a newer command for job " + jobId);
            }
            long left = deadlineNanos - ticker.nanos();
            if (left <= 0) {
                Set<String> missing = new HashSet<>(senders);
                missing.removeAll(done);
                throw new TimeoutException("no edges from " + missing + " before the load's deadline");
            }
            TimeUnit.NANOSECONDS.timedWait(this, Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
        }
    }

    // ---- After the shuffle ----

    /**
     * Sorts each owned partition's vertex ids; for an edge list they are the owners of the
     * entries received.
     *
     * @throws LoadException when a vertex file lists an id twice
     */
    synchronized void finish(String vertexFile) throws LoadException {
        if (!listedVertices) {
            for (EntryBlock b : out) {
                addOwners(b, true);
            }
            for (EntryBlock b : in) {
                addOwners(b, false);
            }
        }
        long[][] sorted = new long[owned.length][];
        for (int k = 0; k < owned.length; k++) {
            long[] ids = vertexIds[k].toArray();
            vertexIds[k] = null;
            Arrays.sort(ids);
            if (listedVertices) {
                for (int i = 1; i < ids.length; i++) {
                    if (ids[i] == ids[i - 1]) {
                        throw new LoadException(vertexFile + ": vertex id " + ids[i] + " appears twice. Fix: list each vertex once");
                    }
                }
                sorted[k] = ids;
            } else {
                sorted[k] = unique(ids);
            }
        }
        sortedIds = sorted;
    }

    private void addOwners(EntryBlock b, boolean bySource) {
        for (int i = 0; i < b.count; i++) {
            long id = bySource ? b.source(i) : b.target(i);
            vertexIds[ownedIndex[ranges.partitionOfId(id)]].add(id);
        }
    }

    private static long[] unique(long[] sorted) {
        int n = 0;
        for (int i = 0; i < sorted.length; i++) {
            if (n == 0 || sorted[i] != sorted[n - 1]) {
                sorted[n++] = sorted[i];
            }
        }
        return Arrays.copyOf(sorted, n);
    }

    /** Each owned partition's vertex ids, ascending (after {@link #finish}); index as {@link #owned()}. */
    long[][] sortedIds() { return sortedIds; }

    /** Out-edge entries (every adjacency entry of an undirected graph); after the shuffle. */
    List<EntryBlock> outEntries() { return out; }

    /** In-edge entries of a directed graph; after the shuffle. */
    List<EntryBlock> inEntries() { return in; }

    synchronized long entriesReceived() { return received; }

    /** Entries the build lays out as adjacency arrays: all but out-edges kept by source alone. */
    synchronized long entriesLaid() { return laid; }

    /** In-edge entries of a directed graph the build lays out. */
    synchronized long inEntriesLaid() { return laidIn; }

    /** Out-edge entries kept by source alone, counted into out-degrees. */
    synchronized long sourcesOnlyEntries() { return sourcesOnly; }

    /** Bytes of the sources-only blocks, released as the build counts them (before it lays anything out). */
    synchronized long sourcesOnlyBytes() { return sourcesOnlyBytes; }

    /** The rank of {@code id} among owned partition {@code partition}'s ids, or -1 when it is not one. */
    int rank(int partition, long id) {
        long[] ids = sortedIds[ownedIndex[partition]];
        int i = Arrays.binarySearch(ids, id);
        return i >= 0 ? i : -1;
    }

    @Override
    public ResolveResponse resolve(ResolveRequest request) {
        return IdAnswers.answer(request, ranges.count(), jobId, jobEpoch, p -> {
            long[][] sorted = sortedIds;
            int k = ownedIndex[p];
            return k < 0 || sorted == null ? null : IdAnswers.Slice.of(sorted[k]);
        });
    }

    /** A growable list of ids. */
    static final class IdList {
        private long[] ids = new long[16];
        private int size;

        void add(long id) {
            if (size == ids.length) {
                ids = Arrays.copyOf(ids, size + (size >> 1) + 16);
            }
            ids[size++] = id;
        }

        long[] toArray() {
            return Arrays.copyOf(ids, size);
        }
    }
}
