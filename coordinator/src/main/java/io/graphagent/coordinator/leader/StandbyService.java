package io.graphagent.coordinator.leader;

import io.graphagent.coordinator.session.ControlPlaneView;
import io.graphagent.coordinator.session.CoordinatorService;
import io.graphagent.net.cause.NotLeaderRefusal;
import io.graphagent.protocol.ProtocolVersion;
import io.graphagent.protocol.Rejections;
import io.graphagent.protocol.v1.AgentMessage;
import io.graphagent.protocol.v1.CancelJobReply;
import io.graphagent.protocol.v1.CancelJobRequest;
import io.graphagent.protocol.v1.CoordinatorGrpc;
import io.graphagent.protocol.v1.CoordinatorInfo;
import io.graphagent.protocol.v1.CoordinatorMessage;
import io.graphagent.protocol.v1.JobProgress;
import io.graphagent.protocol.v1.ProbeReply;
import io.graphagent.protocol.v1.ProbeRequest;
import io.graphagent.protocol.v1.Reject;
import io.graphagent.protocol.v1.RejectReason;
import io.graphagent.protocol.v1.StatusReply;
import io.graphagent.protocol.v1.StatusRequest;
import io.graphagent.protocol.v1.SubmitReply;
import io.graphagent.protocol.v1.SubmitRequest;
import io.graphagent.protocol.v1.TimingPolicy;
import io.graphagent.protocol.v1.WatchJobRequest;
import io.grpc.stub.StreamObserver;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Coordinator service of a standby: it redirects. An agent's Hello is answered with
 * {@code Reject(NOT_LEADER, leader_address)} and the agent dials the leader; Submit, WatchJob
 * and CancelJob fail with a {@link NotLeaderRefusal} (UNAVAILABLE, a description that starts with
 * {@value #NOT_LEADER} and names the leader, {@code leader=HOST:PORT}, or etcd's problem when no
 * coordinator can lead), which a client prints as such; Status answers with
 * the control plane only (leader, standbys, etcd health; no agents or jobs: those are the
 * leader's); Probe answers as a leader does, so {@code doctor} can check the standby's TLS.
 * Thread-safe.
 */
final class StandbyService extends CoordinatorGrpc.CoordinatorImplBase {

    /** Start of the description of every call a standby refuses. */
    static final String NOT_LEADER = NotLeaderRefusal.PREFIX;

    private final String clusterId;
    private final boolean tls;
    private final TimingPolicy timing;
    private final ControlPlaneView view;
    private final LeaderElection election;
    private final Clock clock;
    private final long startedMs;
    private final AtomicLong redirects = new AtomicLong();

    /** Why etcd cannot elect anyone now (no quorum), empty while it can: a refusal says so rather than "try again". */
    private final java.util.function.Supplier<String> etcdProblem;

    StandbyService(String clusterId, boolean tls, TimingPolicy timing, ControlPlaneView view, LeaderElection election,
                   java.util.function.Supplier<String> etcdProblem, Clock clock) {
        this.etcdProblem = etcdProblem;
        this.clusterId = clusterId;
        this.tls = tls;
        this.timing = timing;
        this.view = view;
        this.election = election;
        this.clock = clock;
        this.startedMs = clock.millis();
    }

    /** Hellos redirected since start. */
    long redirects() {
        return redirects.get();
    }

    private String leaderAddress() {
        return election.leader().map(l -> l.getAddress()).orElse("");
    }

    private String refusal() {
        return refusalOfCall().description();
    }

    /** Why this standby refuses a call now: the leader it knows, or etcd's problem. */
    NotLeaderRefusal refusalOfCall() {
        return new NotLeaderRefusal(election.self().getCoordinatorId(), leaderAddress(), etcdProblem.get());
    }

    @Override
    public StreamObserver<AgentMessage> session(StreamObserver<CoordinatorMessage> responses) {
        return new StreamObserver<>() {
            private boolean answered;

            @Override
            public void onNext(AgentMessage message) {
                if (answered) {
                    return;
                }
                answered = true;
                redirects.incrementAndGet();
                Reject reject = Rejections.reject(RejectReason.NOT_LEADER, refusal()).toBuilder()
                        .setLeaderAddress(leaderAddress()).build();
                responses.onNext(CoordinatorMessage.newBuilder().setReject(reject).build());
                responses.onCompleted();
            }

            @Override
            public void onError(Throwable t) {
                // The agent went away.
            }

            @Override
            public void onCompleted() {
                if (!answered) {
                    answered = true;
                    responses.onCompleted();
                }
            }
        };
    }

    @Override
    public void submit(SubmitRequest request, StreamObserver<SubmitReply> reply) {
        reply.onError(refusalOfCall().status().asRuntimeException());
    }

    @Override
    public void watchJob(WatchJobRequest request, StreamObserver<JobProgress> progress) {
        progress.onError(refusalOfCall().status().asRuntimeException());
    }

    @Override
    public void cancelJob(CancelJobRequest request, StreamObserver<CancelJobReply> reply) {
        reply.onError(refusalOfCall().status().asRuntimeException());
    }

    @Override
    public void status(StatusRequest request, StreamObserver<StatusReply> reply) {
        reply.onNext(StatusReply.newBuilder().setCoordinator(info()).build());
        reply.onCompleted();
    }

    @Override
    public void probe(ProbeRequest request, StreamObserver<ProbeReply> reply) {
        reply.onNext(ProbeReply.newBuilder()
                .setPayload(com.google.protobuf.ByteString.copyFrom(new byte[Math.max(0, Math.min(request.getReplySizeBytes(),
                        1 << 20))]))
                .setReceivedSizeBytes(request.getPayload().size())
                .setServerTimeMs(clock.millis())
                .setCoordinator(info())
                .build());
        reply.onCompleted();
    }

    private CoordinatorInfo info() {
        long now = clock.millis();
        return CoordinatorInfo.newBuilder()
                .setClusterId(clusterId)
                .setBuildVersion(CoordinatorService.BUILD_VERSION)
                .setProtocolMin(ProtocolVersion.MIN)
                .setProtocolMax(ProtocolVersion.MAX)
                .setTls(tls)
                .setServerTimeMs(now)
                .setUptimeMs(Math.max(0, now - startedMs))
                .setTiming(timing)
                .setStore(view.store())
                .setControlPlane(view.controlPlane())
                .build();
    }
}
