package io.graphagent.coordinator.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.graphagent.config.GraphagentConfig;
import io.graphagent.coordinator.membership.AgentView;
import io.graphagent.coordinator.resident.GraphView;
import io.graphagent.graph.partition.IdBlocks;
import io.graphagent.graph.partition.Partitioning;
import io.graphagent.net.cause.DisconnectCause;
import io.graphagent.net.tls.NetworkThreads;
import io.graphagent.net.tls.TransportSecurity;
import io.graphagent.protocol.SessionEpoch;
import io.graphagent.protocol.v1.AgentState;
import io.graphagent.protocol.v1.LookupRequest;
import io.graphagent.protocol.v1.ResidentState;
import io.grpc.Status;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/**
 * A replica's failure named by the one cause vocabulary: classification of what the gateway's
 * gRPC client sees, and (real sockets) the retry metric's labels and the query error when every
 * replica fails.
 */
class ReplicaFailureTest {

    @Test
    void connectionFailuresAreNamedByTheirDisconnectCause() {
        assertThat(ReplicaFailure.of(Status.UNAVAILABLE.withDescription("io exception")
                .withCause(new ConnectException("Connection refused: /127.0.0.1:7411")).asRuntimeException()))
                .extracting(ReplicaFailure::label, ReplicaFailure::connection)
                .containsExactly("connection_refused", DisconnectCause.CONNECTION_REFUSED);
        assertThat(ReplicaFailure.of(Status.DEADLINE_EXCEEDED.withDescription("deadline exceeded after 0.9s")
                .asRuntimeException()).connection()).isEqualTo(DisconnectCause.DEADLINE_EXCEEDED);
        assertThat(ReplicaFailure.of(Status.UNAVAILABLE.withCause(
                new SSLHandshakeException("Received fatal alert: unknown_ca")).asRuntimeException()).label())
                .isEqualTo("tls_unknown_ca");
        assertThat(ReplicaFailure.of(Status.UNAVAILABLE.withCause(new java.io.IOException("Connection reset by peer"))
                .asRuntimeException()).label()).isEqualTo("connection_reset");
        assertThat(ReplicaFailure.of(Status.UNAVAILABLE.withDescription("closed").asRuntimeException()).label())
                .isEqualTo("stream_broken");
    }

    @Test
    void answersOfAReachableAgentAreNotConnectionFailures() {
        ReplicaFailure busy = ReplicaFailure.of(Status.RESOURCE_EXHAUSTED.withDescription("busy, retry after 20 ms")
                .asRuntimeException());
        assertThat(busy.busy()).isTrue();
        assertThat(busy.connection()).isNull();
        ReplicaFailure notHeld = ReplicaFailure.of(Status.FAILED_PRECONDITION.withDescription("not held")
                .asRuntimeException());
        assertThat(notHeld.label()).isEqualTo(ReplicaFailure.NOT_HELD);
        assertThat(notHeld.connection()).isNull();
    }

    @Test
    void anAgentThatLeftAliveIsNamedByItsMembershipCause() {
        assertThat(ReplicaFailure.notAlive("process_exited").connection()).isEqualTo(DisconnectCause.PROCESS_EXITED);
        ReplicaFailure late = ReplicaFailure.notAlive("heartbeat_late");
        assertThat(late.label()).isEqualTo("heartbeat_late");
        assertThat(late.connection()).isNull();
        assertThat(ReplicaFailure.notAlive(null).connection()).isEqualTo(DisconnectCause.UNKNOWN);
    }

    @Test
    void whenEveryReplicaIsUnreachableRetriesAreCountedByCauseAndTheErrorNamesEach() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        // Accepts TCP, never answers: the first call (agent-1, lowest id) gets half the deadline, which
        // passes; the last replica (agent-2) refuses the connection; agent-3 left ALIVE, is not asked.
        try (ServerSocket silent = new ServerSocket(0);
             NetworkThreads network = NetworkThreads.start("test", 1);
             ShardChannels channels = new ShardChannels(GraphagentConfig.defaults(), TransportSecurity.insecure(), network)) {
            List<AgentView> alive = List.of(new AgentView("agent-1", SessionEpoch.of(1), "127.0.0.1:" + silent.getLocalPort(), 2, 1),
                    new AgentView("agent-2", SessionEpoch.of(1), "127.0.0.1:" + closed, 2, 1),
                    new AgentView("agent-3", SessionEpoch.of(1), "127.0.0.1:1", 2, 1));
            List<AgentView> now = new ArrayList<>(alive);
            Router router = new Router(GraphagentConfig.defaults().query(), Clock.systemUTC(), () -> now);
            now.removeIf(a -> a.agentId().equals("agent-3"));
            router.onTransition("agent-3", AgentState.ALIVE, AgentState.DEAD, "process_exited");
            GraphView g = new GraphView("g", 1, ResidentState.GRAPH_READY,
                    new Partitioning(IdBlocks.covering(0, 9), new int[] {0, 10}, new int[] {0, 10}), true, true,
                    List.of(List.of("agent-1", "agent-2", "agent-3")));
            List<String> counted = new ArrayList<>();
            ShardCalls calls = new ShardCalls(router, channels, Clock.systemUTC(), counted::add);

            assertThatThrownBy(() -> calls.lookup(new QueryRun("g", 4_000), g, 0, LookupRequest.newBuilder()))
                    .isInstanceOfSatisfying(QueryException.class, e -> {
                        assertThat(e.kind()).as(e.getMessage()).isEqualTo(QueryException.Kind.UNAVAILABLE);
                        assertThat(e.getMessage()).contains("partition 0 of graph g has no live replica that answered")
                                .contains("agent-1: deadline_exceeded").contains("agent-2: connection_refused")
                                .contains(DisconnectCause.CONNECTION_REFUSED.explanation())
                                .contains(DisconnectCause.DEADLINE_EXCEEDED.explanation());
                    });
            assertThat(counted).containsExactlyInAnyOrder("connection_refused", "deadline_exceeded");
        }
    }
}
