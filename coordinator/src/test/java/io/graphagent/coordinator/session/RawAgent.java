package io.graphagent.coordinator.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.graphagent.net.tls.Channels;
import io.graphagent.net.tls.HostAndPort;
import io.graphagent.net.tls.NetworkThreads;
import io.graphagent.net.tls.TransportSecurity;
import io.graphagent.protocol.ProtocolVersion;
import io.graphagent.protocol.v1.AgentMessage;
import io.graphagent.protocol.v1.CoordinatorGrpc;
import io.graphagent.protocol.v1.CoordinatorMessage;
import io.graphagent.protocol.v1.Heartbeat;
import io.graphagent.protocol.v1.Hello;
import io.graphagent.protocol.v1.Report;
import io.graphagent.protocol.v1.Welcome;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * An agent driven message by message by a test, over a real Session stream: says exactly what
 * it is told (stale epochs, odd versions, no heartbeats) and records what comes back.
 */
final class RawAgent implements AutoCloseable {

    private static final Duration WAIT = Duration.ofSeconds(5);

    final BlockingQueue<CoordinatorMessage> received = new LinkedBlockingQueue<>();
    /** Completes with null when the coordinator ends the stream, or with the error. */
    final CompletableFuture<Throwable> ended = new CompletableFuture<>();
    private final ManagedChannel channel;
    private final StreamObserver<AgentMessage> requests;

    RawAgent(int port, TransportSecurity security, NetworkThreads threads) throws Exception {
        channel = Channels.client(new HostAndPort("127.0.0.1", port), security,
                new Channels.ClientTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(5)), threads);
        requests = CoordinatorGrpc.newStub(channel).session(new StreamObserver<>() {
            @Override
            public void onNext(CoordinatorMessage message) {
                received.add(message);
            }

            @Override
            public void onError(Throwable t) {
                ended.complete(t);
            }

            @Override
            public void onCompleted() {
                ended.complete(null);
            }
        });
    }

    static Hello.Builder hello(String agentId) {
        return Hello.newBuilder().setAgentId(agentId).setProtocolMin(ProtocolVersion.MIN)
                .setProtocolMax(ProtocolVersion.MAX).setClusterId("graphagent").setDataAddress(io.graphagent.net.testing.LiveDataPort.address());
    }

    synchronized void send(AgentMessage message) {
        requests.onNext(message);
    }

    void hello(Hello.Builder hello) {
        send(AgentMessage.newBuilder().setHello(hello).build());
    }

    Welcome join(String agentId) throws InterruptedException {
        hello(hello(agentId));
        CoordinatorMessage answer = next();
        assertThat(answer.getBodyCase()).as("answer to Hello: %s", answer).isEqualTo(CoordinatorMessage.BodyCase.WELCOME);
        return answer.getWelcome();
    }

    void heartbeat(long seq, long epoch) {
        send(AgentMessage.newBuilder().setHeartbeat(Heartbeat.newBuilder().setSeq(seq).setSessionEpoch(epoch)
                .setAgentSendTimeMs(System.currentTimeMillis())).build());
    }

    void report(Report report) {
        send(AgentMessage.newBuilder().setReport(report).build());
    }

    CoordinatorMessage next() throws InterruptedException {
        CoordinatorMessage message = received.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(message).as("a message from the coordinator within %s", WAIT).isNotNull();
        return message;
    }

    /** Breaks the stream as a crashed agent would. */
    void cancel() {
        channel.shutdownNow();
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
}
