package io.graphagent.coordinator.session;

import io.graphagent.net.testing.FakeClock;
import io.graphagent.net.testing.LogCapture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.graphagent.config.GraphagentConfig;
import io.graphagent.coordinator.CoordinatorServer;
import io.graphagent.coordinator.job.JobApi;
import io.graphagent.net.cause.NotLeaderRefusal;
import io.graphagent.protocol.LeaderTerm;
import io.graphagent.protocol.v1.ControlPlane;
import io.graphagent.protocol.v1.SubmitReply;
import io.graphagent.net.cause.DisconnectCause;
import io.graphagent.net.certs.ClusterCertificates;
import io.graphagent.protocol.v1.CancelJobRequest;
import io.graphagent.protocol.v1.SubmitRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.graphagent.net.tls.Channels;
import io.graphagent.net.tls.HostAndPort;
import io.graphagent.net.tls.NetworkThreads;
import io.graphagent.net.tls.TlsFiles;
import io.graphagent.net.tls.TransportSecurity;
import io.graphagent.protocol.ProtocolVersion;
import io.graphagent.protocol.v1.AgentMessage;
import io.graphagent.protocol.v1.AgentState;
import io.graphagent.protocol.v1.AgentStatus;
import io.graphagent.protocol.v1.Command;
import io.graphagent.protocol.v1.CoordinatorGrpc;
import io.graphagent.protocol.v1.CoordinatorMessage;
import io.graphagent.protocol.v1.Heartbeat;
import io.graphagent.protocol.v1.HeartbeatAck;
import io.graphagent.protocol.v1.ProbeReply;
import io.graphagent.protocol.v1.ProbeRequest;
import io.graphagent.protocol.v1.Reject;
import io.graphagent.protocol.v1.RejectReason;
import io.graphagent.protocol.v1.Report;
import io.graphagent.protocol.v1.StatusReply;
import io.graphagent.protocol.v1.StatusRequest;
import io.graphagent.protocol.v1.Welcome;
import io.grpc.ManagedChannel;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Coordinator service over real sockets and mutual TLS on 127.0.0.1, driven by raw agents
 * that send exactly what each test needs; the coordinator's clock is fake, so leases expire
 * when the test says.
 */
class CoordinatorServiceTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    @TempDir
    static Path certs;
    private static NetworkThreads threads;

    private final FakeClock clock = new FakeClock();
    private final List<String> transitions = new CopyOnWriteArrayList<>();
    private final List<Report> sunk = new CopyOnWriteArrayList<>();
    private CoordinatorServer server;
    private final List<AutoCloseable> agents = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void cluster() throws Exception {
        ClusterCertificates.Issued issued = ClusterCertificates.init(certs, 3, List.of(), Duration.ofDays(1), Clock.systemUTC());
        ClusterCertificates.issueClient(certs, List.of(), issued.notAfter(), Clock.systemUTC().instant());
        threads = NetworkThreads.start("test-agent", 2);
    }

    @AfterAll
    static void stopThreads() {
        threads.close();
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable agent : agents) {
            agent.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private void start(GraphagentConfig config) throws Exception {
        start(config, new NoJobs());
    }

    private void start(GraphagentConfig config, JobApi jobs) throws Exception {
        server = CoordinatorServer.start(config, TransportSecurity.tls(TlsFiles.fromDir(certs, "coordinator")),
                directory -> jobs, clock);
        server.directory().addListener((agent, from, to, cause) -> transitions.add(agent + " " + to + " " + cause));
        server.directory().setReportSink((agent, report) -> sunk.add(report));
    }

    private RawAgent agent(String certificate) throws Exception {
        RawAgent agent = new RawAgent(server.port(), TransportSecurity.tls(TlsFiles.fromDir(certs, certificate)), threads);
        agents.add(agent);
        return agent;
    }

    private Reject rejected(RawAgent agent) throws Exception {
        CoordinatorMessage answer = agent.next();
        assertThat(answer.getBodyCase()).isEqualTo(CoordinatorMessage.BodyCase.REJECT);
        assertThat(agent.ended.get(5, TimeUnit.SECONDS)).as("stream ended cleanly after the Reject").isNull();
        return answer.getReject();
    }

    @Test
    void helloWithAnIdOtherThanTheCertificateSubjectIsRefusedAsIdentity() throws Exception {
        start(TestConfigs.coordinator());
        try (LogCapture log = new LogCapture(SessionStream.class)) {
            RawAgent agent = agent("agent-1");
            agent.hello(RawAgent.hello("agent-2"));

            Reject reject = rejected(agent);

            assertThat(reject.getReason()).isEqualTo(RejectReason.IDENTITY_REFUSED);
            assertThat(reject.getRetryable()).isFalse();
            assertThat(reject.getMessage()).contains("'agent-2'", "CN=agent-1", "agent.id agent-1");
            assertThat(server.causes().count(DisconnectCause.IDENTITY_REFUSED)).isEqualTo(1);
            assertThat(log.containing("cause=identity_refused event=session_rejected agent=agent-2")).hasSize(1);
            assertThat(server.directory().statuses()).isEmpty();
        }
    }

    @Test
    void aClientCertificateCannotOpenAnAgentSession() throws Exception {
        start(TestConfigs.coordinator());
        RawAgent agent = agent("client");
        agent.hello(RawAgent.hello("client"));

        Reject reject = rejected(agent);

        assertThat(reject.getReason()).isEqualTo(RejectReason.IDENTITY_REFUSED);
        assertThat(reject.getRetryable()).isFalse();
        assertThat(reject.getMessage()).startsWith("agent client refused: the certificate CN=client,OU=client,O=graphagent"
                + " is a client certificate (OU=client), but only an agent certificate (OU=agent) may open an agent session:");
        assertThat(server.directory().statuses()).as("it never shows in status").isEmpty();
    }

    @Test
    void jobsAreTakenOnlyFromClientCertificatesWhileStatusIsOpenToAll() throws Exception {
        start(TestConfigs.coordinator());
        CoordinatorGrpc.CoordinatorBlockingStub agent2 = stub("agent-2");
        CoordinatorGrpc.CoordinatorBlockingStub client = stub("client");

        assertThatThrownBy(() -> agent2.submit(SubmitRequest.getDefaultInstance()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
                    assertThat(e.getStatus().getDescription()).startsWith("the certificate CN=agent-2,OU=agent,O=graphagent is"
                            + " an agent certificate (OU=agent), but only a client certificate (OU=client) may submit jobs:");
                });
        assertThatThrownBy(() -> agent2.cancelJob(CancelJobRequest.newBuilder().setJobId("job-1").build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED));
        assertThat(server.causes().count(DisconnectCause.IDENTITY_REFUSED)).isEqualTo(2);
        assertThat(agent2.status(StatusRequest.getDefaultInstance()).getCoordinator().getTls()).isTrue();
        assertThat(client.submit(SubmitRequest.getDefaultInstance()).getJobId()).isEqualTo("job-1");
    }

    /**
     * etcd lost its quorum but the health watch has not noticed yet (its next probe is up to a
     * second and a call timeout away): the job's record could not be committed. The Submit is
     * refused with the quorum as the cause, exactly as once the watch knows, not with a field
     * error about the job (which the client reported as a bad request, exit 2).
     */
    @Test
    void aSubmitWhoseRecordEtcdCouldNotCommitIsRefusedForTheQuorumAsOnceTheWatchKnows() throws Exception {
        String problem = "etcd has no quorum: etcd at http://127.0.0.1:2379 did not serve a read (quorum) (no answer"
                + " within 2000 ms). Fix: check that a majority of the etcd members run and are reachable";
        NoJobs unrecordable = new NoJobs() {
            @Override
            public SubmitReply submit(SubmitRequest request) throws StoreUnavailableException {
                throw new StoreUnavailableException(problem, null);
            }
        };
        start(TestConfigs.coordinator(), unrecordable);
        String[] watchVerdict = {""};
        server.service().useControlPlane(etcdView(ControlPlane.getDefaultInstance(), () -> watchVerdict[0]));
        CoordinatorGrpc.CoordinatorBlockingStub client = stub("client");

        StatusRuntimeException beforeTheWatch = catchThrowableOfType(StatusRuntimeException.class,
                () -> client.submit(SubmitRequest.getDefaultInstance()));
        watchVerdict[0] = problem;
        StatusRuntimeException afterTheWatch = catchThrowableOfType(StatusRuntimeException.class,
                () -> client.submit(SubmitRequest.getDefaultInstance()));

        assertThat(beforeTheWatch.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(NotLeaderRefusal.of(beforeTheWatch)).contains(new NotLeaderRefusal("coordinator-1", "", problem));
        assertThat(beforeTheWatch.getStatus().getDescription()).isEqualTo(afterTheWatch.getStatus().getDescription());
    }

    /**
     * A leader deposed while it still serves (its store fenced the job's record, before the
     * standby's service replaced this one) refuses Submit as a standby does, naming the new
     * leader it already knows of, not with a field error.
     */
    @Test
    void aSubmitFencedBecauseThisCoordinatorWasDeposedIsRefusedNamingTheNewLeader() throws Exception {
        NoJobs deposed = new NoJobs() {
            @Override
            public SubmitReply submit(SubmitRequest request) throws NotLeaderException {
                throw new NotLeaderException("could not record job-4: this coordinator no longer leads", null);
            }
        };
        start(TestConfigs.coordinator(), deposed);
        server.service().useControlPlane(etcdView(ControlPlane.newBuilder().setLeaderTerm(4).setLeaderId("coordinator-2")
                .setLeaderAddress("10.0.0.2:7400").build(), () -> ""));

        StatusRuntimeException refused = catchThrowableOfType(StatusRuntimeException.class,
                () -> stub("client").submit(SubmitRequest.getDefaultInstance()));

        assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(NotLeaderRefusal.of(refused)).contains(new NotLeaderRefusal("coordinator-1", "10.0.0.2:7400", ""));
        assertThat(NotLeaderRefusal.of(refused).orElseThrow().summary()).endsWith("the leader is at 10.0.0.2:7400");
    }

    /** coordinator-1 of an etcd store in term 3, seeing {@code plane}, admitting jobs unless {@code admissionProblem} says why not. */
    private static ControlPlaneView etcdView(ControlPlane plane, java.util.function.Supplier<String> admissionProblem) {
        return new ControlPlaneView() {
            @Override
            public LeaderTerm term() {
                return LeaderTerm.of(3);
            }

            @Override
            public String store() {
                return "etcd";
            }

            @Override
            public ControlPlane controlPlane() {
                return plane;
            }

            @Override
            public String admissionProblem() {
                return admissionProblem.get();
            }

            @Override
            public String coordinatorId() {
                return "coordinator-1";
            }
        };
    }

    private CoordinatorGrpc.CoordinatorBlockingStub stub(String certificate) throws Exception {
        ManagedChannel channel = Channels.client(new HostAndPort("127.0.0.1", server.port()),
                TransportSecurity.tls(TlsFiles.fromDir(certs, certificate)), Channels.ClientTimeouts.TEST, threads);
        agents.add(() -> channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
        return CoordinatorGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS);
    }

    @Test
    void helloWithAProtocolRangeOutsideOursIsRefusedNamingBothRanges() throws Exception {
        start(TestConfigs.coordinator());
        RawAgent agent = agent("agent-1");
        agent.hello(RawAgent.hello("agent-1").setProtocolMin(ProtocolVersion.MAX + 6).setProtocolMax(ProtocolVersion.MAX + 8));

        Reject reject = rejected(agent);

        assertThat(reject.getReason()).isEqualTo(RejectReason.VERSION_UNSUPPORTED);
        assertThat(reject.getRetryable()).isFalse();
        assertThat(reject.getCoordinatorProtocolMax()).isEqualTo(ProtocolVersion.MAX);
        assertThat(reject.getMessage()).contains(ProtocolVersion.describe(), "Upgrade the coordinator");
        assertThat(server.sessionStats().rejected(RejectReason.VERSION_UNSUPPORTED)).isEqualTo(1);
        assertThat(server.causes().count(DisconnectCause.PROTOCOL_VERSION_UNSUPPORTED)).isEqualTo(1);
    }

    @Test
    void helloFromAnotherClusterIsRefused() throws Exception {
        start(TestConfigs.withCluster(TestConfigs.coordinator(), "prod"));
        RawAgent agent = agent("agent-1");
        agent.hello(RawAgent.hello("agent-1"));

        Reject reject = rejected(agent);

        assertThat(reject.getReason()).isEqualTo(RejectReason.CLUSTER_MISMATCH);
        assertThat(reject.getMessage()).contains("'graphagent'", "'prod'", "cluster.id: prod");
    }

    @Test
    void theFirstMessageMustBeHelloAndMustComeWithinTheHandshakeTimeout() throws Exception {
        start(TestConfigs.withHandshakeTimeout(TestConfigs.coordinator(), Duration.ofMillis(300)));
        RawAgent early = agent("agent-1");
        early.heartbeat(1, 1);
        assertThat(rejected(early).getReason()).isEqualTo(RejectReason.HELLO_EXPECTED);

        RawAgent silent = agent("agent-2");
        silent.send(AgentMessage.getDefaultInstance());
        Reject timeout = rejected(silent);
        assertThat(timeout.getReason()).isEqualTo(RejectReason.HELLO_TIMEOUT);
        assertThat(timeout.getRetryable()).isTrue();
    }

    @Test
    void heartbeatsAreAckedAtOnceWithServerTimeAndTheRenewedLease() throws Exception {
        start(TestConfigs.coordinator());
        RawAgent agent = agent("agent-1");
        Welcome welcome = agent.join("agent-1");
        assertThat(welcome.getSessionEpoch()).isEqualTo(1);
        assertThat(welcome.getTiming().getLeaseTtlMs()).isEqualTo(2_000);
        assertThat(welcome.getServerTimeMs()).isEqualTo(clock.millis());
        assertThat(welcome.getAgentId()).isEqualTo("agent-1");

        agent.send(AgentMessage.newBuilder().setHeartbeat(Heartbeat.newBuilder().setSeq(1).setSessionEpoch(1)
                .setAgentSendTimeMs(123).setLastRttMicros(450).setClockOffsetMs(-7)).build());
        HeartbeatAck ack = agent.next().getHeartbeatAck();

        assertThat(ack.getSeq()).isEqualTo(1);
        assertThat(ack.getAgentSendTimeMs()).isEqualTo(123);
        assertThat(ack.getServerTimeMs()).isEqualTo(clock.millis());
        assertThat(ack.getLeaseRemainingMs()).isEqualTo(2_000);
        await().atMost(WAIT).until(() -> server.directory().state("agent-1") == AgentState.ALIVE);
        AgentStatus status = server.directory().statuses().get(0);
        assertThat(status.getRttMicros()).isEqualTo(450);
        assertThat(status.getClockSkewMs()).isEqualTo(-7);
        assertThat(status.getTls()).isTrue();
        assertThat(status.getRemoteAddress()).startsWith("127.0.0.1:");
    }

    @Test
    void leaseExpiryOnTheCoordinatorClockMakesTheAgentSuspectThenDeadAndFencesIt() throws Exception {
        start(TestConfigs.coordinator());
        RawAgent agent = agent("agent-1");
        agent.join("agent-1");
        agent.heartbeat(1, 1);
        agent.next();
        await().atMost(WAIT).until(() -> server.directory().state("agent-1") == AgentState.ALIVE);

        clock.advance(Duration.ofMillis(751));
        await().atMost(WAIT).until(() -> server.directory().state("agent-1") == AgentState.SUSPECT);
        clock.advance(Duration.ofMillis(1_249));
        await().atMost(WAIT).until(() -> server.directory().state("agent-1") == AgentState.DEAD);

        assertThat(transitions).containsExactly("agent-1 JOINING hello", "agent-1 ALIVE first_heartbeat",
                "agent-1 SUSPECT heartbeat_late", "agent-1 DEAD lease_expired");
        CoordinatorMessage fenced = agent.next();
        assertThat(fenced.getFenced().getStaleEpoch()).isEqualTo(1);
        assertThat(fenced.getFenced().getMessage()).contains("lease expired");
        assertThat(agent.ended.get(5, TimeUnit.SECONDS)).isNull();
        assertThat(server.causes().count(DisconnectCause.LEASE_EXPIRED)).isEqualTo(1);
    }

    @Test
    void aBrokenStreamMakesTheAgentSuspectWithItsCause() throws Exception {
        start(TestConfigs.coordinator());
        RawAgent agent = agent("agent-1");
        agent.join("agent-1");
        agent.heartbeat(1, 1);
        agent.next();

        agent.cancel();

        await().atMost(WAIT).until(() -> server.directory().state("agent-1") == AgentState.SUSPECT);
        assertThat(transitions).last().isEqualTo("agent-1 SUSPECT stream_broken");
    }

    @Test
    void aCommandSentTheMomentASessionResumesReachesTheAgentAfterItsWelcome() throws Exception {
        start(TestConfigs.coordinator());
        server.directory().addListener((agent, from, to, cause) -> {
            if (cause.equals("resumed")) {
                server.directory().send(agent, Command.newBuilder().setCommandId(9).setJobId("job-1").build());
            }
        });
        RawAgent first = agent("agent-1");
        Welcome welcome = first.join("agent-1");
        first.heartbeat(1, welcome.getSessionEpoch());
        first.next();
        first.cancel();
        await().atMost(WAIT).until(() -> server.directory().state("agent-1") == AgentState.SUSPECT);

        RawAgent again = agent("agent-1");
        again.hello(RawAgent.hello("agent-1").setResumeSessionId(welcome.getSessionId()));

        CoordinatorMessage answer = again.next();
        assertThat(answer.getWelcome().getResumed()).isTrue();
        assertThat(answer.getWelcome().getSessionEpoch()).isEqualTo(welcome.getSessionEpoch());
        CoordinatorMessage command = again.next();
        assertThat(command.getCommand().getCommandId()).isEqualTo(9);
        assertThat(command.getCommand().getSessionEpoch()).isEqualTo(welcome.getSessionEpoch());
    }

    @Test
    void aReportOfAStaleEpochIsRefusedCountedAndNeverReachesTheJobLayer() throws Exception {
        start(TestConfigs.coordinator());
        RawAgent first = agent("agent-2");
        first.join("agent-2");
        RawAgent agent = agent("agent-1");
        Welcome welcome = agent.join("agent-1");
        assertThat(welcome.getSessionEpoch()).isEqualTo(2);

        agent.report(Report.newBuilder().setCommandId(1).setJobId("job-1").setSessionEpoch(2).build());
        agent.report(Report.newBuilder().setCommandId(2).setJobId("job-1").setSessionEpoch(1).build());

        CoordinatorMessage fenced = agent.next();
        assertThat(fenced.getFenced().getStaleEpoch()).isEqualTo(1);
        assertThat(agent.ended.get(5, TimeUnit.SECONDS)).isNull();
        assertThat(sunk).extracting(Report::getCommandId).containsExactly(1L);
        assertThat(server.directory().refusedReports()).isEqualTo(1);
        assertThat(server.causes().count(DisconnectCause.FENCED)).isEqualTo(1);
        assertThat(server.directory().state("agent-1")).isEqualTo(AgentState.DEAD);
        assertThat(server.directory().state("agent-2")).isEqualTo(AgentState.JOINING);
    }

    @Test
    void statusShowsTheFleetAndTheJobsAndProbeEchoesTheRequestedSize() throws Exception {
        start(TestConfigs.coordinator());
        agent("agent-1").join("agent-1");
        CoordinatorGrpc.CoordinatorBlockingStub stub = stub("agent-3");

        StatusReply status = stub.status(StatusRequest.getDefaultInstance());
        ProbeReply probe = stub.probe(ProbeRequest.newBuilder().setPayload(ByteString.copyFrom(new byte[1000]))
                .setReplySizeBytes(70_000).build());

        assertThat(status.getCoordinator().getTls()).isTrue();
        assertThat(status.getCoordinator().getClusterId()).isEqualTo("graphagent");
        assertThat(status.getCoordinator().getTiming().getHeartbeatIntervalMs()).isEqualTo(250);
        assertThat(status.getAgentsList()).extracting(AgentStatus::getAgentId, AgentStatus::getState)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("agent-1", AgentState.JOINING));
        assertThat(status.getJobsList()).extracting(j -> j.getJobId()).containsExactly("job-1");
        assertThat(probe.getPayload().size()).isEqualTo(70_000);
        assertThat(probe.getReceivedSizeBytes()).isEqualTo(1000);
        assertThat(probe.getMaxMessageSizeBytes()).isEqualTo(64 * 1024 * 1024);
    }
}
