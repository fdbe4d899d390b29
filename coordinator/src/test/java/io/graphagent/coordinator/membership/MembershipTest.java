package io.graphagent.coordinator.membership;

import io.graphagent.protocol.SessionEpoch;
import io.graphagent.net.testing.FakeClock;
import io.graphagent.net.testing.LogCapture;
import ch.qos.logback.classic.Level;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.graphagent.config.Profile;
import io.graphagent.config.SessionConfig;
import io.graphagent.net.cause.CauseCounter;
import io.graphagent.net.cause.DisconnectCause;
import io.graphagent.protocol.v1.AgentState;
import io.graphagent.protocol.v1.Command;
import io.graphagent.protocol.v1.CoordinatorMessage;
import io.graphagent.protocol.v1.Goodbye;
import io.graphagent.protocol.v1.GoodbyeReason;
import io.graphagent.protocol.v1.Heartbeat;
import io.graphagent.protocol.v1.HeldPartitions;
import io.graphagent.protocol.v1.Hello;
import io.graphagent.protocol.v1.LoadPartitions;
import io.graphagent.protocol.v1.RejectReason;
import io.graphagent.protocol.v1.Release;
import io.graphagent.protocol.v1.Report;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Membership's state machine on a fake clock, without a network: every timing decision is exact. */
class MembershipTest {

    /** heartbeat 250ms, suspect-after 750ms, lease-ttl 2s. */
    private static final SessionConfig TIMING = Profile.TEST.defaults().session();

    private final FakeClock clock = new FakeClock();
    private final CauseCounter causes = new CauseCounter();
    private final List<String> transitions = new CopyOnWriteArrayList<>();
    private final List<Report> sunk = new CopyOnWriteArrayList<>();
    private Membership membership;

    @BeforeEach
    void setUp() {
        membership = new Membership(TIMING, clock, causes);
        membership.addListener((agent, from, to, cause) -> transitions.add(agent + " " + from + "->" + to + " " + cause));
        membership.setReportSink((agent, report) -> sunk.add(report));
    }

    @Test
    void newSessionsTakeTheirEpochsFromTheEpochSource() {
        long[] last = {1000};
        membership = new Membership(TIMING, clock, causes, () -> ++last[0]);

        MemberSession first = join("agent-1", new FakeConnection("127.0.0.1:50001"));
        MemberSession second = join("agent-2", new FakeConnection("127.0.0.1:50002"));

        assertThat(first.epoch()).isEqualTo(SessionEpoch.of(1001));
        assertThat(second.epoch()).isEqualTo(SessionEpoch.of(1002));
    }

    @Test
    void aHelloIsRefusedForNowWhenItsEpochCannotBeRecorded() {
        membership = new Membership(TIMING, clock, causes, () -> {
            throw new IllegalStateException("coordinator state file /s/membership.state cannot be written (disk full)");
        });

        Admission admission = membership.admit(hello("agent-1"), "agent-1", 1, new FakeConnection("127.0.0.1:50001"));

        assertThat(admission).isInstanceOfSatisfying(Admission.Refused.class, refused -> {
            assertThat(refused.reject().getRetryable()).isTrue();
            assertThat(refused.reject().getMessage()).contains("membership.state cannot be written (disk full)");
        });
        assertThat(membership.state("agent-1")).isEqualTo(AgentState.AGENT_STATE_UNSPECIFIED);
    }

    private static Hello hello(String agent) {
        return Hello.newBuilder().setAgentId(agent).setDataAddress("127.0.0.1:17500").build();
    }

    private MemberSession join(String agent, FakeConnection connection) {
        Admission admission = membership.admit(hello(agent), agent, 1, connection);
        assertThat(admission).isInstanceOf(Admission.Admitted.class);
        return ((Admission.Admitted) admission).session();
    }

    private void beat(MemberSession session, long seq) {
        membership.heartbeat(session, Heartbeat.newBuilder().setSeq(seq).setSessionEpoch(session.epoch().value()).build());
    }

    @Test
    void helloJoinsAndTheFirstHeartbeatMakesTheAgentAlive() {
        FakeConnection stream = new FakeConnection("127.0.0.1:50001");
        MemberSession session = join("agent-1", stream);

        assertThat(membership.state("agent-1")).isEqualTo(AgentState.JOINING);
        assertThat(membership.alive()).isEmpty();

        beat(session, 1);

        assertThat(membership.state("agent-1")).isEqualTo(AgentState.ALIVE);
        assertThat(membership.alive()).extracting(AgentView::agentId, AgentView::epoch, AgentView::dataAddress)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("agent-1", session.epoch(), "127.0.0.1:17500"));
        assertThat(stream.kinds()).containsExactly(CoordinatorMessage.BodyCase.HEARTBEAT_ACK);
        assertThat(stream.last().getHeartbeatAck().getLeaseRemainingMs()).isEqualTo(TIMING.leaseTtl().toMillis());
        assertThat(transitions).containsExactly(
                "agent-1 AGENT_STATE_UNSPECIFIED->JOINING hello", "agent-1 JOINING->ALIVE first_heartbeat");
    }

    @Test
    void leaseExpiryMarksAgentSuspectThenDeadAndFencesItsOpenStream() {
        FakeConnection stream = new FakeConnection("127.0.0.1:50001");
        MemberSession session = join("agent-1", stream);
        beat(session, 1);

        clock.advance(TIMING.suspectAfter());
        membership.tick();
        assertThat(membership.state("agent-1")).as("at suspect-after exactly").isEqualTo(AgentState.ALIVE);

        clock.advance(Duration.ofMillis(1));
        membership.tick();
        assertThat(membership.state("agent-1")).isEqualTo(AgentState.SUSPECT);

        clock.advance(TIMING.leaseTtl().minus(TIMING.suspectAfter()).minusMillis(2));
        membership.tick();
        assertThat(membership.state("agent-1")).as("1 ms before the lease ends").isEqualTo(AgentState.SUSPECT);

        clock.advance(Duration.ofMillis(1));
        membership.tick();
        assertThat(membership.state("agent-1")).isEqualTo(AgentState.DEAD);
        assertThat(transitions).containsExactly("agent-1 AGENT_STATE_UNSPECIFIED->JOINING hello",
                "agent-1 JOINING->ALIVE first_heartbeat", "agent-1 ALIVE->SUSPECT heartbeat_late",
                "agent-1 SUSPECT->DEAD lease_expired");
        assertThat(causes.count(DisconnectCause.LEASE_EXPIRED)).isEqualTo(1);
        assertThat(stream.last().getFenced().getStaleEpoch()).isEqualTo(session.epoch().value());
        assertThat(stream.isOpen()).isFalse();
        assertThat(membership.statuses().get(0).getStateCause()).startsWith("lease_expired: no heartbeat for 2000 ms");
    }

    @Test
    void aCoordinatorWhoseLeadershipLapsedExpiresAndFencesNobody() {
        FakeConnection stream = new FakeConnection("127.0.0.1:50001");
        MemberSession session = join("agent-1", stream);
        beat(session, 1);
        boolean[] leading = {true};
        membership.useLeadership(() -> leading[0]);

        leading[0] = false;
        clock.advance(TIMING.leaseTtl().multipliedBy(2));
        membership.tick();

        assertThat(membership.state("agent-1")).isEqualTo(AgentState.ALIVE);
        assertThat(stream.kinds()).containsExactly(CoordinatorMessage.BodyCase.HEARTBEAT_ACK);
        assertThat(stream.isOpen()).isTrue();

        leading[0] = true;
        membership.tick();
        assertThat(membership.state("agent-1")).as("leading again, it expires the lease").isEqualTo(AgentState.DEAD);
    }

    @Test
    void aCoordinatorWhoseLeadershipLapsedHandsAHeartbeatsOrReportsStreamBackInsteadOfAnsweringOrFencing() {
        FakeConnection beating = new FakeConnection("127.0.0.1:50001");
        MemberSession first = join("agent-1", beating);
        beat(first, 1);
        FakeConnection reporting = new FakeConnection("127.0.0.1:50002");
        MemberSession second = join("agent-2", reporting);
        beat(second, 1);
        boolean[] leading = {true};
        membership.useLeadership(() -> leading[0]);

        // Woken from a pause past both its election lease and the agents' leases, before it noticed the deposal.
        leading[0] = false;
        clock.advance(TIMING.leaseTtl().multipliedBy(2));
        beat(first, 2);
        membership.report(second, Report.newBuilder().setCommandId(7).setSessionEpoch(second.epoch().value()).build());

        assertThat(beating.kinds()).as("no ack, no FENCED").containsExactly(CoordinatorMessage.BodyCase.HEARTBEAT_ACK);
        assertThat(reporting.kinds()).as("no FENCED").containsExactly(CoordinatorMessage.BodyCase.HEARTBEAT_ACK);
        assertThat(beating.isOpen()).as("ended, so that the agent dials the leader").isFalse();
        assertThat(reporting.isOpen()).isFalse();
        assertThat(membership.state("agent-1")).as("not expired: the new leader carries the session over")
                .isEqualTo(AgentState.ALIVE);
        assertThat(membership.state("agent-2")).isEqualTo(AgentState.ALIVE);
    }

    @Test
    void carriedSessionsAreWaitedForWhileTheTakeoverMakesProgressAndExpireOnceItStalls() {
        Duration grace = Duration.ofSeconds(10);
        membership.carryOver(List.of(stored("agent-1", 11), stored("agent-2", 12), stored("agent-3", 13)), grace);
        assertThat(membership.state("agent-1")).isEqualTo(AgentState.SUSPECT);

        clock.advance(Duration.ofSeconds(8));
        MemberSession first = resumeCarried("agent-1", 11);
        assertThat(first.resumed()).isTrue();
        assertThat(first.epoch()).isEqualTo(SessionEpoch.of(11));

        clock.advance(Duration.ofSeconds(4)); // 12 s: past the carried leases, but a resume came 4 s ago
        membership.tick();
        assertThat(membership.state("agent-2")).as("still waited for").isEqualTo(AgentState.SUSPECT);
        assertThat(membership.state("agent-3")).isEqualTo(AgentState.SUSPECT);

        clock.advance(Duration.ofSeconds(3)); // 15 s
        MemberSession second = resumeCarried("agent-2", 12);
        assertThat(second.resumed()).as("a late resume keeps its session and epoch").isTrue();
        assertThat(second.epoch()).isEqualTo(SessionEpoch.of(12));

        clock.advance(grace.minusMillis(1)); // 1 ms before the window closes
        membership.tick();
        assertThat(membership.state("agent-3")).isEqualTo(AgentState.SUSPECT);

        clock.advance(Duration.ofMillis(1)); // no carried session resumed for a whole grace
        membership.tick();
        assertThat(membership.state("agent-3")).isEqualTo(AgentState.DEAD);
        assertThat(transitions).contains("agent-3 SUSPECT->DEAD lease_expired");
        assertThat(membership.state("agent-1")).as("resumed sessions live by their own leases")
                .isEqualTo(AgentState.DEAD);
    }

    @Test
    void aTakeoverLogsOneSummaryLineAndStillTellsTheListenersEverySession() {
        join("agent-1", new FakeConnection("127.0.0.1:50001"));
        transitions.clear();
        try (LogCapture log = new LogCapture(Membership.class)) {
            membership.carryOver(List.of(stored("agent-1", 11), stored("agent-2", 12), stored("agent-3", 13)),
                    Duration.ofSeconds(10));

            assertThat(log.containing("event=sessions_carried_over ")).singleElement().satisfies(line -> {
                assertThat(line.getLevel()).isEqualTo(Level.WARN);
                assertThat(line.getFormattedMessage()).contains("count=2 skipped_known=1 cause=leader_changed lease_until="
                        + clock.instant().plus(Duration.ofSeconds(10)));
            });
            assertThat(log.containing("event=agent_state ")).as("no line per carried session above DEBUG")
                    .allSatisfy(line -> assertThat(line.getLevel()).isEqualTo(Level.DEBUG));
        }
        assertThat(transitions).containsExactly("agent-2 AGENT_STATE_UNSPECIFIED->SUSPECT leader_changed",
                "agent-3 AGENT_STATE_UNSPECIFIED->SUSPECT leader_changed");
        assertThat(membership.status("agent-2")).get().extracting(io.graphagent.protocol.v1.AgentStatus::getStateCause).asString()
                .startsWith("leader_changed: session carried over from the previous leader");
    }

    @Test
    void aResumedSessionIsNoLongerCarriedAndExpiresByItsOwnLease() {
        membership.carryOver(List.of(stored("agent-1", 11), stored("agent-2", 12)), Duration.ofSeconds(10));
        MemberSession session = resumeCarried("agent-1", 11);
        beat(session, 1);

        clock.advance(TIMING.leaseTtl()); // the window still holds for agent-2, not for agent-1
        membership.tick();

        assertThat(membership.state("agent-1")).isEqualTo(AgentState.DEAD);
        assertThat(membership.state("agent-2")).isEqualTo(AgentState.SUSPECT);
    }

    private static io.graphagent.protocol.v1.StoredSession stored(String agent, long epoch) {
        return io.graphagent.protocol.v1.StoredSession.newBuilder().setAgentId(agent).setSessionId("s-" + agent)
                .setEpoch(epoch).setDataAddress("127.0.0.1:17500").build();
    }

    private MemberSession resumeCarried(String agent, long epoch) {
        Hello resume = hello(agent).toBuilder().setResumeSessionId("s-" + agent).build();
        Admission admission = membership.admit(resume, agent, 1, new FakeConnection("127.0.0.1:5" + epoch));
        assertThat(admission).isInstanceOf(Admission.Admitted.class);
        return ((Admission.Admitted) admission).session();
    }

    @Test
    void aHeartbeatAfterTheLeaseRanOutIsFencedEvenBeforeTheDetectorTicks() {
        FakeConnection stream = new FakeConnection("127.0.0.1:50001");
        MemberSession session = join("agent-1", stream);
        beat(session, 1);

        clock.advance(TIMING.leaseTtl());
        beat(session, 2);

        assertThat(membership.state("agent-1")).isEqualTo(AgentState.DEAD);
        assertThat(stream.kinds()).containsExactly(CoordinatorMessage.BodyCase.HEARTBEAT_ACK,
                CoordinatorMessage.BodyCase.FENCED);
    }

    @Test
    void brokenStreamMakesTheAgentSuspectAndAResumeWithinTheLeaseKeepsItsEpochWithoutDead() {
        FakeConnection first = new FakeConnection("127.0.0.1:50001");
        MemberSession session = join("agent-1", first);
        beat(session, 1);
        membership.send("agent-1", load("job-1", 3, 7));

        membership.streamEnded(session, DisconnectCause.CONNECTION_RESET, "connection reset by peer");
        assertThat(membership.state("agent-1")).isEqualTo(AgentState.SUSPECT);
        assertThat(membership.send("agent-1", load("job-2", 1))).as("no open stream").isFalse();

        clock.advance(TIMING.leaseTtl().minusMillis(1));
        membership.tick();
        FakeConnection second = new FakeConnection("127.0.0.1:50002");
        Hello resume = hello("agent-1").toBuilder().setResumeSessionId(session.sessionId())
                .addHeld(HeldPartitions.newBuilder().setJobId("job-1").addPartitionIds(3).addPartitionIds(7)).build();
        MemberSession resumed = ((Admission.Admitted) membership.admit(resume, "agent-1", 1, second)).session();

        assertThat(resumed.resumed()).isTrue();
        assertThat(resumed.epoch()).isEqualTo(session.epoch());
        assertThat(resumed.sessionId()).isEqualTo(session.sessionId());
        assertThat(membership.state("agent-1")).isEqualTo(AgentState.ALIVE);
        assertThat(membership.statuses().get(0).getPartitions()).as("partitions kept").isEqualTo(2);
        assertThat(membership.heldPartitions("agent-1")).containsEntry("job-1", List.of(3, 7));
        assertThat(transitions).containsExactly("agent-1 AGENT_STATE_UNSPECIFIED->JOINING hello",
                "agent-1 JOINING->ALIVE first_heartbeat", "agent-1 ALIVE->SUSPECT connection_reset",
                "agent-1 SUSPECT->ALIVE resumed");
        assertThat(membership.leaseRemaining("agent-1")).as("renewed by the resume").isEqualTo(TIMING.leaseTtl());
    }

    @Test
    void aResumeAfterTheLeaseExpiredStartsANewSessionWithAHigherEpoch() {
        MemberSession session = join("agent-1", new FakeConnection("127.0.0.1:50001"));
        membership.streamEnded(session, DisconnectCause.STREAM_BROKEN, "gone");

        clock.advance(TIMING.leaseTtl());
        Hello resume = hello("agent-1").toBuilder().setResumeSessionId(session.sessionId()).build();
        MemberSession fresh = ((Admission.Admitted) membership.admit(resume, "agent-1", 1,
                new FakeConnection("127.0.0.1:50002"))).session();

        assertThat(fresh.resumed()).isFalse();
        assertThat(fresh.epoch()).isGreaterThan(session.epoch());
        assertThat(fresh.sessionId()).isNotEqualTo(session.sessionId());
        assertThat(transitions).containsSubsequence("agent-1 SUSPECT->DEAD lease_expired",
                "agent-1 DEAD->JOINING hello");
    }

    @Test
    void aSecondAgentWithTheSameIdIsRefusedWhileTheFirstStreamIsOpen() {
        MemberSession first = join("agent-1", new FakeConnection("127.0.0.1:50001"));

        Admission second = membership.admit(hello("agent-1"), "agent-1", 1, new FakeConnection("10.0.0.9:40000"));

        assertThat(second).isInstanceOf(Admission.Refused.class);
        Admission.Refused refused = (Admission.Refused) second;
        assertThat(refused.reject().getReason()).isEqualTo(RejectReason.DUPLICATE_AGENT);
        assertThat(refused.reject().getRetryable()).isTrue();
        assertThat(refused.reject().getMessage()).contains("127.0.0.1:50001", "give each agent its own");
        assertThat(membership.state("agent-1")).isEqualTo(AgentState.JOINING);
        assertThat(first.epoch()).isEqualTo(SessionEpoch.of(1));
    }

    @Test
    void anAgentThatRestartedWithoutItsSessionIdEndsTheOldSessionAsDead() {
        MemberSession old = join("agent-1", new FakeConnection("127.0.0.1:50001"));
        membership.streamEnded(old, DisconnectCause.STREAM_BROKEN, "killed");

        MemberSession fresh = join("agent-1", new FakeConnection("127.0.0.1:50002"));

        assertThat(fresh.epoch()).isGreaterThan(old.epoch());
        assertThat(transitions).containsSubsequence("agent-1 SUSPECT->DEAD agent_restarted",
                "agent-1 DEAD->JOINING hello");
    }

    @Test
    void epochsGrowAcrossAgentsAndSessions() {
        List<Long> epochs = new ArrayList<>();
        for (String agent : List.of("agent-1", "agent-2", "agent-3")) {
            epochs.add(join(agent, new FakeConnection("127.0.0.1:1")).epoch().value());
        }
        MemberSession two = join("agent-4", new FakeConnection("127.0.0.1:2"));
        membership.goodbye(two, Goodbye.getDefaultInstance());
        epochs.add(join("agent-4", new FakeConnection("127.0.0.1:3")).epoch().value());

        assertThat(epochs).containsExactly(1L, 2L, 3L, 5L);
    }

    @Test
    void staleEpochReportIsRefusedCountedAndFencedNeverReachingTheSink() {
        FakeConnection stream = new FakeConnection("127.0.0.1:50001");
        MemberSession session = join("agent-1", stream);
        beat(session, 1);

        membership.report(session, Report.newBuilder().setCommandId(7).setSessionEpoch(session.epoch().value()).build());
        membership.report(session, Report.newBuilder().setCommandId(8).setSessionEpoch(session.epoch().value() - 1).build());

        assertThat(sunk).extracting(Report::getCommandId).containsExactly(7L);
        assertThat(membership.refusedReports()).isEqualTo(1);
        assertThat(causes.count(DisconnectCause.FENCED)).isEqualTo(1);
        assertThat(stream.last().getFenced().getStaleEpoch()).isEqualTo(session.epoch().value() - 1);
        assertThat(membership.state("agent-1")).isEqualTo(AgentState.DEAD);

        membership.report(session, Report.newBuilder().setCommandId(9).setSessionEpoch(session.epoch().value()).build());
        assertThat(sunk).as("the fenced session's reports are refused too").hasSize(1);
        assertThat(membership.refusedReports()).isEqualTo(2);
    }

    @Test
    void goodbyeMarksTheAgentLeftAndRevokesItsLease() {
        MemberSession session = join("agent-1", new FakeConnection("127.0.0.1:50001"));
        beat(session, 1);

        membership.goodbye(session, Goodbye.newBuilder().setReason(GoodbyeReason.AGENT_STOPPING).setMessage("SIGTERM").build());
        clock.advance(TIMING.leaseTtl().multipliedBy(2));
        membership.tick();

        assertThat(membership.state("agent-1")).isEqualTo(AgentState.LEFT);
        assertThat(transitions).last().isEqualTo("agent-1 ALIVE->LEFT goodbye");
        assertThat(membership.statuses().get(0).getStateCause()).isEqualTo("goodbye: AGENT_STOPPING: SIGTERM");
        assertThat(causes.snapshot()).isEmpty();
    }

    @Test
    void commandsAreStampedWithTheSessionEpochAndTheirPartitionsCounted() {
        FakeConnection stream = new FakeConnection("127.0.0.1:50001");
        MemberSession session = join("agent-1", stream);

        assertThat(membership.send("agent-1", load("job-1", 0, 4, 8))).isTrue();
        assertThat(stream.last().getCommand().getSessionEpoch()).isEqualTo(session.epoch().value());
        assertThat(membership.statuses().get(0).getPartitions()).isEqualTo(3);

        membership.send("agent-1", Command.newBuilder().setJobId("job-1").setRelease(Release.getDefaultInstance()).build());
        assertThat(membership.statuses().get(0).getPartitions()).isZero();
        assertThat(membership.send("agent-9", load("job-1", 1))).isFalse();
    }

    @Test
    void listenersMayCallBackIntoMembership() {
        List<Integer> aliveSeen = new CopyOnWriteArrayList<>();
        membership.addListener((agent, from, to, cause) -> {
            aliveSeen.add(membership.alive().size());
            membership.send(agent, load("job-1", 1));
        });
        MemberSession session = join("agent-1", new FakeConnection("127.0.0.1:50001"));
        beat(session, 1);

        assertThat(aliveSeen).containsExactly(0, 1);
    }

    /**
     * A session stream's thread that delivers transitions must come back for its own Welcome: in
     * a reconnect storm the others keep recording, and a thread made to tell all of those held a
     * Welcome 13.6 s, past the agent's lease (bench/failover.sh, one agent DEAD per run).
     */
    @Test
    void aHelloReturnsOnceItsOwnTransitionIsToldWhileAnotherAgentsIsStillBeingTold() {
        TwoHeldAgents held = new TwoHeldAgents();
        membership.addListener(held);
        CompletableFuture<MemberSession> first = joinOnThread("stream-1", "agent-1", "127.0.0.1:50001");
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> held.firstHeld.getCount() == 0);
            CompletableFuture<MemberSession> second = joinOnThread("stream-2", "agent-2", "127.0.0.1:50002");
            await().atMost(Duration.ofSeconds(20)).until(() -> membership.state("agent-2") == AgentState.JOINING);
            held.releaseFirst.countDown();

            // agent-2's transition, recorded while agent-1's was being told, is told on its own
            // stream's thread, and agent-1's Hello comes back meanwhile.
            await().atMost(Duration.ofSeconds(20)).until(() -> held.secondHeld.getCount() == 0);
            await().atMost(Duration.ofSeconds(20)).until(first::isDone);
            assertThat(held.toldOn).containsEntry("agent-1", "stream-1").containsEntry("agent-2", "stream-2");
            assertThat(second).isNotDone();

            held.releaseSecond.countDown();
            await().atMost(Duration.ofSeconds(20)).until(second::isDone);
            assertThat(transitions).containsExactly("agent-1 AGENT_STATE_UNSPECIFIED->JOINING hello",
                    "agent-2 AGENT_STATE_UNSPECIFIED->JOINING hello");
        } finally {
            held.releaseAll();
        }
    }

    /**
     * With the coordinator's teller: a Hello that finds another thread telling returns at once
     * (its transition told later, in order), and what was recorded after a thread's call is told
     * on the teller, not by that thread.
     */
    @Test
    void withATellerNoHelloWaitsForTransitionsOtherThanThoseBeforeIt() {
        ExecutorService teller = Executors.newSingleThreadExecutor(r -> Thread.ofPlatform().name("teller").unstarted(r));
        membership.tellListenersOn(teller);
        TwoHeldAgents held = new TwoHeldAgents();
        membership.addListener(held);
        try {
            CompletableFuture<MemberSession> first = joinOnThread("stream-1", "agent-1", "127.0.0.1:50001");
            await().atMost(Duration.ofSeconds(20)).until(() -> held.firstHeld.getCount() == 0);

            // agent-1's transition is still being told: agent-2's Hello does not wait for it.
            join("agent-2", new FakeConnection("127.0.0.1:50002"));
            assertThat(held.toldOn).doesNotContainKey("agent-2");

            held.releaseFirst.countDown();
            await().atMost(Duration.ofSeconds(20)).until(() -> held.secondHeld.getCount() == 0);
            await().atMost(Duration.ofSeconds(20)).until(first::isDone);
            assertThat(held.toldOn).containsEntry("agent-1", "stream-1").containsEntry("agent-2", "teller");
            held.releaseSecond.countDown();
            await().atMost(Duration.ofSeconds(20)).until(() -> transitions.size() == 2);
            assertThat(transitions).containsExactly("agent-1 AGENT_STATE_UNSPECIFIED->JOINING hello",
                    "agent-2 AGENT_STATE_UNSPECIFIED->JOINING hello");
        } finally {
            held.releaseAll();
            teller.shutdownNow();
        }
    }

    /** Says Hello for {@code agent} on a platform thread named {@code thread}, as a session stream's gRPC thread would. */
    private CompletableFuture<MemberSession> joinOnThread(String thread, String agent, String address) {
        CompletableFuture<MemberSession> joined = new CompletableFuture<>();
        Thread.ofPlatform().name(thread).start(() -> joined.complete(join(agent, new FakeConnection(address))));
        return joined;
    }

    /**
     * A listener that notes the thread each agent's transition is told on, and holds the telling
     * of agent-1's and of agent-2's until released (each signals once it is held).
     */
    private static final class TwoHeldAgents implements AgentDirectory.MembershipListener {
        final CountDownLatch firstHeld = new CountDownLatch(1);
        final CountDownLatch releaseFirst = new CountDownLatch(1);
        final CountDownLatch secondHeld = new CountDownLatch(1);
        final CountDownLatch releaseSecond = new CountDownLatch(1);
        final Map<String, String> toldOn = new ConcurrentHashMap<>();

        @Override
        public void onTransition(String agent, AgentState from, AgentState to, String cause) {
            toldOn.put(agent, Thread.currentThread().getName());
            if (agent.equals("agent-1")) {
                firstHeld.countDown();
                hold(releaseFirst);
            } else if (agent.equals("agent-2")) {
                secondHeld.countDown();
                hold(releaseSecond);
            }
        }

        /** Lets both go, so a failing test ends its threads. */
        void releaseAll() {
            releaseFirst.countDown();
            releaseSecond.countDown();
        }
    }

    /** Blocks a listener until {@code release}; bounded, so a failing test ends its threads. */
    private static void hold(CountDownLatch release) {
        try {
            release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Command load(String job, int... partitions) {
        LoadPartitions.Builder load = LoadPartitions.newBuilder();
        for (int p : partitions) {
            load.addPartitionIds(p);
        }
        return Command.newBuilder().setJobId(job).setLoadPartitions(load).build();
    }
}
