package io.graphagent.agent.load;

import io.graphagent.agent.dataplane.BatchFeed;
import io.graphagent.agent.dataplane.PeerSender;
import io.graphagent.graph.load.EdgeRecords;
import io.graphagent.graph.load.GraphInputException;
import io.graphagent.graph.load.SplitParser;
import io.graphagent.graph.partition.BlockRanges;
import io.graphagent.graph.partition.BlockWeights;
import io.graphagent.graph.partition.IdBlocks;
import io.graphagent.graph.partition.Partitioning;
import io.graphagent.api.EdgeUse;
import io.graphagent.net.time.Ticker;
import io.graphagent.protocol.PackedArrays;
import io.graphagent.protocol.v1.BuildPartitions;
import io.graphagent.protocol.v1.EdgeBatch;
import io.graphagent.protocol.v1.GraphFiles;
import io.graphagent.protocol.v1.InputSplit;
import io.graphagent.protocol.v1.InputTransfer;
import io.graphagent.protocol.v1.LoadScanned;
import io.graphagent.protocol.v1.ShuffleDone;
import io.graphagent.protocol.v1.ShufflePartitions;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * One job's partitioned load on one agent, in the three steps the coordinator orders:
 * {@link #scan} parses this agent's splits of the input and counts their weight per id block;
 * {@link #shuffle} ships every record to the owner of its partition and takes the peers';
 * {@link #build} numbers the vertices, learns the dense ids of the remote vertices its edges
 * reach (mirrors) and builds the share ({@link ShareAssembly}). Together the agents read the
 * input once, and each holds only its partitions.
 *
 * <p>Driven by the agent's job thread, one step at a time; the shuffle's receiving side
 * ({@link #received()}) is filled from data-plane threads.
 */
public final class PartitionedLoad {
    private final String jobId;
    private final String agentId;
    private final long jobEpoch;
    private final GraphFiles input;
    private final int[] owned;
    private final String[] ownerOf;
    private final Map<String, PeerSender> peers;
    private final int threads;
    private final Duration deadline;
    private final Ticker ticker;
    private final ReceivedShare received;
    private List<long[]> vertices = new ArrayList<>();
    private List<EdgeRecords> edges = new ArrayList<>();
    private long edgesShipped;

    /**
     * @param ownerOf the agent owning each partition
     * @param peers the other agents of the job, by id
     * @param deadline bound on each step's waits for peers
     * @param use the edges the job's kernel reads: the share keeps only those
     * @param ticker the agent's monotonic time, on which {@code deadline} is measured
     */
    public PartitionedLoad(String jobId, String agentId, long jobEpoch, GraphFiles input, int[] owned, String[] ownerOf,
                           Map<String, PeerSender> peers, int threads, Duration deadline, EdgeUse use, Ticker ticker) {
        this.ticker = ticker;
        this.jobId = jobId;
        this.agentId = agentId;
        this.jobEpoch = jobEpoch;
        this.input = input;
        this.owned = owned.clone();
        this.ownerOf = ownerOf.clone();
        this.peers = peers;
        this.threads = threads;
        this.deadline = deadline;
        this.received = new ReceivedShare(jobId, jobEpoch, input.getDirected(), !input.getVertexFile().isEmpty(),
                ownerOf.length, owned, peers.keySet(), use, ticker);
    }

    /** Where peers' shipped records go; live from construction, so early batches are kept. */
    public ReceivedShare received() {
        return received;
    }

    public long jobEpoch() {
        return jobEpoch;
    }

    GraphFiles input() {
        return input;
    }

    /**
     * Parses this agent's splits and counts their weight per id block.
     *
     * @param stop whether the load was superseded or aborted: checked after every parsed chunk,
     *             so an aborted load (its job failed elsewhere) stops allocating at once instead
     *             of filling the heap with records nobody will read
     * @throws GraphInputException when a line is malformed: names the file and line
     * @throws InterruptedException when {@code stop} said so; what was parsed is dropped
     * @throws LoadException (fault MEMORY) when the records the splits will give, projected from
     *         the first chunks, do not fit the heap free ({@link ScanMemory}: judged before the
     *         heap is full, so no thread of the agent draws an OutOfMemoryError), or when the heap
     *         thrashes all the same ({@link GcPressure}): parsing on would pause the JVM,
     *         heartbeats and all, in full collection after full collection until one
     */
    public LoadScanned scan(List<InputSplit> splits, SplitAccess access, BooleanSupplier stop)
            throws GraphInputException, IOException, InterruptedException, LoadException {
        GcPressure pressure = GcPressure.ofThisJvm(ticker);
        ScanMemory memory = ScanMemory.ofThisJvm(agentId, jobId,
                splits.stream().mapToLong(s -> Math.max(0, s.getEnd() - s.getStart())).toArray());
        try {
            return scanUnless(splits, access, memory, () -> {
                if (stop.getAsBoolean()) {
                    throw new Stopped(null);
                }
                String overflow = memory.overflow();
                if (overflow != null) {
                    throw new Stopped(overflow);
                }
                if (pressure.thrashing()) {
                    throw new Stopped("agent " + agentId + " ran out of heap (" + (pressure.maxBytes() >> 20)
                            + " MB maximum) parsing its splits of job " + jobId + ": the records parsed so far fill it,"
                            + " and collecting took most of the time. " + ShareMemory.MORE_HEAP_FIX);
                }
            });
        } catch (Stopped e) {
            vertices = null;
            edges = null;
            if (e.outOfHeap != null) {
                throw new LoadException(e.outOfHeap, LoadException.Fault.MEMORY);
            }
            throw new InterruptedException("the load of job " + jobId + " was superseded or aborted while parsing");
        }
    }

    /** Thrown out of the parser's threads by the parsed-bytes callback once the load should stop. */
    private static final class Stopped extends RuntimeException {
        /** Why the heap cannot hold the records, or null: superseded or aborted. */
        final String outOfHeap;

        Stopped(String outOfHeap) {
            super("load stopped", null, false, false);
            this.outOfHeap = outOfHeap;
        }
    }

    /** @param check after every parsed chunk (and before every split): throws {@link Stopped} to stop */
    private LoadScanned scanUnless(List<InputSplit> splits, SplitAccess access, ScanMemory memory, Runnable check)
            throws GraphInputException, IOException {
        AtomicLong read = new AtomicLong();
        java.util.function.LongConsumer bytes = n -> {
            read.addAndGet(n);
            check.run();
        };
        long min = Long.MAX_VALUE;
        long max = -1;
        long vertexRecords = 0;
        long edgeRecords = 0;
        for (InputSplit split : splits) {
            check.run();
            memory.nextSplit();
            SplitAccess.Opened opened = access.open(split);
            switch (split.getFile()) {
                case VERTEX_FILE -> {
                    long[] ids = opened.parse(() -> SplitParser.vertices(opened.path(), opened.from(), opened.to(), threads,
                            memory::parsed, bytes));
                    for (long id : ids) {
                        min = Math.min(min, id);
                        max = Math.max(max, id);
                    }
                    vertexRecords += ids.length;
                    vertices.add(ids);
                }
                case EDGE_FILE -> {
                    List<EdgeRecords> chunks = opened.parse(() -> SplitParser.edges(opened.path(), opened.from(),
                            opened.to(), input.getWeighted(), threads, memory::parsed, bytes));
                    for (EdgeRecords chunk : chunks) {
                        if (chunk.count() > 0) {
                            min = Math.min(min, chunk.minId());
                            max = Math.max(max, chunk.maxId());
                            edgeRecords += chunk.count();
                            edges.add(chunk);
                        }
                    }
                }
                default -> throw new IllegalArgumentException("split of unknown file " + split.getFile());
            }
        }
        LoadScanned.Builder scanned = LoadScanned.newBuilder().setVertexRecords(vertexRecords).setEdgeRecords(edgeRecords)
                .setMinId(min == Long.MAX_VALUE ? 1 : min).setMaxId(max < 0 ? 0 : max).setBytesRead(read.get())
                .setTransfer(access.streamed() ? InputTransfer.INPUT_TRANSFER_STREAM : InputTransfer.INPUT_TRANSFER_SHARED);
        if (max >= 0) {
            BlockWeights weights = weigh(IdBlocks.covering(min, max));
            scanned.setBlockShift(weights.blocks().shift()).setBlockOffset(weights.blocks().offset())
                    .setBlockWeights(PackedArrays.packLongs(weights.weights(), 0, weights.weights().length));
        }
        return scanned.build();
    }

    /** The weight of the parsed records per block: a vertex line, and each stored end of an edge. */
    private BlockWeights weigh(IdBlocks blocks) {
        BlockWeights weights = BlockWeights.of(blocks);
        for (long[] ids : vertices) {
            for (long id : ids) {
                weights.add(id, BlockWeights.VERTEX_WEIGHT);
            }
        }
        boolean directed = input.getDirected();
        for (EdgeRecords chunk : edges) {
            for (int i = 0, n = chunk.count(); i < n; i++) {
                long s = chunk.source(i);
                long t = chunk.target(i);
                weights.add(s, 1);
                if (directed || s != t) {
                    weights.add(t, 1);
                }
            }
        }
        return weights;
    }

    /** Ships every parsed record to its partition's owner, takes the peers', and counts the vertices received. */
    public ShuffleDone shuffle(ShufflePartitions order, BooleanSupplier stop) throws LoadException, InterruptedException {
        IdBlocks blocks = new IdBlocks(order.getBlockShift(), order.getBlockOffset(), order.getBlockCount());
        BlockRanges ranges = new BlockRanges(blocks, order.getFirstBlockList().stream().mapToInt(Integer::intValue).toArray());
        if (ranges.count() != ownerOf.length) {
            throw new LoadException("the shuffle names " + ranges.count() + " partitions, the load " + ownerOf.length, false);
        }
        received.start(ranges, order.getNarrowIds());
        List<String> peerIds = new ArrayList<>(peers.keySet());
        int[] ownerIndex = new int[ownerOf.length];
        for (int p = 0; p < ownerOf.length; p++) {
            ownerIndex[p] = ownerOf[p].equals(agentId) ? -1 : peerIds.indexOf(ownerOf[p]);
        }
        EdgeBatch header = EdgeBatch.newBuilder().setJobId(jobId).setJobEpoch(jobEpoch).setSenderAgent(agentId).build();
        ShuffleSource source = new ShuffleSource(ranges, ownerIndex, peerIds.size(), input.getDirected(), input.getWeighted(),
                order.getNarrowIds(), header, received, vertices, edges);
        long deadlineNanos = ticker.nanos() + deadline.toNanos();
        if (peerIds.isEmpty()) {
            source.dealAll();
        } else {
            List<PeerSender> senders = new ArrayList<>();
            for (String id : peerIds) {
                senders.add(peers.get(id));
            }
            BatchFeed<EdgeBatch> feed = BatchFeed.edges(senders, ticker);
            try {
                feed.send(source.streams(), deadlineNanos, stop);
                feed.finish(deadlineNanos, stop);
            } catch (BatchFeed.FeedFailedException e) {
                throw new LoadException("shipping edges to agent " + e.peer() + " failed: " + e.getMessage(), false);
            }
        }
        vertices = null;
        edges = null;
        edgesShipped = source.shipped();
        try {
            received.awaitSenders(deadlineNanos, stop);
        } catch (TimeoutException e) {
            throw new LoadException(e.getMessage(), false);
        }
        String outOfHeap = received.outOfHeap();
        if (outOfHeap != null) {
            throw new LoadException("agent " + agentId + " " + outOfHeap, LoadException.Fault.MEMORY);
        }
        received.finish(input.getVertexFile());
        ShuffleDone.Builder done = ShuffleDone.newBuilder().setEdgesShipped(edgesShipped)
                .setEntriesReceived(received.entriesReceived());
        long[][] ids = received.sortedIds();
        int[] sorted = received.owned();
        for (int k = 0; k < sorted.length; k++) {
            done.putPartitionVertices(sorted[k], ids[k].length);
        }
        return done.build();
    }

    /**
     * Numbers the vertices and builds this agent's share.
     *
     * @param sourceVertex original id of the BFS / SSSP source whose dense id to learn, or null
     */
    public BuiltShare build(BuildPartitions order, Long sourceVertex) throws LoadException {
        int[] firstVertex = order.getFirstVertexList().stream().mapToInt(Integer::intValue).toArray();
        Partitioning partitioning = new Partitioning(received.ranges(), firstVertex);
        IdLookup lookup = new IdLookup(jobId, jobEpoch, deadline);
        return new ShareAssembly(received, partitioning, order.getDenseIds(), input, agentId, order.getEdges(),
                (partition, ids) -> {
                    String owner = ownerOf[partition];
                    return lookup.ranks(peers.get(owner).channel(), owner, partition, ids);
                }).build(sourceVertex);
    }

    public long edgesShipped() {
        return edgesShipped;
    }
}
