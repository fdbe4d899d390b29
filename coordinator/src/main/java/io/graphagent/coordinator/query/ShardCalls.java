package io.graphagent.coordinator.query;

import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import io.graphagent.coordinator.resident.GraphView;
import io.graphagent.protocol.v1.Direction;
import io.graphagent.protocol.v1.ExpandReply;
import io.graphagent.protocol.v1.ExpandRequest;
import io.graphagent.protocol.v1.LookupReply;
import io.graphagent.protocol.v1.LookupRequest;
import io.graphagent.protocol.v1.ShardGrpc;
import io.grpc.CallOptions;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ExecutionException;

/**
 * The gateway's requests to agents, each routed ({@link Router}) to a live replica of its
 * partition and retried on another replica when it fails ({@link CallFailures}): the agent went
 * away (UNAVAILABLE, its session no longer ALIVE), it no longer holds the partition
 * (FAILED_PRECONDITION, or {@code not_held}), it is busy (RESOURCE_EXHAUSTED) or it did not
 * answer within its share of the deadline. A hop's vertices go out at once, one request per
 * chosen agent ({@link AgentBatches}), and are awaited together; each answer is parsed on the
 * query's thread from a pooled array ({@link ReplyPool}) and read in place ({@link HopAnswer}). Thread-safe (each call works for one query).
 */
final class ShardCalls {
    private final Router router;
    private final ShardChannels channels;
    private final Clock clock;
    private final CallFailures failures;
    private final ReplyPool replies = new ReplyPool();

    ShardCalls(Router router, ShardChannels channels, Clock clock, CallFailures.RetryCounter retries) {
        this.router = router;
        this.channels = channels;
        this.clock = clock;
        this.failures = new CallFailures(router, channels, retries);
    }

    /**
     * One hop: every neighbour of {@code vertices[0..count)} over {@code direction}, given to
     * {@code sink} (a neighbour reached from several vertices may come more than once).
     */
    void expand(QueryRun run, GraphView g, int[] vertices, int count, Direction direction, boolean withParents,
                HopAnswer.NeighbourSink sink) throws QueryException {
        int universe = g.partitioning().numVertices();
        hop(run, g, vertices, count, direction, withParents, false, false, answer -> answer.deliver(universe, withParents, sink));
    }

    /**
     * One hop read without parents, which the agents also take one hop further for the
     * neighbours' partitions routed to them ({@code also_next}, {@link NextHop}): the neighbours
     * go to {@code sink}, each agent's answer to {@code carried} for the next hop
     * ({@link HopAnswer#unexpanded}, {@link HopAnswer#deliverNext}). With {@code countNext} an agent that expands
     * every neighbour answers the next hop as a count only ({@link HopAnswer#counted}).
     */
    void expandCarrying(QueryRun run, GraphView g, int[] vertices, int count, Direction direction, boolean countNext,
                        HopAnswer.NeighbourSink sink, List<HopAnswer> carried) throws QueryException {
        int universe = g.partitioning().numVertices();
        hop(run, g, vertices, count, direction, false, true, countNext, answer -> {
            answer.deliver(universe, false, sink);
            carried.add(answer);
        });
    }

    /**
     * One hop read as a set, its answers kept as they are ({@code answers}) to be merged later
     * ({@link HopAnswer#deliverInto}): the caller needs no set of its own while the agents work.
     */
    void expandKeeping(QueryRun run, GraphView g, int[] vertices, int count, Direction direction, List<HopAnswer> answers)
            throws QueryException {
        hop(run, g, vertices, count, direction, false, false, false, answers::add);
    }

    /** Takes in one agent's answer to a hop. */
    @FunctionalInterface
    private interface Delivery {
        void accept(HopAnswer answer) throws QueryException;
    }

    private void hop(QueryRun run, GraphView g, int[] vertices, int count, Direction direction, boolean withParents,
                     boolean alsoNext, boolean countNext, Delivery delivery) throws QueryException {
        PartitionGroups groups = PartitionGroups.of(g.partitioning(), vertices, count);
        ReplicaTries[] tries = new ReplicaTries[groups.partitions()];
        run.hops++;
        NextHop next = alsoNext ? new NextHop(router, g) : null;
        boolean firstRound = true;
        while (groups.left() > 0) {
            run.checkDeadline();
            AgentBatches batches = new AgentBatches();
            for (int p = 0; p < groups.partitions(); p++) {
                if (groups.pending(p)) {
                    String agent = router.route(g, p, ReplicaTries.excluded(tries[p]));
                    if (agent == null) {
                        throw ReplicaTries.exhausted(tries[p], g, p);
                    }
                    batches.add(agent, p);
                }
            }
            if (next != null && batches.count() == 1 && firstRound) {
                next.allHeldToWhenSaturated(batches.agent(0));
            }
            firstRound = false;
            @SuppressWarnings("unchecked")
            ListenableFuture<ReplyPool.Bytes>[] sent = new ListenableFuture[batches.count()];
            for (int i = 0; i < sent.length; i++) {
                String agent = batches.agent(i);
                int[] partitions = batches.partitions(i);
                int n = batches.size(i);
                ExpandRequest.Builder request = ExpandRequest.newBuilder().setGraph(g.name()).setGeneration(g.generation())
                        .setDirection(direction).setWithParents(withParents).setBitsOk(!withParents).setAlsoNext(alsoNext).setCountNext(countNext);
                for (int j = 0; j < n; j++) {
                    request.addPartitions(partitions[j]);
                }
                if (next != null) {
                    next.name(agent, request);
                }
                request.setCount(groups.count(partitions, n)).setVertices(groups.packed(partitions, n));
                sent[i] = send(run, g, agent, partitions, n, tries, request.build());
            }
            for (int i = 0; i < sent.length; i++) {
                String agent = batches.agent(i);
                int[] partitions = batches.partitions(i);
                int n = batches.size(i);
                ExpandReply reply = await(run, g, agent, partitions, n, tries, sent[i]);
                if (reply == null) {
                    continue;
                }
                delivery.accept(new HopAnswer(reply, agent, g.name()));
                if (next != null) {
                    next.answered(agent, reply);
                }
                boolean someNotHeld = reply.getNotHeldCount() > 0;
                for (int j = 0; j < n; j++) {
                    int p = partitions[j];
                    if (someNotHeld && reply.getNotHeldList().contains(p)) {
                        failures.notHeld(run, tries, p, agent);
                    } else {
                        groups.answered(p);
                    }
                }
            }
        }
    }

    private ListenableFuture<ReplyPool.Bytes> send(QueryRun run, GraphView g, String agent, int[] partitions, int n,
                                               ReplicaTries[] tries, ExpandRequest request) {
        boolean retryPossible = false;
        for (int j = 0; j < n && !retryPossible; j++) {
            retryPossible = otherReplica(g, partitions[j], agent, tries[partitions[j]]);
        }
        AgentLoad load = router.load(agent);
        load.sent();
        run.requests++;
        String address = router.addressOf(agent);
        if (address == null) {
            load.answered();
            return Futures.immediateFailedFuture(new CallFailures.NotAlive(router.leftWith(agent)));
        }
        ListenableFuture<ReplyPool.Bytes> call = ClientCalls.futureUnaryCall(channels.to(address).newCall(replies.expand,
                CallOptions.DEFAULT.withDeadline(run.attempt(retryPossible))), request);
        call.addListener(load::answered, Runnable::run);
        return call;
    }

    private boolean otherReplica(GraphView g, int p, String agent, ReplicaTries t) {
        for (String h : g.holders().get(p)) {
            if (!h.equals(agent) && router.live(h) && !ReplicaTries.excluded(t).contains(h)) {
                return true;
            }
        }
        return false;
    }

    /** The reply, or null after noting the failure against every partition sent (to be routed elsewhere). */
    private ExpandReply await(QueryRun run, GraphView g, String agent, int[] partitions, int n, ReplicaTries[] tries,
                              ListenableFuture<ReplyPool.Bytes> call) throws QueryException {
        ReplyPool.Bytes raw;
        try {
            raw = call.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            call.cancel(true);
            throw new QueryException(QueryException.Kind.UNAVAILABLE, "the gateway is stopping");
        } catch (ExecutionException e) {
            failures.failed(run, g, agent, partitions, n, tries, e.getCause());
            return null;
        }
        ExpandReply reply;
        try {
            reply = replies.parse(raw, run);
        } catch (IOException e) {
            failures.failed(run, g, agent, partitions, n, tries, Status.INTERNAL.withDescription("agent " + agent
                    + " answered an Expand reply that does not parse: " + e.getMessage()).withCause(e).asRuntimeException());
            return null;
        }
        router.load(agent).reported(reply.getLoad(), clock.millis());
        return reply;
    }

    /** A Lookup on partition {@code p}, routed and retried like a hop. */
    LookupReply lookup(QueryRun run, GraphView g, int p, LookupRequest.Builder request) throws QueryException {
        ReplicaTries[] tries = new ReplicaTries[g.partitioning().count()];
        int[] partition = {p};
        request.setGraph(g.name()).setGeneration(g.generation()).setPartition(p);
        while (true) {
            run.checkDeadline();
            String agent = router.route(g, p, ReplicaTries.excluded(tries[p]));
            if (agent == null) {
                throw ReplicaTries.exhausted(tries[p], g, p);
            }
            boolean retryPossible = otherReplica(g, p, agent, tries[p]);
            AgentLoad load = router.load(agent);
            String address = router.addressOf(agent);
            run.requests++;
            load.sent();
            try {
                if (address == null) {
                    failures.failed(run, g, agent, partition, 1, tries, new CallFailures.NotAlive(router.leftWith(agent)));
                    continue;
                }
                LookupReply reply = ShardGrpc.newBlockingStub(channels.to(address)).withDeadline(run.attempt(retryPossible))
                        .lookup(request.build());
                load.reported(reply.getLoad(), clock.millis());
                return reply;
            } catch (StatusRuntimeException e) {
                failures.failed(run, g, agent, partition, 1, tries, e);
            } finally {
                load.answered();
            }
        }
    }
}
