package io.graphagent.coordinator.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.graphagent.config.GraphagentConfig;
import io.graphagent.coordinator.membership.AgentView;
import io.graphagent.coordinator.resident.GraphView;
import io.graphagent.graph.partition.IdBlocks;
import io.graphagent.graph.partition.Partitioning;
import io.graphagent.net.cause.DisconnectCause;
import io.graphagent.net.tls.NetworkThreads;
import io.graphagent.net.tls.TransportSecurity;
import io.graphagent.protocol.PackedArrays;
import io.graphagent.protocol.SessionEpoch;
import io.graphagent.protocol.v1.Direction;
import io.graphagent.protocol.v1.ExpandReply;
import io.graphagent.protocol.v1.ExpandRequest;
import io.graphagent.protocol.v1.ResidentState;
import io.graphagent.protocol.v1.ShardGrpc;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The gateway's hop stream to an agent (real sockets, an agent's Shard service that answers
 * as each test says): requests in flight when the stream breaks fail with the connection's
 * cause and go to another replica; a request whose deadline passes fails alone.
 */
class ExpandStreamTest {
    private final NetworkThreads network = NetworkThreads.start("test", 1);
    private final ShardChannels channels = new ShardChannels(GraphagentConfig.defaults(), TransportSecurity.insecure(), network);
    private final ReplyPool replies = new ReplyPool();
    private final List<Server> servers = new ArrayList<>();

    /** An agent's hop stream: keeps each request with the stream to answer it on; answers at once those {@code answers} says. */
    private final class Agent extends ShardGrpc.ShardImplBase {
        final List<ExpandRequest> received = new CopyOnWriteArrayList<>();
        final java.util.function.Predicate<ExpandRequest> answers;
        volatile StreamObserver<ExpandReply> stream;
        final String address;
        final Server server;

        Agent(java.util.function.Predicate<ExpandRequest> answers) throws IOException {
            this.answers = answers;
            this.server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(this)
                    .directExecutor().build().start();
            servers.add(server);
            this.address = "127.0.0.1:" + server.getPort();
        }

        @Override
        public StreamObserver<ExpandRequest> expandStream(StreamObserver<ExpandReply> replies) {
            stream = replies;
            return new StreamObserver<>() {
                @Override
                public void onNext(ExpandRequest request) {
                    received.add(request);
                    if (answers.test(request)) {
                        answer(request);
                    }
                }

                @Override
                public void onError(Throwable t) {
                }

                @Override
                public void onCompleted() {
                }
            };
        }

        /** The neighbour of every vertex asked is vertex 5. */
        synchronized void answer(ExpandRequest request) {
            stream.onNext(ExpandReply.newBuilder().setId(request.getId()).setCount(1)
                    .setNeighbours(PackedArrays.packInts(new int[] {5}, 0, 1)).build());
        }
    }

    @AfterEach
    void close() {
        channels.close();
        servers.forEach(Server::shutdownNow);
        network.close();
    }

    private static ExpandRequest.Builder hop(String graph) {
        return ExpandRequest.newBuilder().setGraph(graph).setBitsOk(true);
    }

    @Test
    void aDeadlinePassingFailsOnlyItsRequestAndTheStreamGoesOn() throws Exception {
        Agent agent = new Agent(r -> !r.getGraph().equals("slow"));
        AgentLoad load = new AgentLoad("agent-1");
        ExpandStream stream = channels.hops(agent.address, replies);
        load.sent();
        ExpandStream.Pending slow = stream.send(hop("slow"), Deadline.after(300, TimeUnit.MILLISECONDS), load);
        load.sent();
        ExpandStream.Pending quick = stream.send(hop("g"), Deadline.after(10, TimeUnit.SECONDS), load);

        assertThat(ReplyPool.idOf(quick.await())).isEqualTo(agent.received.get(1).getId());
        assertThatThrownBy(slow::await).isInstanceOf(ExecutionException.class)
                .cause().satisfies(e -> assertThat(Status.fromThrowable(e).getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
        // Its answer, late, is dropped; the stream still carries the next request.
        agent.answer(agent.received.get(0));
        assertThat(channels.hops(agent.address, replies)).isSameAs(stream);
        load.sent();
        ExpandStream.Pending next = stream.send(hop("g"), Deadline.after(10, TimeUnit.SECONDS), load);
        assertThat(ReplyPool.idOf(next.await())).isEqualTo(agent.received.get(2).getId());
        assertThat(stream.open()).isTrue();
        // Counted done just after the waiting thread wakes.
        await().atMost(Duration.ofSeconds(5)).until(() -> load.inFlight() == 0);
        assertThat(agent.received).extracting(ExpandRequest::getTimeoutMicros)
                .allSatisfy(t -> assertThat(t).isPositive().isLessThanOrEqualTo(10_000_000L));
    }

    @Test
    void aStreamOpenedForOneCallersQueryOutlivesThatCaller() throws Exception {
        Agent agent = new Agent(r -> true);
        AgentLoad load = new AgentLoad("agent-1");
        // The first query to reach the agent comes over the gateway's gRPC API: its thread runs in
        // that call's context, which gRPC cancels as the call ends.
        Context.CancellableContext caller = Context.current().withCancellation();
        ExpandStream stream = caller.call(() -> channels.hops(agent.address, replies));
        load.sent();
        caller.call(() -> stream.send(hop("g"), Deadline.after(10, TimeUnit.SECONDS), load)).await();

        caller.cancel(null);

        load.sent();
        ExpandStream.Pending next = channels.hops(agent.address, replies).send(hop("g"), Deadline.after(10, TimeUnit.SECONDS), load);
        assertThat(ReplyPool.idOf(next.await())).isEqualTo(agent.received.get(1).getId());
        assertThat(stream.open()).isTrue();
        assertThat(channels.hops(agent.address, replies)).isSameAs(stream);
    }

    @Test
    void aBrokenStreamFailsEveryRequestInFlightWithItsCauseAndTheNextRequestOpensAnother() throws Exception {
        Agent agent = new Agent(r -> false);
        AgentLoad load = new AgentLoad("agent-1");
        ExpandStream stream = channels.hops(agent.address, replies);
        List<ExpandStream.Pending> sent = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            load.sent();
            sent.add(stream.send(hop("g"), Deadline.after(10, TimeUnit.SECONDS), load));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> agent.received.size() == 3);

        agent.server.shutdownNow();

        // The server's end resets the stream as a killed agent's would: what a unary call in flight saw.
        List<String> causes = new ArrayList<>();
        for (ExpandStream.Pending p : sent) {
            assertThatThrownBy(p::await).isInstanceOf(ExecutionException.class).cause().satisfies(e -> {
                assertThat(ReplicaFailure.of(e).connection()).as(e.toString()).isNotNull();
                causes.add(ReplicaFailure.of(e).label());
            });
        }
        assertThat(causes).hasSize(3).containsOnly(causes.get(0));
        // Counted done just after the waiting thread wakes.
        await().atMost(Duration.ofSeconds(5)).until(() -> load.inFlight() == 0);
        assertThat(stream.open()).isFalse();
        assertThat(channels.hops(agent.address, replies)).isNotSameAs(stream);
    }

    @Test
    void aRequestInFlightOnABrokenStreamIsRetriedOnAnotherReplica() throws Exception {
        List<Agent> agents = new ArrayList<>();
        // agent-1, the lowest id, is asked first: its stream breaks as the request arrives.
        agents.add(new Agent(r -> {
            agents.get(0).server.shutdownNow();
            return false;
        }));
        agents.add(new Agent(r -> true));
        List<AgentView> alive = List.of(new AgentView("agent-1", SessionEpoch.of(1), agents.get(0).address, 2, 1),
                new AgentView("agent-2", SessionEpoch.of(1), agents.get(1).address, 2, 1));
        Router router = new Router(GraphagentConfig.defaults().query(), Clock.systemUTC(), () -> alive);
        GraphView g = new GraphView("g", 1, ResidentState.GRAPH_READY,
                new Partitioning(IdBlocks.covering(0, 9), new int[] {0, 10}, new int[] {0, 10}), true, true,
                List.of(List.of("agent-1", "agent-2")));
        List<String> counted = new CopyOnWriteArrayList<>();
        ShardCalls calls = new ShardCalls(router, channels, Clock.systemUTC(), counted::add);
        List<HopAnswer> answers = new ArrayList<>();

        try (QueryRun run = new QueryRun("g", 10_000)) {
            calls.expandKeeping(run, g, new int[] {3}, 1, Direction.EDGES_OUT, answers);

            assertThat(run.retries).isEqualTo(1);
        }
        assertThat(agents.get(0).received).hasSize(1);
        assertThat(agents.get(1).received).hasSize(1);
        assertThat(answers).hasSize(1);
        assertThat(counted).hasSize(1).allSatisfy(label -> assertThat(DisconnectCause.fromLabel(label))
                .isNotEqualTo(DisconnectCause.UNKNOWN));
    }
}
