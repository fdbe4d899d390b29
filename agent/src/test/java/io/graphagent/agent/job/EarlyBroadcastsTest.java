package io.graphagent.agent.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.graphagent.agent.dataplane.BatchTarget;
import io.graphagent.agent.dataplane.DataPlaneService;
import io.graphagent.agent.dataplane.PeerSender;
import io.graphagent.api.VertexProgram;
import io.graphagent.graph.csr.Graph;
import io.graphagent.graph.kernels.Algorithm;
import io.graphagent.graph.kernels.KernelParameters;
import io.graphagent.graph.kernels.Kernels;
import io.graphagent.graph.partition.Partitioning;
import io.graphagent.graph.partition.ShareBuilder;
import io.graphagent.graph.pregel.PartitionRunner;
import io.graphagent.net.cause.CauseCounter;
import io.graphagent.net.time.Ticker;
import io.graphagent.net.tls.Channels;
import io.graphagent.net.tls.HostAndPort;
import io.graphagent.net.tls.NetworkThreads;
import io.graphagent.net.tls.Servers;
import io.graphagent.net.tls.TransportSecurity;
import io.graphagent.protocol.v1.BatchAck;
import io.graphagent.protocol.v1.BatchKind;
import io.graphagent.protocol.v1.BatchRefusal;
import io.graphagent.protocol.v1.MessageBatch;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A superstep's broadcasts offered partition by partition as they are computed: nothing goes
 * before this agent's broadcasts make the pull certain; then the waiting partitions and every
 * later one go at once, over a real data-plane stream on 127.0.0.1 that the exchange closes.
 */
class EarlyBroadcastsTest {
    private static final int PARTITIONS = 4;
    /** Edge slots of the sending agent: the pull is certain from 16 x 7 >= 100 broadcast edges on. */
    private static final long EDGE_SLOTS = 100;

    private final ExecutorService pool = Executors.newFixedThreadPool(2);
    private NetworkThreads threads;
    private Server server;
    private ManagedChannel channel;
    /** Source partitions of the batches the peer filed, in arrival order. */
    private final List<Integer> filed = new CopyOnWriteArrayList<>();
    private final AtomicInteger sendersDone = new AtomicInteger();
    private PartitionRunner runner;

    @BeforeEach
    void start() throws Exception {
        threads = NetworkThreads.start("early-test", 1);
        BatchTarget peer = new BatchTarget() {
            @Override
            public BatchRefusal accept(MessageBatch batch) {
                filed.add(batch.getSourcePartition());
                return BatchRefusal.BATCH_REFUSAL_NONE;
            }

            @Override
            public void senderDone(String sender, int superstep) {
                sendersDone.incrementAndGet();
            }
        };
        server = Servers.forAddress(new InetSocketAddress("127.0.0.1", 0), TransportSecurity.insecure(), Duration.ofSeconds(5),
                        new CauseCounter(), threads)
                .addService(new DataPlaneService(job -> peer))
                .build().start();
        channel = Channels.client(new HostAndPort("127.0.0.1", server.getPort()), TransportSecurity.insecure(),
                Channels.ClientTimeouts.TEST, threads);
        Graph graph = ring(400);
        VertexProgram pageRank = Kernels.create(Algorithm.PAGERANK, graph, new KernelParameters(0, 5, 0.85)).program();
        runner = new PartitionRunner(ShareBuilder.of(graph, Partitioning.balanced(graph, PARTITIONS), new int[] {0, 1, 2, 3}),
                pageRank, pool);
        runner.compute(0, new double[pageRank.shape().aggregatorCount()]);
    }

    @AfterEach
    void stop() throws Exception {
        channel.shutdownNow();
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        threads.close();
        pool.shutdownNow();
    }

    @Test
    void partitionsWaitUntilThePullIsCertainThenGoAsTheyAreComputed() throws Exception {
        EarlyBroadcasts early = early();

        early.computed(2, 3);
        early.computed(0, 3);
        assertThat(early.sent()).as("3 + 3 broadcast edges of 100 slots: the pull is not certain").isFalse();
        early.computed(3, 1);
        assertThat(early.sent()).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> filed.size() == 3);
        assertThat(filed).containsExactly(2, 0, 3);

        early.computed(1, 0);
        BatchAck ack = early.feed().finish(deadline(), () -> false).get(0);

        assertThat(filed).containsExactly(2, 0, 3, 1);
        assertThat(ack.getBatches()).isEqualTo(PARTITIONS);
        assertThat(sendersDone.get()).isEqualTo(1);
        assertThat(early.streams()).hasSize(2).allSatisfy(s -> assertThat(s.hasNext()).isFalse());
        assertThat(early.failure()).isNull();
    }

    @Test
    void closedAfterComputeTheStreamsAreAcknowledgedBeforeAnyExchangeAsksAndTheExchangeOnlyReadsTheAck() throws Exception {
        EarlyBroadcasts early = early();
        early.computedAll(new int[] {0, 1, 2, 3}, 7);

        early.close(List.of(outbox()));

        assertThat(early.closed()).isTrue();
        await("the peer hears the sender is done, with no exchange yet").atMost(Duration.ofSeconds(10))
                .until(() -> sendersDone.get() == 1);
        BatchAck ack = early.feed().finish(deadline(), () -> false).get(0);
        assertThat(ack.getBatches()).isEqualTo(PARTITIONS);
        assertThat(filed).containsExactly(0, 1, 2, 3);
        assertThat(sendersDone.get()).as("closed once").isEqualTo(1);
        assertThat(early.streams()).hasSize(2);
    }

    @Test
    void broadcastsNotSentAreNotClosedEither() {
        EarlyBroadcasts early = early();
        early.computed(0, 1);

        early.close(List.of(outbox()));

        assertThat(early.closed()).isFalse();
        assertThat(early.feed()).as("no stream opened").isNull();
        assertThat(sendersDone.get()).isZero();
    }

    @Test
    void broadcastsThatNeverMakeThePullCertainAreNotSent() {
        EarlyBroadcasts early = early();

        early.computed(0, 1);
        early.computed(1, 1);
        early.computedAll(new int[] {0, 1, 2, 3}, 6);

        assertThat(early.sent()).isFalse();
        assertThat(early.feed()).as("no stream opened").isNull();
        assertThat(filed).isEmpty();
    }

    @Test
    void allPartitionsGoAtOnceAfterComputeWhenTheTotalMakesThePullCertain() throws Exception {
        EarlyBroadcasts early = early();

        early.computedAll(new int[] {0, 1, 2, 3}, 7);
        early.feed().finish(deadline(), () -> false);

        assertThat(filed).containsExactly(0, 1, 2, 3);
        assertThat(sendersDone.get()).isEqualTo(1);
    }

    @Test
    void aCancelledOfferSendsNothingMoreAndThePeerNeverHearsTheSenderIsDone() throws Exception {
        EarlyBroadcasts early = early();
        early.computed(0, 7);
        await().atMost(Duration.ofSeconds(10)).until(() -> filed.size() == 1);

        early.cancel("rolled back");
        early.computed(1, 7);

        assertThat(early.sent()).isFalse();
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> filed.size() == 1);
        assertThat(sendersDone.get()).isZero();
    }

    private EarlyBroadcasts early() {
        MessageBatch header = MessageBatch.newBuilder().setJobId("job").setSenderAgent("agent-1").setSuperstep(0)
                .setKind(BatchKind.MESSAGES).build();
        PeerSender peer = new PeerSender("agent-2", channel, Duration.ofSeconds(60));
        return new EarlyBroadcasts(0, List.of(peer), EDGE_SLOTS, deadline(), Ticker.system(), () -> false,
                partitions -> List.of(new BatchStream(header, runner, partitions, new int[0], false, true, true, true,
                        p -> null, null, nanos -> { }, Ticker.system())));
    }

    /** The superstep's outbox to the peer (it holds none of the peer's partitions here: nothing to send). */
    private BatchStream outbox() {
        MessageBatch header = MessageBatch.newBuilder().setJobId("job").setSenderAgent("agent-1").setSuperstep(0)
                .setKind(BatchKind.MESSAGES).build();
        return new BatchStream(header, runner, new int[] {0, 1, 2, 3}, new int[0], true, false, false, false, p -> null,
                null, nanos -> { }, Ticker.system());
    }

    private static long deadline() {
        return System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    }

    /** A directed ring 0 -> 1 -> ... -> n-1 -> 0: every vertex broadcasts in PageRank. */
    static Graph ring(int n) {
        int[] offsets = new int[n + 1];
        Arrays.setAll(offsets, i -> i);
        int[] targets = new int[n];
        int[] sources = new int[n];
        for (int v = 0; v < n; v++) {
            targets[v] = (v + 1) % n;
            sources[(v + 1) % n] = v;
        }
        long[] ids = new long[n];
        Arrays.setAll(ids, i -> i);
        return new Graph(true, ids, offsets, targets, null, offsets.clone(), sources, null, n);
    }
}
