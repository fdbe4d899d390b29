package io.graphagent.agent.job;

import io.graphagent.agent.dataplane.BatchTarget;
import io.graphagent.agent.dataplane.PeerSender;
import io.graphagent.graph.csr.CsrBuilder;
import io.graphagent.graph.csr.Graph;
import io.graphagent.graph.kernels.Algorithm;
import io.graphagent.graph.kernels.Kernel;
import io.graphagent.graph.kernels.KernelParameters;
import io.graphagent.graph.kernels.Kernels;
import io.graphagent.graph.partition.GraphShare;
import io.graphagent.graph.partition.Partitioning;
import io.graphagent.graph.partition.ShareBuilder;
import io.graphagent.graph.pregel.Delivery;
import io.graphagent.graph.pregel.PartitionRunner;
import io.graphagent.graph.pregel.SuperstepStats;
import io.graphagent.net.time.Ticker;
import io.graphagent.protocol.v1.BatchRefusal;
import io.graphagent.protocol.v1.Exchange;
import io.graphagent.protocol.v1.MessageBatch;
import io.graphagent.protocol.v1.StartSuperstep;
import io.graphagent.protocol.v1.SuperstepDone;
import io.grpc.ManagedChannel;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

/**
 * A PageRank job on a small synthetic graph split between two halves held by this one agent,
 * which exchange through the agent's own data-plane server: each half is an {@link AgentJob}
 * whose only peer is the other half, dialled over {@code self} (the agent's own data address,
 * so mutual TLS and HTTP/2 as with a real peer). The batches go the exchange's way (packing
 * during compute, early broadcasts, {@link BatchStream}, {@link io.graphagent.agent.dataplane.BatchFeed}),
 * and the data-plane service hands them back here ({@link BatchTarget}), to be checked and filed
 * into the other half's runner: a scratch area that no job sees. Its results are thrown away.
 *
 * <p>Threads: {@link #superstep} on one thread at a time; {@link #accept} and {@link #senderDone}
 * on data-plane threads; {@link #supersede} from any thread.
 */
final class LoopbackExchange implements BatchTarget {
    /** The job id its batches carry. Coordinators name jobs {@code job-N} and {@code graph-NAME}: no clash. */
    static final String JOB_ID = "~warmup";
    /** Vertices of the synthetic graph: 64 partitions of 1,024, so a partition's broadcasts are one batch of ~8 KiB. */
    static final int VERTICES = 1 << 16;
    static final int PARTITIONS = 64;
    /** Out-edges per vertex: few, so that compute stays a small part of the work. */
    static final int DEGREE = 3;
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final AgentJob left;
    private final AgentJob right;
    private final String leftId;
    private final long edgeSlots;
    private final long verticesWithOutEdges;
    private final AtomicLong filed = new AtomicLong();

    private LoopbackExchange(AgentJob left, AgentJob right, String leftId) {
        this.left = left;
        this.right = right;
        this.leftId = leftId;
        this.edgeSlots = left.edgeSlots() + right.edgeSlots();
        this.verticesWithOutEdges = left.verticesWithOutEdges() + right.verticesWithOutEdges();
    }

    /**
     * @param agentId this agent's id: the halves are named after it
     * @param self a channel to this agent's own data-plane server
     * @param supersteps how many supersteps PageRank may run (its iteration count)
     * @param compute runs both halves' compute tasks
     */
    static LoopbackExchange over(String agentId, ManagedChannel self, int supersteps, ExecutorService compute, Ticker ticker) {
        Graph graph = graph();
        Partitioning partitioning = Partitioning.balanced(graph, PARTITIONS);
        int[] even = IntStream.range(0, PARTITIONS).filter(p -> p % 2 == 0).toArray();
        int[] odd = IntStream.range(0, PARTITIONS).filter(p -> p % 2 == 1).toArray();
        String leftId = agentId + "~warmup-a";
        String rightId = agentId + "~warmup-b";
        String[] ownerOf = IntStream.range(0, PARTITIONS).mapToObj(p -> p % 2 == 0 ? leftId : rightId).toArray(String[]::new);
        AgentJob left = half(graph, partitioning, even, leftId, rightId, odd, ownerOf, self, supersteps, compute, ticker);
        AgentJob right = half(graph, partitioning, odd, rightId, leftId, even, ownerOf, self, supersteps, compute, ticker);
        return new LoopbackExchange(left, right, leftId);
    }

    private static AgentJob half(Graph graph, Partitioning partitioning, int[] owned, String id, String peerId,
                                 int[] peerOwned, String[] ownerOf, ManagedChannel self, int supersteps,
                                 ExecutorService compute, Ticker ticker) {
        GraphShare share = ShareBuilder.of(graph, partitioning, owned);
        Kernel kernel = Kernels.create(Algorithm.PAGERANK, graph, new KernelParameters(0, supersteps + 1, 0.85));
        PartitionRunner runner = new PartitionRunner(share, kernel.program(), kernel.shape(), compute);
        return new AgentJob(JOB_ID, id, share, kernel, new OutputLabels(share), runner, owned, Map.of(peerId, peerOwned),
                Map.of(peerId, new PeerSender(peerId, self, TIMEOUT)), ownerOf, TIMEOUT, 1, ticker);
    }

    /** Each vertex's out-edges go to pseudo-random vertices (a fixed LCG): most cross partitions and halves. */
    static Graph graph() {
        CsrBuilder builder = new CsrBuilder(VERTICES, true, false);
        int[] sources = new int[VERTICES * DEGREE];
        int[] targets = new int[VERTICES * DEGREE];
        long state = 0x9E3779B97F4A7C15L;
        for (int i = 0; i < sources.length; i++) {
            state = state * 6364136223846793005L + 1442695040888963407L;
            sources[i] = i / DEGREE;
            targets[i] = (int) ((state >>> 33) % VERTICES);
        }
        builder.add(sources, targets, null, sources.length);
        return builder.build(java.util.stream.LongStream.range(0, VERTICES).toArray());
    }

    /**
     * Computes superstep {@code s} on both halves, then exchanges (the right half's on {@code peer}),
     * as the coordinator would order them.
     *
     * @throws ExchangeFailedException when an exchange failed or was superseded ({@link #supersede})
     */
    void superstep(int s, ExecutorService peer) throws ExchangeFailedException, InterruptedException {
        StartSuperstep start = StartSuperstep.newBuilder().setSuperstep(s).build();
        SuperstepStats total = stats(left.compute(start)).plus(stats(right.compute(start)));
        left.sendBroadcastsEarly();
        right.sendBroadcastsEarly();
        Delivery delivery = Delivery.decide(total, edgeSlots, verticesWithOutEdges);
        Exchange exchange = Exchange.newBuilder().setSuperstep(s).setPushBroadcasts(delivery.pushBroadcasts(total))
                .setPull(delivery.pull()).setPullFromAll(delivery.pullFromAll()).setCompactBroadcasts(true)
                .setEarlyBroadcasts(true).build();
        Future<?> other = peer.submit(() -> {
            right.exchange(exchange);
            return null;
        });
        try {
            left.exchange(exchange);
            other.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ExchangeFailedException failed) {
                throw failed;
            }
            throw new IllegalStateException("loopback exchange failed: " + e.getCause(), e.getCause());
        } finally {
            other.cancel(true);
        }
    }

    private static SuperstepStats stats(SuperstepDone d) {
        return new SuperstepStats(d.getComputedVertices(), d.getActiveVertices(), d.getMessagesSent(),
                d.getBroadcastEdges(), d.getBroadcastersWithOutEdges());
    }

    /** Batches filed so far, both halves. */
    long filed() {
        return filed.get();
    }

    /** Ends a running exchange at once, and cancels early broadcasts in flight. */
    void supersede() {
        left.supersede();
        right.supersede();
    }

    /** Cancels what a half may still have in flight (job thread). */
    void close(String why) {
        left.closeEarly(why);
        right.closeEarly(why);
    }

    @Override
    public BatchRefusal accept(MessageBatch batch) {
        BatchRefusal refusal = receiverOf(batch.getSenderAgent()).accept(batch);
        if (refusal == BatchRefusal.BATCH_REFUSAL_NONE) {
            filed.incrementAndGet();
        }
        return refusal;
    }

    @Override
    public void senderDone(String sender, int superstep) {
        receiverOf(sender).senderDone(sender, superstep);
    }

    private AgentJob receiverOf(String sender) {
        return sender.equals(leftId) ? right : left;
    }
}
