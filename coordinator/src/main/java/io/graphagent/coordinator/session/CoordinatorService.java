package io.graphagent.coordinator.session;

import com.google.protobuf.ByteString;
import io.graphagent.config.GraphagentConfig;
import io.graphagent.coordinator.job.JobApi;
import io.graphagent.coordinator.membership.Membership;
import io.graphagent.net.cause.CauseCounter;
import io.graphagent.net.cause.DisconnectCause;
import io.graphagent.net.certs.CertificateRole;
import io.graphagent.net.cause.FailureClassifier;
import io.graphagent.net.cause.NotLeaderRefusal;
import io.graphagent.protocol.ProtocolVersion;
import io.graphagent.protocol.v1.AgentMessage;
import io.graphagent.protocol.v1.CancelJobReply;
import io.graphagent.protocol.v1.CancelJobRequest;
import io.graphagent.protocol.v1.CoordinatorGrpc;
import io.graphagent.protocol.v1.CoordinatorInfo;
import io.graphagent.protocol.v1.CoordinatorMessage;
import io.graphagent.protocol.v1.JobProgress;
import io.graphagent.protocol.v1.JobStatus;
import io.graphagent.protocol.v1.ProbeReply;
import io.graphagent.protocol.v1.ProbeRequest;
import io.graphagent.protocol.v1.StatusReply;
import io.graphagent.protocol.v1.StatusRequest;
import io.graphagent.protocol.v1.SubmitReply;
import io.graphagent.protocol.v1.SubmitRequest;
import io.graphagent.protocol.v1.TimingPolicy;
import io.graphagent.protocol.v1.WatchJobRequest;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gRPC Coordinator service: one {@link SessionStream} per agent Session stream, the
 * fleet's Status, the doctor's Probe, and the job calls, which go to the {@link JobApi}.
 * Thread-safe.
 */
public final class CoordinatorService extends CoordinatorGrpc.CoordinatorImplBase {

    private static final Logger log = LoggerFactory.getLogger(CoordinatorService.class);

    /** This build's version, from the jar manifest; {@code dev} when run from classes. */
    public static final String BUILD_VERSION = Optional.ofNullable(
            CoordinatorService.class.getPackage().getImplementationVersion()).orElse("dev");

    private final Membership membership;
    private final JobApi jobs;
    private final ScheduledExecutorService scheduler;
    private final CauseCounter causes;
    private final Clock clock;
    private final Instant startedAt;
    private final String clusterId;
    private final boolean tls;
    private final int maxMessageSize;
    private final Duration helloTimeout;
    private final TimingPolicy timing;
    private final HelloCheck helloCheck;
    private final SessionStats stats = new SessionStats();
    private volatile ControlPlaneView controlPlane = ControlPlaneView.LOCAL;
    private volatile Supplier<List<io.graphagent.protocol.v1.ResidentGraph>> residentGraphs = List::of;
    private volatile Supplier<io.graphagent.protocol.v1.RoutingTable> routing = null;

    /**
     * @param config     cluster id, timing policy, handshake timeout (also the Hello deadline), max message size
     * @param tls        whether the server this service runs on speaks TLS (shown in status and probes)
     * @param membership the agents
     * @param jobs       where Submit, WatchJob, CancelJob and the jobs of Status go
     * @param scheduler  runs the Hello deadlines; owned by the caller
     * @param causes     counts refused Hellos by cause, alongside the server's TLS failures
     * @param clock      the coordinator's time
     */
    public CoordinatorService(GraphagentConfig config, boolean tls, Membership membership, JobApi jobs,
            ScheduledExecutorService scheduler, CauseCounter causes, Clock clock) {
        this.membership = Objects.requireNonNull(membership, "membership");
        this.jobs = Objects.requireNonNull(jobs, "jobs");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.causes = Objects.requireNonNull(causes, "causes");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.startedAt = clock.instant();
        this.clusterId = config.cluster().id();
        this.tls = tls;
        this.maxMessageSize = (int) Math.min(config.grpc().maxMessageSize(), Integer.MAX_VALUE);
        this.helloTimeout = config.tls().handshakeTimeout();
        this.timing = timingPolicy(config.timingPolicy());
        this.helloCheck = new HelloCheck(clusterId, ProtocolVersion.MIN, ProtocolVersion.MAX);
    }

    /** The timing a coordinator advertises in Welcome, in the wire's milliseconds. */
    public static TimingPolicy timingPolicy(io.graphagent.config.TimingPolicy policy) {
        return TimingPolicy.newBuilder()
                .setHeartbeatIntervalMs(policy.heartbeatInterval().toMillis())
                .setLeaseTtlMs(policy.leaseTtl().toMillis())
                .setSuspectAfterMs(policy.suspectAfter().toMillis())
                .setKeepaliveTimeMs(policy.keepaliveTime().toMillis())
                .setKeepaliveTimeoutMs(policy.keepaliveTimeout().toMillis())
                .setPermitKeepaliveTimeMs(policy.permitKeepaliveTime().toMillis())
                .setHandshakeTimeoutMs(policy.handshakeTimeout().toMillis())
                .build();
    }

    /**
     * This service with the interceptor that reads each call's TLS peer (needed for the
     * identity check): add this to a server, not the bare service.
     */
    public ServerServiceDefinition definition() {
        return ServerInterceptors.intercept(this, TransportPeer.interceptor());
    }

    @Override
    public StreamObserver<AgentMessage> session(StreamObserver<CoordinatorMessage> responses) {
        return new SessionStream(this, (ServerCallStreamObserver<CoordinatorMessage>) responses, TransportPeer.current(),
                helloTimeout);
    }

    @Override
    public void submit(SubmitRequest request, StreamObserver<SubmitReply> reply) {
        if (!clientOnly("submit", "submit jobs", reply)) {
            return;
        }
        if (request.getJob().hasProgram() && !request.getJob().getProgram().getClassName().isEmpty()
                && !TransportPeer.current().tls()) {
            // Without TLS no certificate says who sends the code: user programs need the cluster's CA.
            log.warn("event=job_refused cause=user_program_without_tls client={}", request.getClientName());
            reply.onNext(SubmitReply.newBuilder().addErrors(io.graphagent.protocol.v1.FieldError.newBuilder()
                    .setField("program").setMessage("this coordinator runs without TLS (--insecure), so no"
                            + " certificate says who sends the code: user programs are refused. Fix: run the cluster"
                            + " with TLS (graphagent certs init) and submit with a client certificate of its CA"))
                    .build());
            reply.onCompleted();
            return;
        }
        ControlPlaneView view = controlPlane;
        String problem = view.admissionProblem();
        if (!problem.isEmpty()) {
            refuseForTheStore(request, reply, view, problem);
            return;
        }
        SubmitReply answer;
        try {
            answer = jobs.submit(request);
        } catch (JobApi.StoreUnavailableException e) {
            // etcd lost its quorum before the health watch noticed: the same refusal as once it has.
            refuseForTheStore(request, reply, view, e.getMessage());
            return;
        } catch (JobApi.NotLeaderException e) {
            // Deposed before this service was replaced by a standby's: refused as a standby refuses.
            refuseAsDeposed(request, reply, view, e.getMessage());
            return;
        } catch (RuntimeException e) {
            fail("submit", reply, e);
            return;
        }
        reply.onNext(answer);
        reply.onCompleted();
    }

    /**
     * Refuses a Submit because the cluster store cannot record jobs (etcd has no quorum): the cause
     * of an unavailable cluster, not a mistake in the job, so the client exits as for a
     * coordinator that cannot serve, naming etcd's quorum and the fix.
     */
    private static void refuseForTheStore(SubmitRequest request, StreamObserver<SubmitReply> reply, ControlPlaneView view,
            String problem) {
        log.warn("cause=not_leader event=job_refused client={} detail=\"{}\"", request.getClientName(), problem);
        reply.onError(new NotLeaderRefusal(view.coordinatorId(), "", problem).status().asRuntimeException());
    }

    /**
     * Refuses a Submit because this coordinator no longer leads (the store fenced the job's
     * record): a standby's refusal, naming the leader when the control plane already knows
     * another one (a client then calls it), else saying an election is under way.
     */
    private static void refuseAsDeposed(SubmitRequest request, StreamObserver<SubmitReply> reply, ControlPlaneView view,
            String detail) {
        var plane = view.controlPlane();
        String leader = plane.getLeaderId().isEmpty() || plane.getLeaderId().equals(view.coordinatorId()) ? ""
                : plane.getLeaderAddress();
        log.warn("cause=not_leader event=job_refused client={} leader={} detail=\"{}\"", request.getClientName(), leader,
                detail);
        reply.onError(new NotLeaderRefusal(view.coordinatorId(), leader, "").status().asRuntimeException());
    }

    @Override
    public void watchJob(WatchJobRequest request, StreamObserver<JobProgress> progress) {
        try {
            jobs.watch(request, progress);
        } catch (RuntimeException e) {
            fail("watch_job", progress, e);
        }
    }

    @Override
    public void cancelJob(CancelJobRequest request, StreamObserver<CancelJobReply> reply) {
        if (clientOnly("cancel_job", "cancel jobs", reply)) {
            unary("cancel_job", reply, () -> jobs.cancel(request));
        }
    }

    /**
     * Whether the caller's certificate is a client's; otherwise answers PERMISSION_DENIED naming
     * the certificate, its role and the fix (the client exits 3: retrying cannot help), and
     * counts the refusal as {@code identity_refused}.
     */
    private boolean clientOnly(String call, String what, StreamObserver<?> reply) {
        TransportPeer peer = TransportPeer.current();
        Optional<String> refusal = RoleCheck.refusal(peer, CertificateRole.CLIENT, what,
                "use the client certificate (client.pem of `graphagent certs init`; --certs DIR picks it)");
        if (refusal.isEmpty()) {
            return true;
        }
        causes.record(DisconnectCause.IDENTITY_REFUSED);
        log.warn("event=call_refused call={} peer={} cause={} detail=\"{}\"", call, peer.remoteAddress(),
                DisconnectCause.IDENTITY_REFUSED.label(), refusal.get());
        reply.onError(Status.PERMISSION_DENIED.withDescription(refusal.get()).asRuntimeException());
        return false;
    }

    @Override
    public void status(StatusRequest request, StreamObserver<StatusReply> reply) {
        unary("status", reply, () -> {
            StatusReply.Builder status = StatusReply.newBuilder().setCoordinator(info())
                    .addAllAgents(membership.statuses());
            try {
                List<JobStatus> list = jobs.jobs(request.getIncludeFinishedJobs());
                status.addAllJobs(list);
            } catch (RuntimeException e) {
                log.warn("event=status_jobs_failed detail=\"{}\"", FailureClassifier.oneLine(e), e);
            }
            status.addAllGraphs(residentGraphs.get());
            if (routing != null) {
                status.setRouting(routing.get());
            }
            return status.build();
        });
    }

    @Override
    public void probe(ProbeRequest request, StreamObserver<ProbeReply> reply) {
        if (request.getReplySizeBytes() > maxMessageSize) {
            reply.onError(Status.INVALID_ARGUMENT.withDescription("reply size " + request.getReplySizeBytes()
                    + " bytes exceeds the coordinator's grpc.max-message-size of " + maxMessageSize + " bytes: ask for less")
                    .asRuntimeException());
            return;
        }
        unary("probe", reply, () -> ProbeReply.newBuilder()
                .setPayload(ByteString.copyFrom(new byte[request.getReplySizeBytes()]))
                .setReceivedSizeBytes(request.getPayload().size())
                .setServerTimeMs(clock.millis())
                .setCoordinator(info())
                .setMaxMessageSizeBytes(maxMessageSize)
                .build());
    }

    /** Shows the resident graphs and the query routing table in Status. */
    public void useResidentGraphs(Supplier<List<io.graphagent.protocol.v1.ResidentGraph>> graphs,
                                  Supplier<io.graphagent.protocol.v1.RoutingTable> table) {
        this.residentGraphs = Objects.requireNonNull(graphs, "graphs");
        this.routing = Objects.requireNonNull(table, "table");
    }

    /** Shows {@code view} in Status and stamps its term on every Welcome (etcd store). */
    public void useControlPlane(ControlPlaneView view) {
        this.controlPlane = Objects.requireNonNull(view, "view");
    }

    /** The control plane this coordinator shows (the local store's, or the etcd store's leader and standbys). */
    public ControlPlaneView controlPlane() {
        return controlPlane;
    }

    private CoordinatorInfo info() {
        Instant now = clock.instant();
        ControlPlaneView view = controlPlane;
        return CoordinatorInfo.newBuilder()
                .setStore(view.store())
                .setControlPlane(view.controlPlane())
                .setClusterId(clusterId)
                .setBuildVersion(BUILD_VERSION)
                .setProtocolMin(ProtocolVersion.MIN)
                .setProtocolMax(ProtocolVersion.MAX)
                .setTls(tls)
                .setServerTimeMs(now.toEpochMilli())
                .setUptimeMs(Math.max(0, Duration.between(startedAt, now).toMillis()))
                .setTiming(timing)
                .build();
    }

    private static <T> void unary(String call, StreamObserver<T> reply, Supplier<T> answer) {
        T value;
        try {
            value = answer.get();
        } catch (RuntimeException e) {
            fail(call, reply, e);
            return;
        }
        reply.onNext(value);
        reply.onCompleted();
    }

    private static void fail(String call, StreamObserver<?> reply, RuntimeException e) {
        log.error("event=call_failed call={} detail=\"{}\"", call, FailureClassifier.oneLine(e), e);
        reply.onError(Status.INTERNAL.withDescription(call + " failed on the coordinator: " + FailureClassifier.oneLine(e)
                + " (see the coordinator's log)").asRuntimeException());
    }

    /** Counts of Hellos, sessions and refusals since start. */
    public SessionStats stats() {
        return stats;
    }

    Membership membership() {
        return membership;
    }

    ScheduledExecutorService scheduler() {
        return scheduler;
    }

    CauseCounter causes() {
        return causes;
    }

    Clock clock() {
        return clock;
    }

    String clusterId() {
        return clusterId;
    }

    TimingPolicy timing() {
        return timing;
    }

    HelloCheck helloCheck() {
        return helloCheck;
    }
}
