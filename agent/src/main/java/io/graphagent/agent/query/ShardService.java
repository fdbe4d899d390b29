package io.graphagent.agent.query;

import io.graphagent.graph.traverse.VertexBits;
import io.graphagent.graph.traverse.VertexTable;
import io.graphagent.agent.resident.Holdings;
import io.graphagent.agent.resident.IdsOfPartition;
import io.graphagent.agent.resident.ResidentGraph;
import io.graphagent.agent.resident.ResidentStore;
import io.graphagent.agent.resident.PartitionStream;
import io.graphagent.graph.partition.GraphShare;
import io.graphagent.net.time.Ticker;
import io.graphagent.protocol.PackedArrays;
import io.graphagent.protocol.v1.ExpandReply;
import io.graphagent.protocol.v1.ExpandRequest;
import io.graphagent.protocol.v1.FetchPartitionRequest;
import io.graphagent.protocol.v1.LookupReply;
import io.graphagent.protocol.v1.LookupRequest;
import io.graphagent.protocol.v1.PartitionChunk;
import io.graphagent.protocol.v1.ShardGrpc;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's Shard service: hops of queries (each gateway's {@code ExpandStream}, one
 * {@link HopStream} each), id lookups and degrees
 * ({@code Lookup}) over the resident partitions it holds, on the {@link QueryWorkers}; and the
 * copy of a partition to a peer building a replica ({@code FetchPartition}). Every answer
 * carries the agent's load. Refusals are precise: another generation or a graph not held is
 * FAILED_PRECONDITION, a full queue RESOURCE_EXHAUSTED ("busy, retry after"), a malformed
 * request INVALID_ARGUMENT. Thread-safe.
 */
public final class ShardService extends ShardGrpc.ShardImplBase {
    private static final Logger log = LoggerFactory.getLogger(ShardService.class);
    /** Most ids in one request: 4 MiB of int32 vertices, far under the gRPC message limit. */
    static final int MAX_IDS = 1 << 20;

    private final ResidentStore store;
    private final QueryWorkers workers;
    private final Supplier<String> agentId;
    private final Ticker ticker;
    /** Each query thread's table, made again for a graph of another size. */
    private final ThreadLocal<VertexTable> sets = new ThreadLocal<>();
    /** Each query thread's bit set for hops read without parents, likewise. */
    private final ThreadLocal<VertexBits> bitSets = new ThreadLocal<>();
    /** Each query thread's bit set for the hop after, when asked for ({@code also_next}). */
    private final ThreadLocal<VertexBits> nextSets = new ThreadLocal<>();
    /** Each query thread's arrays for building its replies. */
    private final ThreadLocal<ReplyBuffer> buffers = ThreadLocal.withInitial(ReplyBuffer::new);
    /** The work of each kind of request, made once (not a lambda per request). */
    private final Work<ExpandRequest, ExpandReply> expandWork = this::expand;
    private final Work<LookupRequest, LookupReply> lookupWork = this::lookup;

    /**
     * @param agentId this agent's id once known (for busy answers)
     * @param ticker  times each hop request's timeout from its arrival (the agent's ticker)
     */
    public ShardService(ResidentStore store, QueryWorkers workers, Supplier<String> agentId, Ticker ticker) {
        this.store = store;
        this.workers = workers;
        this.agentId = agentId;
        this.ticker = ticker;
    }

    /**
     * This service as a server adds it: the answers to hops and lookups serialized through a
     * buffer per thread ({@link ReusedBufferMarshaller}) rather than a new one per answer.
     */
    public io.grpc.ServerServiceDefinition definition() {
        return ReusedBufferMarshaller.responsesOf(bindService(), java.util.Set.of(
                ShardGrpc.getExpandStreamMethod().getFullMethodName(), ShardGrpc.getLookupMethod().getFullMethodName()));
    }

    @Override
    public StreamObserver<ExpandRequest> expandStream(StreamObserver<ExpandReply> replies) {
        return new HopStream((ServerCallStreamObserver<ExpandReply>) replies, this::expand, ticker);
    }

    /** One hop request of a stream, answered through {@code reply} (its {@link HopStream.Answer}). */
    private void expand(ExpandRequest request, StreamObserver<ExpandReply> reply) {
        ResidentGraph graph = held(request.getGraph(), request.getGeneration(), reply);
        if (graph == null || !admitted(reply)) {
            return;
        }
        if (!workers.tryRun(new Call<>(expandWork, graph, request, reply))) {
            busy(reply);
        }
    }

    private ExpandReply expand(ResidentGraph graph, ExpandRequest request) {
        int count = checkedCount(request.getCount(), request.getVertices().size(), Integer.BYTES);
        java.nio.IntBuffer vertices = PackedArrays.intsView(request.getVertices(), count);
        if (request.getAlsoNext() && (request.getWithParents() || !request.getBitsOk())) {
            throw new IllegalArgumentException("also_next asks for a hop read as a set: it needs bits_ok and no with_parents");
        }
        // This thread's last reply went out within its onNext: its bytes may be written over.
        ReplyBuffer buffer = buffers.get();
        buffer.reset();
        boolean[] notHeld = buffer.notHeld(graph.partitioning().count());
        ExpandReply.Builder out = request.getBitsOk() && !request.getWithParents()
                ? distinct(graph, request, vertices, count, notHeld, buffer)
                : withParents(graph, request, vertices, count, notHeld, buffer);
        for (int p = 0; p < notHeld.length; p++) {
            if (notHeld[p]) {
                out.addNotHeld(p);
            }
        }
        return out.setId(request.getId()).setLoad(workers.load()).build();
    }

    /** A hop with each neighbour's parent (or asked as packed ids): a {@link VertexTable} in insertion order. */
    private ExpandReply.Builder withParents(ResidentGraph graph, ExpandRequest request, java.nio.IntBuffer vertices, int count,
                                            boolean[] notHeld, ReplyBuffer buffer) {
        VertexTable set = sets.get();
        int universe = graph.partitioning().numVertices();
        if (set == null || set.universe() != universe) {
            set = new VertexTable(universe);
            sets.set(set);
        }
        set.clear();
        try {
            Expansion.expand(graph, graph.holdings(), vertices, count, request.getDirection(), set, notHeld);
            ExpandReply.Builder out = ExpandReply.newBuilder().setCount(set.size())
                    .setNeighbours(buffer.ints(set.vertices(), 0, set.size()));
            if (request.getWithParents()) {
                out.setParents(buffer.ints(set.parents(), 0, set.size()));
            }
            return out;
        } finally {
            set.clear();
        }
    }

    /**
     * A hop the gateway reads as a set (no parents, bitmaps read): one bit per vertex met, no
     * order or parents kept, answered as a bitmap when that is the smaller.
     */
    private ExpandReply.Builder distinct(ResidentGraph graph, ExpandRequest request, java.nio.IntBuffer vertices, int count,
                                         boolean[] notHeld, ReplyBuffer buffer) {
        VertexBits set = bitSets.get();
        int universe = graph.partitioning().numVertices();
        if (set == null || set.universe() != universe) {
            set = new VertexBits(universe);
            bitSets.set(set);
        }
        set.clear();
        try {
            Holdings holdings = graph.holdings();
            Expansion.expand(graph, holdings, vertices, count, request.getDirection(), set, notHeld);
            int size = set.size();
            ExpandReply.Builder out = ExpandReply.newBuilder().setCount(size);
            boolean bits = asBits(size, universe);
            int[] ids = null;
            if (!bits || request.getAlsoNext()) {
                ids = buffer.ids(size);
                set.toArray(ids);
            }
            out = bits ? out.setNeighbourBits(buffer.longs(set.bits(), 0, set.wordCount()))
                    : out.setNeighbours(buffer.ints(ids, 0, size));
            if (request.getAlsoNext()) {
                // Counted only when every vertex asked was expanded here: then this set and the request are the whole hop.
                Counted counted = request.getCountNext() && !any(notHeld) ? new Counted(set, vertices, count) : null;
                next(graph, holdings.only(request.getNextPartitionsCount(), request::getNextPartitions),
                        request.getDirection(), ids, size, out, buffer, counted);
            }
            return out;
        } finally {
            set.clear();
        }
    }

    /** The hop's expanded vertices and their neighbours (as a set), when the next hop may be answered as a count ({@code count_next}). */
    private record Counted(VertexBits neighbours, java.nio.IntBuffer vertices, int count) {
    }

    private static boolean any(boolean[] flags) {
        for (boolean f : flags) {
            if (f) {
                return true;
            }
        }
        return false;
    }

    /**
     * The next hop from {@code frontier[0..size)} as far as {@code holdings} go ({@code also_next, next_partitions}), into
     * {@code out}: counted, not listed, when {@code counted} is given and no neighbour was left unexpanded.
     */
    private void next(ResidentGraph graph, Holdings holdings, io.graphagent.protocol.v1.Direction direction, int[] frontier,
                      int size, ExpandReply.Builder out, ReplyBuffer buffer, Counted counted) {
        VertexBits set = nextSets.get();
        int universe = graph.partitioning().numVertices();
        if (set == null || set.universe() != universe) {
            set = new VertexBits(universe);
            nextSets.set(set);
        }
        set.clear();
        try {
            int[] unexpanded = buffer.unexpanded(size);
            int left = Expansion.expandHeld(graph, holdings, frontier, size, direction, set, unexpanded);
            int nextSize = set.size();
            out.setNextCount(nextSize).setUnexpandedCount(left).setUnexpanded(buffer.ints(unexpanded, 0, left));
            if (counted != null && left == 0) {
                int known = Expansion.alsoIn(set, frontier, size, counted.neighbours(), counted.vertices(), counted.count());
                out.setNextCounted(true).setNextFresh(nextSize - known);
            } else if (asBits(nextSize, universe)) {
                out.setNextNeighbourBits(buffer.longs(set.bits(), 0, set.wordCount()));
            } else {
                // The unexpanded vertices are packed already: their array takes the next hop's ids.
                int[] ids = buffer.unexpanded(nextSize);
                set.toArray(ids);
                out.setNextNeighbours(buffer.ints(ids, 0, nextSize));
            }
        } finally {
            set.clear();
        }
    }

    /** Whether {@code count} neighbours go as a bitmap of the graph's vertices: when it is smaller than 4 bytes each. */
    static boolean asBits(int count, int universe) {
        return (long) count * Integer.SIZE > universe;
    }

    @Override
    public void lookup(LookupRequest request, StreamObserver<LookupReply> reply) {
        ResidentGraph graph = held(request.getGraph(), request.getGeneration(), reply);
        if (graph == null || !admitted(reply)) {
            return;
        }
        if (!workers.tryRun(new Call<>(lookupWork, graph, request, reply))) {
            busy(reply);
        }
    }

    private LookupReply lookup(ResidentGraph graph, LookupRequest request) {
        int p = request.getPartition();
        GraphShare share = graph.holdings().shareOf(p);
        if (share == null) {
            throw new NotHeldException("agent " + agentId.get() + " holds no replica of partition " + p + " of graph "
                    + graph.name());
        }
        IdsOfPartition ids = new IdsOfPartition(graph, share, p);
        LookupReply.Builder out = LookupReply.newBuilder();
        if (request.getToOriginal()) {
            int count = checkedCount(request.getCount(), request.getIds().size(), Integer.BYTES);
            int[] dense = new int[count];
            PackedArrays.unpackInts(request.getIds(), count, dense);
            long[] originals = new long[count];
            for (int i = 0; i < count; i++) {
                originals[i] = ids.originalOf(dense[i]);
            }
            out.setIds(PackedArrays.packLongs(originals, 0, count));
        } else {
            int count = checkedCount(request.getCount(), request.getIds().size(), Long.BYTES);
            long[] originals = new long[count];
            PackedArrays.unpackLongs(request.getIds(), count, originals);
            int[] dense = new int[count];
            int[] outDegrees = new int[count];
            int[] inDegrees = new int[count];
            for (int i = 0; i < count; i++) {
                dense[i] = ids.denseOf(originals[i]);
                if (dense[i] >= 0) {
                    outDegrees[i] = ids.outDegree(dense[i]);
                    inDegrees[i] = ids.inDegree(dense[i]);
                }
            }
            out.setIds(PackedArrays.packInts(dense, 0, count)).setOutDegrees(PackedArrays.packInts(outDegrees, 0, count))
                    .setInDegrees(PackedArrays.packInts(inDegrees, 0, count));
        }
        return out.setLoad(workers.load()).build();
    }

    @Override
    public void fetchPartition(FetchPartitionRequest request, StreamObserver<PartitionChunk> reply) {
        ResidentGraph graph = held(request.getGraph(), request.getGeneration(), reply);
        if (graph == null) {
            return;
        }
        GraphShare share = graph.holdings().shareOf(request.getPartition());
        if (share == null) {
            reply.onError(Status.NOT_FOUND.withDescription("agent " + agentId.get() + " holds no replica of partition "
                    + request.getPartition() + " of graph " + graph.name()).asRuntimeException());
            return;
        }
        PartitionStream.serve(share, request.getPartition(), (ServerCallStreamObserver<PartitionChunk>) reply);
    }

    /** The graph at the request's generation, or null after answering FAILED_PRECONDITION. */
    private ResidentGraph held(String name, long generation, StreamObserver<?> reply) {
        ResidentGraph graph = store.find(name, generation);
        if (graph == null) {
            ResidentGraph other = store.find(name);
            reply.onError(Status.FAILED_PRECONDITION.withDescription("agent " + agentId.get() + " holds no graph " + name
                    + " at generation " + generation + (other == null ? "" : " (it holds generation " + other.generation() + ")"))
                    .asRuntimeException());
        }
        return graph;
    }

    /** Whether the caller still waits: a request whose deadline passed in the queue is not worked on. */
    private static boolean admitted(StreamObserver<?> reply) {
        return reply instanceof HopStream.Answer hop ? !hop.gone()
                : !(reply instanceof ServerCallStreamObserver<?> call) || !call.isCancelled();
    }

    private void busy(StreamObserver<?> reply) {
        long after = workers.retryAfterMs();
        reply.onError(Status.RESOURCE_EXHAUSTED.withDescription("busy: agent " + agentId.get() + " has "
                + workers.inFlight() + " requests in flight (query.agent-max-in-flight " + workers.maxInFlight()
                + "), retry after " + after + " ms").asRuntimeException());
    }

    /** One kind of request's work: its reply from the graph and the request. */
    @FunctionalInterface
    private interface Work<Q, R> {
        R on(ResidentGraph graph, Q request);
    }

    /** A request's work on a query thread: one object per request (timed by the workers in place), answered through {@link #answer}. */
    private final class Call<Q, R> extends QueryWorkers.Task implements Supplier<R> {
        private final Work<Q, R> work;
        private final ResidentGraph graph;
        private final Q request;
        private final StreamObserver<R> reply;

        Call(Work<Q, R> work, ResidentGraph graph, Q request, StreamObserver<R> reply) {
            this.work = work;
            this.graph = graph;
            this.request = request;
            this.reply = reply;
        }

        @Override
        public void run() {
            answer(reply, this);
        }

        @Override
        public R get() {
            return work.on(graph, request);
        }
    }

    private <T> void answer(StreamObserver<T> reply, Supplier<T> work) {
        if (!admitted(reply)) {
            return;
        }
        T value;
        try {
            value = work.get();
        } catch (NotHeldException e) {
            reply.onError(Status.FAILED_PRECONDITION.withDescription(e.getMessage()).asRuntimeException());
            return;
        } catch (IllegalArgumentException e) {
            reply.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
            return;
        } catch (RuntimeException e) {
            log.warn("event=query_request_failed detail=\"{}\"", e.toString(), e);
            reply.onError(Status.INTERNAL.withDescription("agent " + agentId.get() + ": " + e).asRuntimeException());
            return;
        }
        try {
            reply.onNext(value);
            reply.onCompleted();
        } catch (RuntimeException e) {
            // The caller went away (deadline, cancel) while this ran: nothing to answer.
            log.debug("event=query_reply_dropped detail=\"{}\"", e.toString());
        }
    }

    private static int checkedCount(int count, int bytes, int width) {
        if (count < 0 || count > MAX_IDS || (long) count * width != bytes) {
            throw new IllegalArgumentException("count " + count + " does not match " + bytes + " bytes of " + width
                    + "-byte ids (at most " + MAX_IDS + ")");
        }
        return count;
    }

    /** A partition the request names and this agent does not hold. */
    private static final class NotHeldException extends RuntimeException {
        NotHeldException(String message) {
            super(message, null, false, false);
        }
    }
}
