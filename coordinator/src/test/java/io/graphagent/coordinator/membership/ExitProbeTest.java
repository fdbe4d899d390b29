package io.graphagent.coordinator.membership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.graphagent.config.Profile;
import io.graphagent.config.SessionConfig;
import io.graphagent.net.cause.CauseCounter;
import io.graphagent.net.cause.DisconnectCause;
import io.graphagent.net.testing.FakeClock;
import io.graphagent.protocol.v1.AgentState;
import io.graphagent.protocol.v1.Heartbeat;
import io.graphagent.protocol.v1.Hello;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The exit probe: a broken stream whose agent's data port refuses is DEAD (process_exited) at
 * once, not at the end of the lease; an accepting port, or an agent that resumed, stays as it
 * was. The lease clock is fake and never advances here, so only the probe can declare DEAD.
 */
class ExitProbeTest {
    private static final SessionConfig TIMING = Profile.TEST.defaults().session();

    private final FakeClock clock = new FakeClock();
    private final CauseCounter causes = new CauseCounter();
    private final List<String> transitions = new CopyOnWriteArrayList<>();
    private final List<String> dialled = new CopyOnWriteArrayList<>();
    private final AtomicReference<ExitProbe.Outcome> answer = new AtomicReference<>(ExitProbe.Outcome.REFUSED);
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final Membership membership = new Membership(TIMING, clock, causes);

    ExitProbeTest() {
        membership.addListener((agent, from, to, cause) -> transitions.add(agent + " " + from + "->" + to + " " + cause));
        membership.useExitProbe(new ExitProbe(scheduler, address -> {
            dialled.add(address);
            return answer.get();
        }));
    }

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    private MemberSession joinAlive(FakeConnection connection) {
        Hello hello = Hello.newBuilder().setAgentId("agent-1").setDataAddress("127.0.0.1:17500").build();
        MemberSession session = ((Admission.Admitted) membership.admit(hello, "agent-1", 1, connection)).session();
        membership.heartbeat(session, Heartbeat.newBuilder().setSeq(1).setSessionEpoch(session.epoch().value()).build());
        return session;
    }

    @Test
    void aBrokenStreamWhoseDataPortRefusesIsDeadWithinASecondAndFenced() {
        MemberSession session = joinAlive(new FakeConnection("127.0.0.1:50001"));
        long start = System.nanoTime();

        membership.streamEnded(session, DisconnectCause.STREAM_BROKEN, "connection reset by peer");
        assertThat(membership.state("agent-1")).isEqualTo(AgentState.SUSPECT);

        await().atMost(Duration.ofSeconds(5)).until(() -> membership.state("agent-1") == AgentState.DEAD);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
        assertThat(dialled).containsExactly("127.0.0.1:17500");
        assertThat(transitions).endsWith("agent-1 ALIVE->SUSPECT stream_broken", "agent-1 SUSPECT->DEAD process_exited");
        assertThat(causes.count(DisconnectCause.PROCESS_EXITED)).isEqualTo(1);
        assertThat(membership.statuses().get(0).getStateCause())
                .startsWith("process_exited: its data port 127.0.0.1:17500 refuses connections");
        assertThat(membership.alive()).isEmpty();
    }

    @Test
    void aBrokenStreamWhoseDataPortAcceptsWaitsForItsLease() {
        answer.set(ExitProbe.Outcome.ACCEPTED);
        MemberSession session = joinAlive(new FakeConnection("127.0.0.1:50001"));

        membership.streamEnded(session, DisconnectCause.STREAM_BROKEN, "connection reset by peer");

        await().atMost(Duration.ofSeconds(5)).until(() -> dialled.size() == 1);
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                .until(() -> membership.state("agent-1") == AgentState.SUSPECT);
        assertThat(causes.count(DisconnectCause.PROCESS_EXITED)).isZero();
    }

    @Test
    void anAgentThatResumedBeforeTheProbeAnsweredStaysAlive() {
        MemberSession session = joinAlive(new FakeConnection("127.0.0.1:50001"));
        membership.streamEnded(session, DisconnectCause.STREAM_BROKEN, "connection reset by peer");
        Hello resume = Hello.newBuilder().setAgentId("agent-1").setDataAddress("127.0.0.1:17500")
                .setResumeSessionId(session.sessionId()).build();
        membership.admit(resume, "agent-1", 1, new FakeConnection("127.0.0.1:50002"));

        await().atMost(Duration.ofSeconds(5)).until(() -> dialled.size() == 1);
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                .until(() -> membership.state("agent-1") == AgentState.ALIVE);
        assertThat(causes.count(DisconnectCause.PROCESS_EXITED)).isZero();
    }

    @Test
    void theTcpDialTellsAClosedPortFromAListeningOne() throws Exception {
        try (ServerSocket listening = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertThat(ExitProbe.connect("127.0.0.1:" + listening.getLocalPort())).isEqualTo(ExitProbe.Outcome.ACCEPTED);
        }
        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        assertThat(ExitProbe.connect("127.0.0.1:" + closed)).isEqualTo(ExitProbe.Outcome.REFUSED);
        assertThat(ExitProbe.connect("not-an-address")).isEqualTo(ExitProbe.Outcome.NO_ANSWER);
    }
}
