package io.graphagent.coordinator.leader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.graphagent.net.cause.DisconnectCause;
import io.graphagent.net.cause.FailureClassifier;
import io.graphagent.net.cause.NotLeaderRefusal;
import io.graphagent.protocol.v1.CoordinatorGrpc;
import io.graphagent.protocol.v1.ListGraphsRequest;
import io.graphagent.protocol.v1.QueryGrpc;
import io.graphagent.protocol.v1.StatusReply;
import io.graphagent.protocol.v1.StatusRequest;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class RefusedElsewhereTest {

    @Test
    void aCallOfAServiceOnlyTheLeaderHasIsRefusedAsNotLeaderNamingTheLeaderOfNow() throws Exception {
        AtomicReference<NotLeaderRefusal> now = new AtomicReference<>(new NotLeaderRefusal("c2", "127.0.0.1:7401", ""));
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(new CoordinatorGrpc.CoordinatorImplBase() {
                    @Override
                    public void status(StatusRequest request, StreamObserver<StatusReply> reply) {
                        reply.onNext(StatusReply.getDefaultInstance());
                        reply.onCompleted();
                    }
                })
                .fallbackHandlerRegistry(new RefusedElsewhere(() -> now.get().status()))
                .build().start();
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
        try {
            QueryGrpc.QueryBlockingStub query = QueryGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);

            StatusRuntimeException refused = catchThrowableOfType(StatusRuntimeException.class,
                    () -> query.listGraphs(ListGraphsRequest.getDefaultInstance()));
            assertThat(FailureClassifier.classify(refused)).isEqualTo(DisconnectCause.NOT_LEADER);
            assertThat(NotLeaderRefusal.of(refused)).map(NotLeaderRefusal::leader).contains("127.0.0.1:7401");

            now.set(new NotLeaderRefusal("c2", "", "etcd has no quorum: etcd at http://127.0.0.1:2379 did not answer"));
            StatusRuntimeException noQuorum = catchThrowableOfType(StatusRuntimeException.class,
                    () -> query.listGraphs(ListGraphsRequest.getDefaultInstance()));
            assertThat(NotLeaderRefusal.of(noQuorum)).map(NotLeaderRefusal::etcdProblem)
                    .contains("etcd has no quorum: etcd at http://127.0.0.1:2379 did not answer");

            assertThat(CoordinatorGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .status(StatusRequest.getDefaultInstance())).as("the standby's own calls are served").isNotNull();
        } finally {
            channel.shutdownNow();
            server.shutdownNow();
        }
    }
}
