package io.graphagent.coordinator.query;

import com.google.common.util.concurrent.ListenableFuture;
import io.graphagent.coordinator.resident.GraphView;
import io.graphagent.graph.partition.Partitioning;
import io.graphagent.graph.traverse.VertexBits;
import io.graphagent.protocol.PackedArrays;
import io.graphagent.protocol.v1.Direction;
import io.graphagent.protocol.v1.ExpandReply;
import io.graphagent.protocol.v1.ExpandRequest;
import io.graphagent.protocol.v1.LookupReply;
import io.graphagent.protocol.v1.LookupRequest;
import io.graphagent.protocol.v1.ShardGrpc;
import io.graphagent.protocol.v1.ShardLoad;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.graphagent.net.cause.DisconnectCause;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's requests to agents, each routed ({@link Router}) to a live replica of its
 * partition and retried on another replica when it fails: the agent went away (UNAVAILABLE,
 * its session no longer ALIVE), it no longer holds the partition (FAILED_PRECONDITION, or
 * {@code not_held}), it is busy (RESOURCE_EXHAUSTED) or it did not answer within its share of
 * the deadline. A hop's vertices go out at once, one request per chosen agent, and are awaited
 * together. Thread-safe (each call works for one query).
 */
final class ShardCalls {
    private static final Logger log = LoggerFactory.getLogger(ShardCalls.class);

    /** Receives each neighbour of a hop with the vertex it was reached from. */
    @FunctionalInterface
    interface NeighbourSink {
        void accept(int neighbour, int parent) throws QueryException;
    }

    private final Router router;
    private final ShardChannels channels;
    private final Clock clock;
    private final RetryCounter retries;

    /** Counts retries by cause, for metrics. */
    @FunctionalInterface
    interface RetryCounter {
        void retried(String cause);
    }

    ShardCalls(Router router, ShardChannels channels, Clock clock, RetryCounter retries) {
        this.router = router;
        this.channels = channels;
        this.clock = clock;
        this.retries = retries;
    }

    /** Why the replicas of one partition failed so far: for the answer when none is left. */
    static final class Tries {
        /** The replicas tried and failed (empty and immutable until the first failure: most partitions have none). */
        Set<String> tried = Set.of();
        /** Each failed replica with its failure, in order. */
        Map<String, ReplicaFailure> why = Map.of();
        long busyRetryMs = -1;

        void failed(String agent, ReplicaFailure failure) {
            if (why.isEmpty()) {
                tried = new HashSet<>();
                why = new LinkedHashMap<>();
            }
            tried.add(agent);
            why.put(agent, failure);
        }

        QueryException exhausted(GraphView g, int p) {
            if (busyRetryMs >= 0 && !why.isEmpty() && why.values().stream().allMatch(ReplicaFailure::busy)) {
                return new QueryException(QueryException.Kind.BUSY, "busy: every live replica of partition " + p + " of graph "
                        + g.name() + " is at query.agent-max-in-flight (" + String.join(", ", why.keySet())
                        + "), retry after " + busyRetryMs + " ms", busyRetryMs);
            }
            StringBuilder m = new StringBuilder("partition ").append(p).append(" of graph ").append(g.name())
                    .append(" has no live replica that answered");
            if (why.isEmpty()) {
                m.append(" (none is ALIVE)");
            } else {
                m.append(": ");
                String sep = "";
                for (Map.Entry<String, ReplicaFailure> e : why.entrySet()) {
                    m.append(sep).append(e.getKey()).append(": ").append(e.getValue().describe());
                    sep = "; ";
                }
                Set<DisconnectCause> causes = new TreeSet<>();
                why.values().forEach(f -> {
                    if (f.connection() != null) {
                        causes.add(f.connection());
                    }
                });
                for (DisconnectCause c : causes) {
                    m.append(". ").append(c.label()).append(": ").append(c.explanation());
                }
            }
            return new QueryException(QueryException.Kind.UNAVAILABLE, m.append(". Fix: wait for its replicas to be"
                    + " re-created (graphagent graph list), or load the graph again").toString());
        }
    }

    /**
     * One hop: every neighbour of {@code vertices[0..count)} over {@code direction}, given to
     * {@code sink} (a neighbour reached from several vertices may come more than once).
     */
    void expand(QueryRun run, GraphView g, int[] vertices, int count, Direction direction, boolean withParents,
                NeighbourSink sink) throws QueryException {
        int universe = g.partitioning().numVertices();
        hop(run, g, vertices, count, direction, withParents, false, (reply, malformed) ->
                deliver(reply, universe, malformed, withParents, sink));
    }

    /**
     * One hop read without parents, which the agents also take one hop further for the
     * neighbours' partitions routed to them ({@code also_next}, {@link NextHop}): the neighbours go to {@code sink}, each
     * agent's answer to {@code carried} for the next hop ({@link #unexpanded}, {@link #next}).
     */
    void expandCarrying(QueryRun run, GraphView g, int[] vertices, int count, Direction direction, NeighbourSink sink,
                        List<Carried> carried) throws QueryException {
        int universe = g.partitioning().numVertices();
        hop(run, g, vertices, count, direction, false, true, (reply, malformed) -> {
            deliver(reply, universe, malformed, false, sink);
            carried.add(new Carried(reply, malformed));
        });
    }

    /**
     * An agent's answer to a hop, kept to be read later, with what a malformed one is called; for
     * a hop it took one further, also the next hop's neighbours it found and those it left.
     */
    record Carried(ExpandReply reply, String malformed) {
        /** The next hop's neighbours this agent found, as a reply of their own. */
        ExpandReply next() {
            return ExpandReply.newBuilder().setCount(reply.getNextCount()).setNeighbours(reply.getNextNeighbours())
                    .setNeighbourBits(reply.getNextNeighbourBits()).build();
        }
    }

    /** The neighbours the agents of {@code carried} did not expand: the rest of the next hop's frontier. */
    static int[] unexpanded(List<Carried> carried) throws QueryException {
        int total = 0;
        for (Carried c : carried) {
            total += c.reply().getUnexpandedCount();
        }
        int[] out = new int[total];
        int at = 0;
        for (Carried c : carried) {
            int n = c.reply().getUnexpandedCount();
            try {
                PackedArrays.intsView(c.reply().getUnexpanded(), n).get(out, at, n);
            } catch (IllegalArgumentException e) {
                throw new QueryException(QueryException.Kind.UNAVAILABLE, c.malformed() + ": " + e.getMessage());
            }
            at += n;
        }
        return out;
    }

    /**
     * One hop read as a set, its answers kept as they are ({@code answers}) to be merged later
     * ({@link #deliverInto}): the caller needs no set of its own while the agents work.
     */
    void expandKeeping(QueryRun run, GraphView g, int[] vertices, int count, Direction direction, List<Carried> answers)
            throws QueryException {
        hop(run, g, vertices, count, direction, false, false, (reply, malformed) -> answers.add(new Carried(reply, malformed)));
    }

    /** Takes in one agent's reply to a hop; {@code malformed} names a malformed one in the error. */
    @FunctionalInterface
    private interface Delivery {
        void accept(ExpandReply reply, String malformed) throws QueryException;
    }

    private void hop(QueryRun run, GraphView g, int[] vertices, int count, Direction direction, boolean withParents,
                     boolean alsoNext, Delivery delivery) throws QueryException {
        Partitioning partitioning = g.partitioning();
        Map<Integer, int[]> byPartition = group(partitioning, vertices, count);
        Map<Integer, Tries> tries = new TreeMap<>();
        run.hops++;
        NextHop next = alsoNext ? new NextHop(router, g) : null;
        while (!byPartition.isEmpty()) {
            run.checkDeadline();
            Map<String, List<Integer>> byAgent = new TreeMap<>();
            for (int p : byPartition.keySet()) {
                Tries t = tries.computeIfAbsent(p, k -> new Tries());
                String agent = router.route(g, p, t.tried);
                if (agent == null) {
                    throw t.exhausted(g, p);
                }
                byAgent.computeIfAbsent(agent, a -> new ArrayList<>()).add(p);
            }
            Map<String, ListenableFuture<ExpandReply>> sent = new LinkedHashMap<>();
            for (Map.Entry<String, List<Integer>> e : byAgent.entrySet()) {
                ExpandRequest.Builder request = ExpandRequest.newBuilder().setGraph(g.name()).setGeneration(g.generation())
                        .setDirection(direction).setWithParents(withParents).setBitsOk(!withParents).setAlsoNext(alsoNext)
                        .addAllPartitions(e.getValue());
                if (next != null) {
                    next.name(e.getKey(), request);
                }
                int total = 0;
                for (int p : e.getValue()) {
                    total += byPartition.get(p).length;
                }
                int[] all = new int[total];
                int at = 0;
                for (int p : e.getValue()) {
                    int[] part = byPartition.get(p);
                    System.arraycopy(part, 0, all, at, part.length);
                    at += part.length;
                }
                request.setCount(total).setVertices(PackedArrays.packInts(all, 0, total));
                sent.put(e.getKey(), send(run, g, e.getKey(), e.getValue(), tries, request.build()));
            }
            for (Map.Entry<String, ListenableFuture<ExpandReply>> e : sent.entrySet()) {
                String agent = e.getKey();
                List<Integer> partitions = byAgent.get(agent);
                ExpandReply reply = await(run, g, agent, partitions, tries, e.getValue());
                if (reply == null) {
                    continue;
                }
                delivery.accept(reply, "agent " + agent + " answered a malformed hop of graph " + g.name());
                if (next != null) {
                    next.answered(agent, reply);
                }
                List<Integer> notHeld = reply.getNotHeldList();
                for (int p : partitions) {
                    if (!notHeld.isEmpty() && notHeld.contains(p)) {
                        tries.get(p).failed(agent, ReplicaFailure.notHeld("it does not hold the partition"));
                        run.retries++;
                        retries.retried(ReplicaFailure.NOT_HELD);
                    } else {
                        byPartition.remove(p);
                    }
                }
            }
        }
    }

    /**
     * Gives {@code sink} the neighbours of one reply: packed ids (with their parents when asked),
     * or a bitmap of {@code universe} bits (in increasing order, parent -1).
     *
     * @param malformed what a malformed reply is called in the error
     */
    static void deliver(ExpandReply reply, int universe, String malformed, boolean withParents, NeighbourSink sink)
            throws QueryException {
        int n = reply.getCount();
        try {
            if (!reply.getNeighbourBits().isEmpty()) {
                java.nio.LongBuffer words = PackedArrays.longsView(reply.getNeighbourBits(), (universe + 63) >>> 6);
                int seen = 0;
                for (int w = 0, stop = words.limit(); w < stop; w++) {
                    long word = words.get(w);
                    while (word != 0) {
                        sink.accept((w << 6) + Long.numberOfTrailingZeros(word), -1);
                        word &= word - 1;
                        seen++;
                    }
                }
                if (seen != n) {
                    throw new IllegalArgumentException("the bitmap holds " + seen + " neighbours, the count says " + n);
                }
                return;
            }
            java.nio.IntBuffer neighbours = PackedArrays.intsView(reply.getNeighbours(), n);
            java.nio.IntBuffer parents = withParents ? PackedArrays.intsView(reply.getParents(), n) : null;
            for (int i = 0; i < n; i++) {
                sink.accept(neighbours.get(i), parents == null ? -1 : parents.get(i));
            }
        } catch (IllegalArgumentException e) {
            throw new QueryException(QueryException.Kind.UNAVAILABLE, malformed + ": " + e.getMessage());
        }
    }

    /**
     * Adds the neighbours of one reply to {@code into}: a bitmap OR-ed in a word at a time, or
     * packed ids one by one.
     */
    static void deliverInto(ExpandReply reply, String malformed, VertexBits into) throws QueryException {
        int n = reply.getCount();
        try {
            if (!reply.getNeighbourBits().isEmpty()) {
                long seen = into.or(PackedArrays.longsView(reply.getNeighbourBits(), into.wordCount()));
                if (seen != n) {
                    throw new IllegalArgumentException("the bitmap holds " + seen + " neighbours, the count says " + n);
                }
                return;
            }
            java.nio.IntBuffer neighbours = PackedArrays.intsView(reply.getNeighbours(), n);
            for (int i = 0; i < n; i++) {
                into.add(neighbours.get(i));
            }
        } catch (IllegalArgumentException e) {
            throw new QueryException(QueryException.Kind.UNAVAILABLE, malformed + ": " + e.getMessage());
        }
    }

    private ListenableFuture<ExpandReply> send(QueryRun run, GraphView g, String agent, List<Integer> partitions,
                                               Map<Integer, Tries> tries, ExpandRequest request) {
        boolean retryPossible = partitions.stream().anyMatch(p -> otherReplica(g, p, agent, tries.get(p)));
        AgentLoad load = router.load(agent);
        load.sent();
        run.requests++;
        String address = router.addressOf(agent);
        if (address == null) {
            load.answered();
            return com.google.common.util.concurrent.Futures.immediateFailedFuture(new NotAlive(router.leftWith(agent)));
        }
        ListenableFuture<ExpandReply> call = ShardGrpc.newFutureStub(channels.to(address))
                .withDeadline(run.attempt(retryPossible)).expand(request);
        call.addListener(load::answered, Runnable::run);
        return call;
    }

    private boolean otherReplica(GraphView g, int p, String agent, Tries t) {
        for (String h : g.holders().get(p)) {
            if (!h.equals(agent) && router.live(h) && !t.tried.contains(h)) {
                return true;
            }
        }
        return false;
    }

    /** The reply, or null after noting the failure against every partition sent (to be routed elsewhere). */
    private ExpandReply await(QueryRun run, GraphView g, String agent, List<Integer> partitions, Map<Integer, Tries> tries,
                              ListenableFuture<ExpandReply> call) throws QueryException {
        try {
            ExpandReply reply = call.get();
            router.load(agent).reported(reply.getLoad(), clock.millis());
            return reply;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            call.cancel(true);
            throw new QueryException(QueryException.Kind.UNAVAILABLE, "the gateway is stopping");
        } catch (ExecutionException e) {
            failed(run, g, agent, partitions, tries, e.getCause());
            return null;
        }
    }

    private void failed(QueryRun run, GraphView g, String agent, List<Integer> partitions, Map<Integer, Tries> tries,
                        Throwable cause) throws QueryException {
        if (cause instanceof NotAlive notAlive) {
            retry(run, g, agent, partitions, tries, ReplicaFailure.notAlive(notAlive.membershipCause), -1);
            return;
        }
        Status status = Status.fromThrowable(cause);
        if (status.getCode() == Status.Code.DEADLINE_EXCEEDED && run.deadline.isExpired()) {
            throw run.expired();
        }
        if (status.getCode() == Status.Code.INVALID_ARGUMENT) {
            throw new QueryException(QueryException.Kind.BAD_REQUEST, "agent " + agent + " refused the request: "
                    + status.getDescription());
        }
        ReplicaFailure failure = ReplicaFailure.of(cause);
        if (status.getCode() == Status.Code.UNAVAILABLE) {
            String address = router.addressOf(agent);
            if (address != null) {
                channels.forget(address);
            }
        }
        retry(run, g, agent, partitions, tries, failure, failure.busy() ? retryAfterOf(status.getDescription()) : -1);
    }

    private void retry(QueryRun run, GraphView g, String agent, List<Integer> partitions, Map<Integer, Tries> tries,
                       ReplicaFailure failure, long retryAfter) {
        for (int p : partitions) {
            Tries t = tries.get(p);
            t.failed(agent, failure);
            t.busyRetryMs = Math.max(t.busyRetryMs, retryAfter);
        }
        run.retries++;
        retries.retried(failure.label());
        log.debug("event=query_retry cause={} graph={} agent={} partitions={} detail=\"{}\"", failure.label(), g.name(),
                agent, partitions, failure.detail());
    }

    /** A replica routed to whose session left ALIVE before the request went out. */
    private static final class NotAlive extends Exception {
        private static final long serialVersionUID = 1L;
        final transient String membershipCause;

        NotAlive(String membershipCause) {
            super("its session is no longer ALIVE", null, false, false);
            this.membershipCause = membershipCause;
        }
    }

    /** The "retry after N ms" of an agent's busy answer, or 10 ms. */
    static long retryAfterOf(String description) {
        if (description != null) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("retry after (\\d+) ms").matcher(description);
            if (m.find()) {
                return Long.parseLong(m.group(1));
            }
        }
        return 10;
    }

    /** A Lookup on partition {@code p}, routed and retried like a hop. */
    LookupReply lookup(QueryRun run, GraphView g, int p, LookupRequest.Builder request) throws QueryException {
        Tries t = new Tries();
        Map<Integer, Tries> tries = Map.of(p, t);
        request.setGraph(g.name()).setGeneration(g.generation()).setPartition(p);
        while (true) {
            run.checkDeadline();
            String agent = router.route(g, p, t.tried);
            if (agent == null) {
                throw t.exhausted(g, p);
            }
            boolean retryPossible = otherReplica(g, p, agent, t);
            AgentLoad load = router.load(agent);
            String address = router.addressOf(agent);
            run.requests++;
            load.sent();
            try {
                if (address == null) {
                    failed(run, g, agent, List.of(p), tries, new NotAlive(router.leftWith(agent)));
                    continue;
                }
                LookupReply reply = ShardGrpc.newBlockingStub(channels.to(address)).withDeadline(run.attempt(retryPossible))
                        .lookup(request.build());
                ShardLoad reported = reply.getLoad();
                load.reported(reported, clock.millis());
                return reply;
            } catch (StatusRuntimeException e) {
                failed(run, g, agent, List.of(p), tries, e);
            } finally {
                load.answered();
            }
        }
    }

    /** The vertices grouped by partition, each group in the order given. */
    private static Map<Integer, int[]> group(Partitioning partitioning, int[] vertices, int count) {
        int[] partitionOf = new int[count];
        int[] sizes = new int[partitioning.count()];
        for (int i = 0; i < count; i++) {
            partitionOf[i] = partitioning.partitionOf(vertices[i]);
            sizes[partitionOf[i]]++;
        }
        Map<Integer, int[]> out = new TreeMap<>();
        int[] fill = new int[partitioning.count()];
        for (int i = 0; i < count; i++) {
            int p = partitionOf[i];
            int[] group = out.computeIfAbsent(p, k -> new int[sizes[k]]);
            group[fill[p]++] = vertices[i];
        }
        return out;
    }
}
