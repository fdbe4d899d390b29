package io.graphagent.coordinator.leader;

import static org.assertj.core.api.Assertions.assertThat;

import io.graphagent.protocol.v1.CoordinatorGrpc;
import io.graphagent.protocol.v1.StatusReply;
import io.graphagent.protocol.v1.StatusRequest;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Real gRPC servers on 127.0.0.1: the port is free once retire returns, the connections close later, boundedly. */
class ServerRetirementTest {

    private final NioEventLoopGroup boss = new NioEventLoopGroup(1);
    private final NioEventLoopGroup workers = new NioEventLoopGroup(1);
    private final CountDownLatch callArrived = new CountDownLatch(1);

    @AfterEach
    void tearDown() {
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    @Test
    void thePortIsFreeAsSoonAsRetireReturnsWhileACallIsOpenAndTheConnectionsCloseWithinTheBound() throws Exception {
        Server old = server(0);
        int port = old.getPort();
        ManagedChannel held = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        CoordinatorGrpc.newStub(held).status(StatusRequest.getDefaultInstance(), new Ignore());
        assertThat(callArrived.await(30, TimeUnit.SECONDS)).as("the call is open on the old server").isTrue();

        CompletableFuture<Boolean> closed = ServerRetirement.retire(old, "test", Duration.ofSeconds(20));

        Server next = server(port); // binds the same port: no BindException
        ManagedChannel fresh = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        try {
            assertThat(next.getPort()).isEqualTo(port);
            assertThat(closed.get(30, TimeUnit.SECONDS)).as("the old connections closed within the bound").isTrue();
            assertThat(old.isTerminated()).isTrue();
        } finally {
            held.shutdownNow();
            fresh.shutdownNow();
            next.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void connectionsThatCannotCloseAreWaitedForNoLongerThanTheBound() throws Exception {
        Server old = server(0);
        ManagedChannel held = NettyChannelBuilder.forAddress("127.0.0.1", old.getPort()).usePlaintext().build();
        CoordinatorGrpc.newStub(held).status(StatusRequest.getDefaultInstance(), new Ignore());
        assertThat(callArrived.await(30, TimeUnit.SECONDS)).isTrue();
        CountDownLatch release = new CountDownLatch(1);
        workers.execute(() -> { // the connection's event loop is busy: it cannot close
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try {
            CompletableFuture<Boolean> closed = ServerRetirement.retire(old, "test", Duration.ofMillis(300));

            assertThat(closed.get(30, TimeUnit.SECONDS)).as("gave up after the bound").isFalse();
            assertThat(old.isTerminated()).isFalse();
        } finally {
            release.countDown();
            held.shutdownNow();
        }
        assertThat(old.awaitTermination(30, TimeUnit.SECONDS)).as("the connections end with their event loop").isTrue();
    }

    private Server server(int port) throws Exception {
        return NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
                .bossEventLoopGroup(boss)
                .workerEventLoopGroup(workers)
                .channelType(NioServerSocketChannel.class)
                .addService(new CoordinatorGrpc.CoordinatorImplBase() {
                    @Override
                    public void status(StatusRequest request, StreamObserver<StatusReply> reply) {
                        callArrived.countDown(); // never answered: the call stays open
                    }
                })
                .build().start();
    }

    private static final class Ignore implements StreamObserver<StatusReply> {
        @Override
        public void onNext(StatusReply value) {
        }

        @Override
        public void onError(Throwable t) {
        }

        @Override
        public void onCompleted() {
        }
    }
}
