package io.graphagent.agent.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.graphagent.net.testing.FakeTicker;
import io.graphagent.protocol.v1.ExpandReply;
import io.graphagent.protocol.v1.ExpandRequest;
import io.graphagent.protocol.v1.ShardGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The agent's end of a hop stream over a real socket: answers go back with their request's id
 * in the order they are made, a refusal is an answer and not the stream's end, a request whose
 * timeout passed before a query thread took it is gone, and answers made after the gateway
 * cancelled the stream are dropped without failing the query thread.
 */
class HopStreamTest {
    private final FakeTicker ticker = new FakeTicker();
    /** Each request with its answer, as the stream hands them to the query threads. */
    private final LinkedBlockingQueue<Taken> taken = new LinkedBlockingQueue<>();
    private final Server server;
    private final ManagedChannel channel;
    private final List<ExpandReply> received = new CopyOnWriteArrayList<>();
    private volatile ClientCallStreamObserver<ExpandRequest> requests;
    private volatile Throwable ended;

    private record Taken(ExpandRequest request, StreamObserver<ExpandReply> answer) {
    }

    HopStreamTest() throws IOException {
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).directExecutor()
                .addService(new ShardGrpc.ShardImplBase() {
                    @Override
                    public StreamObserver<ExpandRequest> expandStream(StreamObserver<ExpandReply> replies) {
                        return new HopStream((ServerCallStreamObserver<ExpandReply>) replies,
                                (request, answer) -> taken.add(new Taken(request, answer)), ticker);
                    }
                }).build().start();
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
        ShardGrpc.newStub(channel).expandStream(new ClientResponseObserver<ExpandRequest, ExpandReply>() {
            @Override
            public void beforeStart(ClientCallStreamObserver<ExpandRequest> stream) {
                requests = stream;
            }

            @Override
            public void onNext(ExpandReply reply) {
                received.add(reply);
            }

            @Override
            public void onError(Throwable t) {
                ended = t;
            }

            @Override
            public void onCompleted() {
                ended = Status.OK.asRuntimeException();
            }
        });
    }

    @AfterEach
    void close() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    private Taken send(long id, long timeoutMicros) throws InterruptedException {
        requests.onNext(ExpandRequest.newBuilder().setGraph("g").setId(id).setTimeoutMicros(timeoutMicros).build());
        Taken next = taken.poll(10, TimeUnit.SECONDS);
        assertThat(next).as("request %d handed to the query threads", id).isNotNull();
        return next;
    }

    @Test
    void answersGoBackWithTheirIdsInTheOrderMadeAndARefusalLeavesTheStreamOpen() throws Exception {
        Taken first = send(1, 0);
        Taken second = send(2, 0);
        second.answer().onNext(ExpandReply.newBuilder().setId(2).setCount(7).build());
        first.answer().onError(Status.RESOURCE_EXHAUSTED.withDescription("busy, retry after 3 ms").asRuntimeException());
        await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 2);

        assertThat(received.get(0).getId()).isEqualTo(2);
        assertThat(received.get(0).getCount()).isEqualTo(7);
        assertThat(received.get(1).getId()).isEqualTo(1);
        assertThat(received.get(1).getErrorCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED.value());
        assertThat(received.get(1).getError()).isEqualTo("busy, retry after 3 ms");
        Taken third = send(3, 0);
        third.answer().onNext(ExpandReply.newBuilder().setId(3).build());
        await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 3);
        assertThat(ended).isNull();
    }

    @Test
    void aRequestWhoseTimeoutPassedIsGoneAndAnUnboundedOneNever() throws Exception {
        HopStream.Answer bounded = (HopStream.Answer) send(1, 5_000).answer();
        HopStream.Answer unbounded = (HopStream.Answer) send(2, 0).answer();
        ticker.advance(Duration.ofMillis(5));
        assertThat(bounded.gone()).as("at its timeout").isFalse();

        ticker.advance(Duration.ofNanos(1));

        assertThat(bounded.gone()).isTrue();
        ticker.advance(Duration.ofHours(1));
        assertThat(unbounded.gone()).isFalse();
    }

    @Test
    void answersAfterTheGatewayCancelledAreDroppedAndTheRequestsAreGone() throws Exception {
        HopStream.Answer answer = (HopStream.Answer) send(1, 0).answer();
        requests.cancel("gateway closing", null);
        await().atMost(Duration.ofSeconds(10)).until(answer::gone);

        answer.onNext(ExpandReply.newBuilder().setId(1).build());
        answer.onError(Status.INTERNAL.asRuntimeException());

        assertThat(received).isEmpty();
    }
}
