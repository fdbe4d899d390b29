package io.graphagent.coordinator.session;

import io.graphagent.coordinator.membership.Admission;
import io.graphagent.coordinator.membership.AgentConnection;
import io.graphagent.coordinator.membership.MemberSession;
import io.graphagent.coordinator.membership.Membership;
import io.graphagent.net.cause.DisconnectCause;
import io.graphagent.net.cause.RejectCauses;
import io.graphagent.net.cause.FailureClassifier;
import io.graphagent.protocol.Rejections;
import io.graphagent.protocol.v1.AgentMessage;
import io.graphagent.protocol.v1.CoordinatorMessage;
import io.graphagent.protocol.v1.Hello;
import io.graphagent.protocol.v1.Reject;
import io.graphagent.protocol.v1.RejectReason;
import io.graphagent.protocol.v1.Welcome;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator's side of one Session stream: waits for the Hello (within the handshake
 * timeout), has it checked and admitted, answers Welcome or Reject, then hands heartbeats,
 * reports and the Goodbye to {@link Membership}, and tells it when the stream ends. Also the
 * {@link AgentConnection} membership sends on.
 *
 * <p>gRPC delivers the inbound callbacks one at a time; sends come from any thread and are
 * serialized here, since a gRPC stream observer is not thread-safe.
 */
final class SessionStream implements StreamObserver<AgentMessage>, AgentConnection {

    private static final Logger log = LoggerFactory.getLogger(SessionStream.class);

    private final CoordinatorService service;
    private final ServerCallStreamObserver<CoordinatorMessage> out;
    private final TransportPeer peer;
    private final AtomicBoolean helloSeen = new AtomicBoolean();
    private final Object sendLock = new Object();
    private final ScheduledFuture<?> helloDeadline;

    /** Guarded by sendLock. */
    private boolean ended;
    /** Whether the Welcome went out; guarded by sendLock. */
    private boolean welcomed;
    /**
     * Messages membership sent between admitting the session and the Welcome (a job layer
     * reacting at once to a resumed agent), held so the agent reads the Welcome first;
     * guarded by sendLock.
     */
    private final List<CoordinatorMessage> held = new ArrayList<>();
    private volatile MemberSession session;
    private volatile boolean saidGoodbye;

    SessionStream(CoordinatorService service, ServerCallStreamObserver<CoordinatorMessage> out, TransportPeer peer,
            Duration helloTimeout) {
        this.service = service;
        this.out = out;
        this.peer = peer;
        out.setOnCancelHandler(this::markEnded);
        this.helloDeadline = service.scheduler().schedule(() -> helloTimedOut(helloTimeout),
                helloTimeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public void onNext(AgentMessage message) {
        if (WireTrace.on()) {
            WireTrace.message("in", agentId(), message.getBodyCase().name(), message);
        }
        switch (message.getBodyCase()) {
            case HELLO -> onHello(message.getHello());
            case HEARTBEAT -> {
                MemberSession current = admitted(message);
                if (current != null) {
                    service.membership().heartbeat(current, message.getHeartbeat());
                }
            }
            case REPORT -> {
                MemberSession current = admitted(message);
                if (current != null) {
                    service.membership().report(current, message.getReport());
                }
            }
            case GOODBYE -> {
                MemberSession current = admitted(message);
                if (current != null) {
                    saidGoodbye = true;
                    service.membership().goodbye(current, message.getGoodbye());
                    end("goodbye");
                }
            }
            case BODY_NOT_SET -> log.debug("event=unknown_message agent={} remote={} detail=\"a message this build does"
                    + " not know (newer agent?); ignored\"", agentId(), peer.remoteAddress());
        }
    }

    private MemberSession admitted(AgentMessage message) {
        MemberSession current = session;
        if (current == null && helloSeen.compareAndSet(false, true)) {
            helloDeadline.cancel(false);
            reject("", Rejections.reject(RejectReason.HELLO_EXPECTED, "the first message on a Session stream must be"
                    + " Hello, got " + message.getBodyCase() + ": the agent build is broken; run a released agent build"));
        }
        return current;
    }

    private void onHello(Hello hello) {
        service.stats().hello();
        if (!helloSeen.compareAndSet(false, true)) {
            log.warn("event=hello_ignored agent={} remote={} detail=\"a second Hello on one stream (or after the Hello"
                    + " deadline); the first one stands\"", hello.getAgentId(), peer.remoteAddress());
            return;
        }
        helloDeadline.cancel(false);
        HelloCheck.Verdict verdict = service.helloCheck().check(hello, peer);
        if (verdict instanceof HelloCheck.Refused refused) {
            reject(hello.getAgentId(), refused.reject());
            return;
        }
        HelloCheck.Accepted accepted = (HelloCheck.Accepted) verdict;
        Admission admission = service.membership().admit(hello, accepted.agentId(), accepted.version(), this);
        if (admission instanceof Admission.Refused refused) {
            reject(accepted.agentId(), refused.reject());
            return;
        }
        MemberSession opened = ((Admission.Admitted) admission).session();
        session = opened;
        service.stats().opened(opened.resumed());
        send(CoordinatorMessage.newBuilder().setWelcome(Welcome.newBuilder()
                .setSessionId(opened.sessionId())
                .setSessionEpoch(opened.epoch().value())
                .setChosenVersion(accepted.version())
                .setTiming(service.timing())
                .setServerTimeMs(service.clock().millis())
                .setResumed(opened.resumed())
                .setClusterId(service.clusterId())
                .setCoordinatorBuild(CoordinatorService.BUILD_VERSION)
                .setAgentId(opened.agentId())
                .setLeaderTerm(service.controlPlane().term().value())).build());
        log.info("event=session_opened agent={} epoch={} resumed={} remote={} tls={} protocol={} build={}",
                opened.agentId(), opened.epoch(), opened.resumed(), peer.remoteAddress(), peer.tls(), accepted.version(),
                hello.getBuildVersion());
    }

    private void helloTimedOut(Duration timeout) {
        if (helloSeen.compareAndSet(false, true)) {
            reject("", Rejections.reject(RejectReason.HELLO_TIMEOUT, "no Hello within " + timeout.toMillis()
                    + " ms (tls.handshake-timeout) of opening the stream: check the agent's load and network"));
        }
    }

    private void reject(String agentId, Reject reject) {
        service.stats().reject(reject.getReason());
        DisconnectCause cause = RejectCauses.of(reject.getReason());
        service.causes().record(cause);
        log.warn("cause={} event=session_rejected agent={} remote={} reason={} retryable={} detail=\"{}\"",
                cause.label(), agentId.isEmpty() ? "unknown" : agentId, peer.remoteAddress(), reject.getReason(),
                reject.getRetryable(), reject.getMessage());
        send(CoordinatorMessage.newBuilder().setReject(reject).build());
        end("rejected");
    }

    @Override
    public void onError(Throwable failure) {
        helloDeadline.cancel(false);
        markEnded();
        MemberSession current = session;
        if (current != null && !saidGoodbye) {
            FailureClassifier.Classification why = FailureClassifier.explain(failure, FailureClassifier.Side.SERVER);
            service.membership().streamEnded(current, why.cause(), why.detail());
        }
    }

    @Override
    public void onCompleted() {
        helloDeadline.cancel(false);
        MemberSession current = session;
        if (current != null && !saidGoodbye) {
            service.membership().streamEnded(current, DisconnectCause.PEER_CLOSED,
                    "the agent closed its stream without Goodbye");
        }
        end("agent closed the stream");
    }

    @Override
    public boolean send(CoordinatorMessage message) {
        synchronized (sendLock) {
            if (ended || out.isCancelled()) {
                return false;
            }
            if (!welcomed && !message.hasWelcome() && !message.hasReject()) {
                held.add(message);
                return true;
            }
            if (!write(message)) {
                return false;
            }
            if (message.hasWelcome()) {
                welcomed = true;
                for (CoordinatorMessage waiting : held) {
                    if (!write(waiting)) {
                        break;
                    }
                }
                held.clear();
            }
            return true;
        }
    }

    /** Writes one message; called with sendLock held. */
    private boolean write(CoordinatorMessage message) {
        try {
            if (WireTrace.on()) {
                WireTrace.message("out", agentId(), message.getBodyCase().name(), message);
            }
            out.onNext(message);
            return true;
        } catch (RuntimeException e) {
            ended = true;
            log.debug("event=send_failed agent={} detail=\"{}\"", agentId(), FailureClassifier.oneLine(e));
            return false;
        }
    }

    @Override
    public void end(String reason) {
        synchronized (sendLock) {
            if (ended) {
                return;
            }
            ended = true;
            try {
                if (!out.isCancelled()) {
                    out.onCompleted();
                }
            } catch (RuntimeException e) {
                log.debug("event=end_failed agent={} reason=\"{}\" detail=\"{}\"", agentId(), reason,
                        FailureClassifier.oneLine(e));
            }
        }
    }

    private void markEnded() {
        synchronized (sendLock) {
            ended = true;
        }
    }

    @Override
    public boolean isOpen() {
        synchronized (sendLock) {
            return !ended && !out.isCancelled();
        }
    }

    @Override
    public String remoteAddress() {
        return peer.remoteAddress();
    }

    @Override
    public boolean tls() {
        return peer.tls();
    }

    private String agentId() {
        MemberSession current = session;
        return current == null ? "unknown" : current.agentId();
    }
}
