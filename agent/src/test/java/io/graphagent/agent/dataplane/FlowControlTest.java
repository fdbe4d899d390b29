package io.graphagent.agent.dataplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.graphagent.net.testing.FakeTicker;
import io.graphagent.net.time.Ticker;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.graphagent.net.cause.CauseCounter;
import io.graphagent.net.tls.Channels;
import io.graphagent.net.tls.HostAndPort;
import io.graphagent.net.tls.NetworkThreads;
import io.graphagent.net.tls.Servers;
import io.graphagent.net.tls.TransportSecurity;
import io.graphagent.protocol.v1.BatchAck;
import io.graphagent.protocol.v1.BatchRefusal;
import io.graphagent.protocol.v1.MessageBatch;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A receiver that files batches slowly holds its sender back: the feed produces batches
 * only as the transport takes them, so neither side buffers a superstep's worth of data. One
 * that never acknowledges ends the exchange at its deadline, read on the feed's injected ticker.
 */
class FlowControlTest {
    private static final int BATCH_BYTES = 768 * 1024;
    private static final int BATCHES = 200;

    private NetworkThreads threads;
    private Server server;
    private ManagedChannel channel;
    private final Semaphore permits = new Semaphore(0);
    private final AtomicInteger filed = new AtomicInteger();
    private final AtomicInteger done = new AtomicInteger();

    @BeforeEach
    void start() throws Exception {
        threads = NetworkThreads.start("flow-test", 1);
        BatchTarget slow = new BatchTarget() {
            @Override
            public BatchRefusal accept(MessageBatch batch) {
                permits.acquireUninterruptibly();
                filed.incrementAndGet();
                return BatchRefusal.BATCH_REFUSAL_NONE;
            }

            @Override
            public void senderDone(String sender, int superstep) {
                done.incrementAndGet();
            }
        };
        server = Servers.forAddress(new InetSocketAddress("127.0.0.1", 0), TransportSecurity.insecure(), Duration.ofSeconds(5),
                        new CauseCounter(), threads)
                .addService(new DataPlaneService(job -> slow))
                .maxInboundMessageSize(8 << 20)
                .build().start();
        channel = Channels.client(new HostAndPort("127.0.0.1", server.getPort()), TransportSecurity.insecure(),
                Channels.ClientTimeouts.TEST, threads);
    }

    @AfterEach
    void stop() throws Exception {
        permits.release(BATCHES * 2);
        channel.shutdownNow();
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        threads.close();
    }

    @Test
    void aSlowReceiverHoldsTheSenderBack() throws Exception {
        AtomicInteger produced = new AtomicInteger();
        ByteString targets = ByteString.copyFrom(new byte[BATCH_BYTES / 3]);
        ByteString values = ByteString.copyFrom(new byte[2 * BATCH_BYTES / 3]);
        Iterator<MessageBatch> batches = new Iterator<>() {
            @Override
            public boolean hasNext() {
                return produced.get() < BATCHES;
            }

            @Override
            public MessageBatch next() {
                int seq = produced.getAndIncrement();
                return MessageBatch.newBuilder().setJobId("job").setSenderAgent("agent-1").setSuperstep(0).setBatchSeq(seq)
                        .setTargets(targets).setValues(values).setCount(0).build();
            }
        };
        PeerSender sender = new PeerSender("agent-2", channel, Duration.ofSeconds(60));
        CompletableFuture<BatchAck> ack = CompletableFuture.supplyAsync(() -> {
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                BatchFeed<MessageBatch> feed = BatchFeed.messages(List.of(sender), Ticker.system());
                feed.send(List.of(batches), deadline, () -> false);
                return feed.finish(deadline, () -> false).get(0);
            } catch (BatchFeed.FeedFailedException e) {
                throw new IllegalStateException(e);
            }
        });

        permits.release(2);
        await().atMost(Duration.ofSeconds(10)).until(() -> filed.get() == 2);
        // The receiver is stuck at batch 3: the sender must stop within a few HTTP/2 windows,
        // far from all 200 batches (150 MiB).
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> produced.get() < 20);

        permits.release(BATCHES);
        BatchAck result = ack.get(60, TimeUnit.SECONDS);
        assertThat(produced.get()).isEqualTo(BATCHES);
        assertThat(filed.get()).isEqualTo(BATCHES);
        assertThat(result.getBatches()).isEqualTo(BATCHES);
        assertThat(done.get()).isEqualTo(1);
    }

    @Test
    void aReceiverThatNeverAcksEndsTheExchangeWhenTheTickerPassesItsDeadline() {
        FakeTicker ticker = new FakeTicker();
        Duration timeout = Duration.ofSeconds(60);
        long deadline = ticker.nanos() + timeout.toNanos();
        MessageBatch only = MessageBatch.newBuilder().setJobId("job").setSenderAgent("agent-1").setSuperstep(0).build();
        PeerSender sender = new PeerSender("agent-2", channel, Duration.ofSeconds(60));
        // The receiver takes the batch and is stuck filing it (no permit): it never acknowledges.
        CompletableFuture<Throwable> outcome = CompletableFuture.supplyAsync(() -> {
            try {
                BatchFeed<MessageBatch> feed = BatchFeed.messages(List.of(sender), ticker);
                feed.send(List.of(List.of(only).iterator()), deadline, () -> false);
                feed.finish(deadline, () -> false);
                return null;
            } catch (BatchFeed.FeedFailedException e) {
                return e;
            }
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> permits.hasQueuedThreads());

        ticker.advance(timeout.minusSeconds(1));
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> !outcome.isDone());
        ticker.advance(Duration.ofSeconds(2));

        Throwable failed = outcome.orTimeout(5, TimeUnit.SECONDS).join();
        assertThat(failed).isInstanceOf(BatchFeed.FeedFailedException.class)
                .hasMessageContaining("no ack from agent-2 before the exchange deadline");
        assertThat(((BatchFeed.FeedFailedException) failed).peer()).isEqualTo("agent-2");
    }
}
