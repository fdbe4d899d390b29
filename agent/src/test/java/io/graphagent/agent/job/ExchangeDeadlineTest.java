package io.graphagent.agent.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.graphagent.agent.dataplane.BatchTarget;
import io.graphagent.agent.dataplane.DataPlaneService;
import io.graphagent.agent.dataplane.PeerSender;
import io.graphagent.graph.csr.Graph;
import io.graphagent.graph.kernels.Algorithm;
import io.graphagent.graph.kernels.Kernel;
import io.graphagent.graph.kernels.KernelParameters;
import io.graphagent.graph.kernels.Kernels;
import io.graphagent.graph.partition.GraphShare;
import io.graphagent.graph.partition.Partitioning;
import io.graphagent.graph.partition.ShareBuilder;
import io.graphagent.graph.pregel.PartitionRunner;
import io.graphagent.net.testing.FakeTicker;
import io.graphagent.net.testing.LoopbackGrpcServer;
import io.graphagent.protocol.v1.BatchRefusal;
import io.graphagent.protocol.v1.Exchange;
import io.graphagent.protocol.v1.MessageBatch;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An exchange whose peer takes this agent's batches but never sends its own ends at the
 * exchange's deadline, read on the agent's injected ticker: a fake ticker moved past it ends
 * the wait, naming the silent peer, although real time stays far below the timeout.
 */
class ExchangeDeadlineTest {
    private static final Duration TIMEOUT = Duration.ofMinutes(5);

    private final ExecutorService pool = Executors.newFixedThreadPool(2);
    private final FakeTicker ticker = new FakeTicker();
    /** Streams of this agent the peer has taken whole (it acknowledges each). */
    private final AtomicInteger peerTookAll = new AtomicInteger();
    @RegisterExtension
    final LoopbackGrpcServer peerServer = new LoopbackGrpcServer();
    private ManagedChannel channel;

    @AfterEach
    void stop() {
        channel.shutdownNow();
        pool.shutdownNow();
    }

    @Test
    void anExchangeWhosePeerNeverSendsEndsWhenTheTickerPassesTheTimeout() throws Exception {
        AgentJob job = jobWithSilentPeer();
        CompletableFuture<Throwable> outcome = CompletableFuture.supplyAsync(() -> {
            try {
                job.exchange(Exchange.newBuilder().setSuperstep(0).build());
                return null;
            } catch (ExchangeFailedException e) {
                return e;
            }
        }, pool);
        await().atMost(Duration.ofSeconds(10)).until(() -> peerTookAll.get() == 1);

        ticker.advance(TIMEOUT.minusSeconds(1));
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> !outcome.isDone());
        ticker.advance(Duration.ofSeconds(2));

        Throwable failed = outcome.orTimeout(5, TimeUnit.SECONDS).join();
        assertThat(failed).isInstanceOf(ExchangeFailedException.class)
                .hasMessageContaining("no batches from [agent-2] for superstep 0")
                .hasCauseInstanceOf(TimeoutException.class);
        assertThat(((ExchangeFailedException) failed).peer).isEqualTo("agent-2");
    }

    /** agent-1 owns partition 0 of a ring; agent-2 (partition 1) acknowledges agent-1's batches and sends none. */
    private AgentJob jobWithSilentPeer() throws Exception {
        BatchTarget silentPeer = new BatchTarget() {
            @Override
            public BatchRefusal accept(MessageBatch batch) {
                return BatchRefusal.BATCH_REFUSAL_NONE;
            }

            @Override
            public void senderDone(String sender, int superstep) {
                peerTookAll.incrementAndGet();
            }
        };
        channel = NettyChannelBuilder.forTarget(peerServer.start(new DataPlaneService(id -> silentPeer))).usePlaintext()
                .build();
        Graph graph = EarlyBroadcastsTest.ring(40);
        Kernel kernel = Kernels.create(Algorithm.PAGERANK, graph, new KernelParameters(0, 5, 0.85));
        GraphShare share = ShareBuilder.of(graph, Partitioning.balanced(graph, 2), new int[] {0});
        PartitionRunner runner = new PartitionRunner(share, kernel.program(), pool);
        runner.compute(0, new double[kernel.shape().aggregatorCount()]);
        PeerSender peer = new PeerSender("agent-2", channel, Duration.ofSeconds(60));
        return new AgentJob("job", "agent-1", share, kernel, new OutputLabels(share), runner, new int[] {0},
                Map.of("agent-2", new int[] {1}), Map.of("agent-2", peer), new String[] {"agent-1", "agent-2"}, TIMEOUT, 1,
                ticker);
    }
}
