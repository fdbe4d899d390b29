package io.graphagent.agent.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import io.graphagent.net.cause.CauseCounter;
import io.graphagent.net.tls.Channels;
import io.graphagent.net.tls.HostAndPort;
import io.graphagent.net.tls.NetworkThreads;
import io.graphagent.net.tls.Servers;
import io.graphagent.net.tls.TransportSecurity;
import io.graphagent.protocol.v1.BatchAck;
import io.graphagent.protocol.v1.BatchRefusal;
import io.graphagent.protocol.v1.DataPlaneGrpc;
import io.graphagent.protocol.v1.EdgeBatch;
import io.graphagent.protocol.v1.MessageBatch;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A batch whose filing runs out of heap on the data plane's network thread: the stream is
 * refused with the cause and the fix, a load is told to let go of what it took in, and the
 * network thread lives on (the next stream is served).
 */
class HeapOnNetworkThreadTest {
    private NetworkThreads threads;
    private Server server;
    private ManagedChannel channel;
    /** Whether filing throws as a full heap would. */
    private volatile boolean full = true;
    private final List<String> outOfHeap = new CopyOnWriteArrayList<>();
    private final List<String> done = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        threads = NetworkThreads.start("heap-test", 1);
        EdgeTarget load = new EdgeTarget() {
            @Override
            public BatchRefusal accept(EdgeBatch batch) {
                if (full) {
                    throw new OutOfMemoryError("Java heap space");
                }
                return BatchRefusal.BATCH_REFUSAL_NONE;
            }

            @Override
            public void senderDone(String sender) {
                done.add(sender);
            }

            @Override
            public void outOfHeap(String why) {
                outOfHeap.add(why);
            }
        };
        BatchTarget job = new BatchTarget() {
            @Override
            public BatchRefusal accept(MessageBatch batch) {
                throw new OutOfMemoryError("Java heap space");
            }

            @Override
            public void senderDone(String sender, int superstep) {
                done.add(sender);
            }
        };
        Function<String, EdgeTarget> loads = id -> load;
        server = Servers.forAddress(new InetSocketAddress("127.0.0.1", 0), TransportSecurity.insecure(), Duration.ofSeconds(5),
                        new CauseCounter(), threads)
                .addService(new DataPlaneService(id -> job, null, loads, id -> null))
                .directExecutor()
                .build().start();
        channel = Channels.client(new HostAndPort("127.0.0.1", server.getPort()), TransportSecurity.insecure(),
                Channels.ClientTimeouts.TEST, threads);
    }

    @AfterEach
    void stop() throws Exception {
        channel.shutdownNow();
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        threads.close();
    }

    @Test
    void edgesThatRunOutOfHeapRefuseTheStreamDropTheLoadAndTheThreadServesTheNext() throws Exception {
        BatchAck refused = sendEdges("agent-1");

        assertThat(refused.getRefusal()).isEqualTo(BatchRefusal.UNKNOWN_JOB);
        assertThat(refused.getMessage()).contains("ran out of heap (").contains("MB maximum) filing edge batch 0 from agent-1"
                + " for job job-5").contains("Fix: give the agents more heap").contains("run more agents");
        assertThat(outOfHeap).as("the load is told, with the same cause").containsExactly(refused.getMessage());
        assertThat(done).as("a refused sender is not done").isEmpty();

        full = false;
        BatchAck next = sendEdges("agent-3");

        assertThat(next.getRefusal()).isEqualTo(BatchRefusal.BATCH_REFUSAL_NONE);
        assertThat(next.getBatches()).isEqualTo(2);
        assertThat(done).containsExactly("agent-3");
        assertThat(threads.alive()).isTrue();
    }

    @Test
    void messagesThatRunOutOfHeapRefuseTheStream() throws Exception {
        CompletableFuture<BatchAck> ack = new CompletableFuture<>();
        StreamObserver<MessageBatch> batches = DataPlaneGrpc.newStub(channel).send(observer(ack));
        batches.onNext(MessageBatch.newBuilder().setJobId("job-5").setSenderAgent("agent-1").setSuperstep(3).build());
        batches.onCompleted();
        BatchAck refused = ack.get(10, TimeUnit.SECONDS);

        assertThat(refused.getRefusal()).isEqualTo(BatchRefusal.UNKNOWN_JOB);
        assertThat(refused.getMessage()).contains("ran out of heap (").contains("filing superstep 3's messages from agent-1")
                .contains("Fix: give the agents more heap");
        assertThat(threads.alive()).isTrue();
    }

    private BatchAck sendEdges(String sender) throws Exception {
        CompletableFuture<BatchAck> ack = new CompletableFuture<>();
        StreamObserver<EdgeBatch> batches = DataPlaneGrpc.newStub(channel).sendEdges(observer(ack));
        for (int seq = 0; seq < 2; seq++) {
            batches.onNext(EdgeBatch.newBuilder().setJobId("job-5").setSenderAgent(sender).setBatchSeq(seq).build());
        }
        batches.onCompleted();
        return ack.get(10, TimeUnit.SECONDS);
    }

    private static StreamObserver<BatchAck> observer(CompletableFuture<BatchAck> ack) {
        return new StreamObserver<>() {
            @Override
            public void onNext(BatchAck value) {
                ack.complete(value);
            }

            @Override
            public void onError(Throwable t) {
                ack.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
                ack.complete(BatchAck.getDefaultInstance());
            }
        };
    }
}
