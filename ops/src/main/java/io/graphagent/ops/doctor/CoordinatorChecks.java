package io.graphagent.ops.doctor;

import com.google.protobuf.ByteString;
import io.graphagent.config.DataSize;
import io.graphagent.config.DurationFormat;
import io.graphagent.config.Problem;
import io.graphagent.net.cause.DisconnectCause;
import io.graphagent.net.cause.FailureClassifier;
import io.graphagent.protocol.ProtocolVersion;
import io.graphagent.protocol.v1.AgentMessage;
import io.graphagent.protocol.v1.AgentState;
import io.graphagent.protocol.v1.AgentStatus;
import io.graphagent.protocol.v1.CoordinatorGrpc;
import io.graphagent.protocol.v1.CoordinatorMessage;
import io.graphagent.protocol.v1.Goodbye;
import io.graphagent.protocol.v1.GoodbyeReason;
import io.graphagent.protocol.v1.Hello;
import io.graphagent.protocol.v1.ProbeReply;
import io.graphagent.protocol.v1.ProbeRequest;
import io.graphagent.protocol.v1.RejectReason;
import io.graphagent.protocol.v1.StatusReply;
import io.graphagent.protocol.v1.StatusRequest;
import io.graphagent.protocol.v1.TimingPolicy;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The checks that talk gRPC to the coordinator: protocol version (a real Hello), clock skew,
 * timing policy, round trip, large messages and the agents' data ports. Not thread-safe.
 */
final class CoordinatorChecks {

    /** Skew above which heartbeat RTT and lease arithmetic across machines get misleading. */
    static final Duration SKEW_WARN = Duration.ofMillis(250);
    /** Skew above which certificates near their validity edges and lease ages are wrong: fix NTP. */
    static final Duration SKEW_FAIL = Duration.ofSeconds(2);
    /** Probes in the round-trip sample: enough for a median, few enough to finish in a blink. */
    static final int RTT_SAMPLES = 10;
    /** Probes for the clock offset; the one with the smallest round trip bounds the error best. */
    static final int SKEW_SAMPLES = 3;
    /** Room left under the message size limit for the protobuf framing of a probe. */
    static final int PROBE_OVERHEAD = 1024;
    /** The first large-message probe; each next one is four times larger. */
    static final int FIRST_LARGE_PROBE = 64 * (int) DataSize.KIB;

    private final DoctorOptions options;
    private final ManagedChannel channel;

    CoordinatorChecks(DoctorOptions options, ManagedChannel channel) {
        this.options = options;
        this.channel = channel;
    }

    private CoordinatorGrpc.CoordinatorBlockingStub stub() {
        return CoordinatorGrpc.newBlockingStub(channel).withDeadlineAfter(options.callDeadline().toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * A Hello as agent {@code doctor}; PASS on Welcome or any Reject but VERSION_UNSUPPORTED. The
     * Hello carries no data address on purpose: the coordinator checks the version first and then
     * refuses it (INVALID_HELLO), so doctor never joins the membership, even on an --insecure
     * coordinator that checks no identity.
     */
    CheckResult protocol() {
        String name = "protocol";
        CompletableFuture<CoordinatorMessage> answer = new CompletableFuture<>();
        StreamObserver<AgentMessage> requests = CoordinatorGrpc.newStub(channel).session(new StreamObserver<>() {
            @Override
            public void onNext(CoordinatorMessage message) {
                answer.complete(message);
            }

            @Override
            public void onError(Throwable t) {
                answer.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
                answer.completeExceptionally(new IllegalStateException("the coordinator ended the stream without an answer"));
            }
        });
        String offered = ProtocolVersion.describe(options.protocolMin(), options.protocolMax());
        try {
            requests.onNext(AgentMessage.newBuilder().setHello(Hello.newBuilder().setAgentId("doctor")
                    .setProtocolMin(options.protocolMin()).setProtocolMax(options.protocolMax())
                    .setBuildVersion("doctor").setClusterId(options.config().cluster().id())
                    .setAgentTimeMs(options.clock().millis())).build());
            CoordinatorMessage message = answer.get(options.callDeadline().toMillis(), TimeUnit.MILLISECONDS);
            if (message.hasWelcome()) {
                requests.onNext(AgentMessage.newBuilder().setGoodbye(Goodbye.newBuilder()
                        .setReason(GoodbyeReason.AGENT_STOPPING).setMessage("graphagent doctor: check done")).build());
                requests.onCompleted();
                return CheckResult.pass(name, "Welcome: version " + message.getWelcome().getChosenVersion() + " chosen from our "
                        + offered + " (coordinator build " + message.getWelcome().getCoordinatorBuild() + ")");
            }
            requests.onCompleted();
            if (message.hasReject()) {
                var reject = message.getReject();
                String range = reject.getCoordinatorProtocolMax() == 0 ? "(range not stated in this Reject)"
                        : ProtocolVersion.describe(reject.getCoordinatorProtocolMin(), reject.getCoordinatorProtocolMax());
                if (reject.getReason() == RejectReason.VERSION_UNSUPPORTED) {
                    return CheckResult.fail(name, DisconnectCause.PROTOCOL_VERSION_UNSUPPORTED, "we speak " + offered
                            + ", the coordinator " + range + ": " + reject.getMessage());
                }
                return CheckResult.pass(name, "compatible: we speak " + offered + ", the coordinator " + range
                        + "; it answered Reject " + reject.getReason() + " past the version check, as expected for 'doctor'");
            }
            return CheckResult.fail(name, DisconnectCause.UNKNOWN, "the coordinator answered Hello with " + message.getBodyCase()
                    + " instead of Welcome or Reject");
        } catch (TimeoutException e) {
            requests.onError(io.grpc.Status.CANCELLED.withDescription("doctor timed out").asRuntimeException());
            return CheckResult.fail(name, DisconnectCause.DEADLINE_EXCEEDED, "no answer to Hello within "
                    + options.callDeadline().toMillis() + " ms");
        } catch (ExecutionException e) {
            return failed(name, e.getCause(), "Hello");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CheckResult.fail(name, DisconnectCause.UNKNOWN, "interrupted");
        }
    }

    /** Offset of the coordinator's clock from ours, from the probe with the smallest round trip. */
    CheckResult clockSkew() {
        String name = "clock-skew";
        long bestRtt = Long.MAX_VALUE;
        long offset = 0;
        try {
            for (int i = 0; i < SKEW_SAMPLES; i++) {
                long sent = options.clock().millis();
                long start = System.nanoTime();
                ProbeReply reply = stub().probe(ProbeRequest.getDefaultInstance());
                long rtt = System.nanoTime() - start;
                if (rtt < bestRtt) {
                    bestRtt = rtt;
                    offset = reply.getServerTimeMs() - (sent + TimeUnit.NANOSECONDS.toMillis(rtt) / 2);
                }
            }
        } catch (RuntimeException e) {
            return failed(name, e, "Probe");
        }
        Duration skew = Duration.ofMillis(offset);
        String measured = "coordinator clock " + (offset >= 0 ? "ahead of" : "behind") + " ours by " + Math.abs(offset)
                + " ms (+/- " + TimeUnit.NANOSECONDS.toMillis(bestRtt / 2) + " ms)";
        String fix = "synchronise both machines' clocks with NTP (chrony/systemd-timesyncd) and check `timedatectl`";
        if (skew.abs().compareTo(SKEW_FAIL) > 0) {
            return CheckResult.fail(name, measured + ", over " + SKEW_FAIL.toMillis() + " ms", fix);
        }
        if (skew.abs().compareTo(SKEW_WARN) > 0) {
            return CheckResult.warn(name, measured + ", over " + SKEW_WARN.toMillis() + " ms", fix);
        }
        return CheckResult.pass(name, measured);
    }

    /** The coordinator's advertised policy against the local config, one WARN per disagreement. */
    List<CheckResult> timing(StatusReply status) {
        String name = "timing";
        if (!options.configGiven()) {
            return List.of(CheckResult.skipped(name, "no --config given: no local timing to compare with the coordinator's"));
        }
        io.graphagent.config.TimingPolicy advertised = fromProto(status.getCoordinator().getTiming());
        List<Problem> problems = advertised.compareWithLocal(options.config().timingPolicy());
        if (problems.isEmpty()) {
            return List.of(CheckResult.pass(name, "the local config agrees with the coordinator's policy (heartbeat "
                    + DurationFormat.format(advertised.heartbeatInterval()) + ", lease "
                    + DurationFormat.format(advertised.leaseTtl()) + ")"));
        }
        List<CheckResult> results = new ArrayList<>();
        for (Problem p : problems) {
            results.add(CheckResult.warn(name, p.key() + ": " + p.message(), p.fix()));
        }
        return results;
    }

    static io.graphagent.config.TimingPolicy fromProto(TimingPolicy t) {
        return new io.graphagent.config.TimingPolicy(Duration.ofMillis(t.getHeartbeatIntervalMs()),
                Duration.ofMillis(t.getLeaseTtlMs()), Duration.ofMillis(t.getSuspectAfterMs()),
                Duration.ofMillis(t.getKeepaliveTimeMs()), Duration.ofMillis(t.getKeepaliveTimeoutMs()),
                Duration.ofMillis(t.getPermitKeepaliveTimeMs()), Duration.ofMillis(t.getHandshakeTimeoutMs()));
    }

    /** min / median / p99 / jitter of {@link #RTT_SAMPLES} empty probes. */
    CheckResult roundTrip(StatusReply status) {
        String name = "rtt";
        long[] micros = new long[RTT_SAMPLES];
        try {
            for (int i = 0; i < RTT_SAMPLES; i++) {
                long start = System.nanoTime();
                stub().probe(ProbeRequest.getDefaultInstance());
                micros[i] = (System.nanoTime() - start) / 1000;
            }
        } catch (RuntimeException e) {
            return failed(name, e, "Probe");
        }
        double jitter = 0;
        for (int i = 1; i < micros.length; i++) {
            jitter += Math.abs(micros[i] - micros[i - 1]);
        }
        jitter /= micros.length - 1;
        long[] sorted = micros.clone();
        Arrays.sort(sorted);
        long p99 = sorted[(int) Math.ceil(0.99 * sorted.length) - 1];
        String measured = String.format("min %.2f ms, median %.2f ms, p99 %.2f ms, jitter %.2f ms over %d probes",
                sorted[0] / 1e3, sorted[sorted.length / 2] / 1e3, p99 / 1e3, jitter / 1e3, RTT_SAMPLES);
        long heartbeatMicros = status.getCoordinator().getTiming().getHeartbeatIntervalMs() * 1000;
        if (heartbeatMicros > 0 && p99 > heartbeatMicros) {
            return CheckResult.warn(name, measured + ", p99 above the heartbeat interval "
                    + heartbeatMicros / 1000 + " ms", "find the slow hop (load, network path), or use the wan profile");
        }
        return CheckResult.pass(name, measured);
    }

    /** Probes of 64 KiB, then x4 each time, up to the smaller of our and the coordinator's limit. */
    CheckResult largeMessages() {
        String name = "large-message";
        long limit = options.config().grpc().maxMessageSize();
        long coordinatorLimit;
        try {
            coordinatorLimit = stub().probe(ProbeRequest.getDefaultInstance()).getMaxMessageSizeBytes();
        } catch (RuntimeException e) {
            return failed(name, e, "Probe");
        }
        long top = Math.min(limit, coordinatorLimit) - PROBE_OVERHEAD;
        List<String> passed = new ArrayList<>();
        long size = FIRST_LARGE_PROBE;
        while (true) {
            int bytes = (int) Math.min(size, top);
            try {
                ProbeReply reply = stub().probe(ProbeRequest.newBuilder().setPayload(ByteString.copyFrom(new byte[bytes]))
                        .setReplySizeBytes(bytes).build());
                if (reply.getReceivedSizeBytes() != bytes || reply.getPayload().size() != bytes) {
                    return CheckResult.fail(name, "a probe of " + DataSize.format(bytes) + " arrived as "
                            + reply.getReceivedSizeBytes() + " bytes (reply " + reply.getPayload().size() + " bytes)",
                            "a proxy on the path rewrites large messages: bypass it or raise its body limit");
                }
            } catch (RuntimeException e) {
                FailureClassifier.Classification c = FailureClassifier.explain(e, FailureClassifier.Side.CLIENT);
                return new CheckResult(name, Verdict.FAIL, "a probe of " + bytes + " bytes both ways broke after "
                        + passed + " passed: " + c.detail(), "a middlebox or limit on the path drops large frames: raise"
                        + " its limit, or lower grpc.max-message-size below " + bytes + " bytes on both sides",
                        java.util.Optional.of(c.cause()));
            }
            passed.add(DataSize.format(bytes));
            if (bytes >= top) {
                break;
            }
            size *= 4;
        }
        String note = coordinatorLimit < limit ? "; the coordinator accepts only " + DataSize.format(coordinatorLimit)
                + " but this config allows " + DataSize.format(limit) : "";
        return coordinatorLimit < limit
                ? CheckResult.warn(name, "passed " + passed + note, "give both sides the same grpc.max-message-size")
                : CheckResult.pass(name, "passed " + passed + " both ways (limit " + DataSize.format(limit) + ")");
    }

    /** TCP connect to every live agent's data address. */
    CheckResult agentPorts(StatusReply status) {
        String name = "agent-ports";
        List<String> ok = new ArrayList<>();
        List<String> bad = new ArrayList<>();
        DisconnectCause first = null;
        for (AgentStatus agent : status.getAgentsList()) {
            if (agent.getState() == AgentState.DEAD || agent.getState() == AgentState.LEFT || agent.getDataAddress().isEmpty()) {
                continue;
            }
            io.graphagent.net.tls.HostAndPort address = io.graphagent.net.tls.HostAndPort.parse(agent.getDataAddress());
            Reachability.Connect connect = Reachability.connect(new InetSocketAddress(address.host(), address.port()),
                    options.connectTimeout());
            if (connect.ok()) {
                ok.add(agent.getAgentId() + "@" + address + " " + Reachability.millis(connect.took()));
            } else {
                first = first == null ? connect.cause().get() : first;
                bad.add(agent.getAgentId() + "@" + address + " " + connect.cause().get().label() + " (" + connect.detail() + ")");
            }
        }
        if (!bad.isEmpty()) {
            return new CheckResult(name, Verdict.FAIL, "unreachable from here: " + bad + (ok.isEmpty() ? "" : "; reachable: " + ok),
                    first.explanation() + "; peers exchange messages over these ports", java.util.Optional.of(first));
        }
        return CheckResult.pass(name, ok.isEmpty() ? "no live agents registered" : ok.size() + " reachable: " + ok);
    }

    StatusReply status() {
        return stub().status(StatusRequest.getDefaultInstance());
    }

    static CheckResult failed(String name, Throwable e, String call) {
        FailureClassifier.Classification c = FailureClassifier.explain(e, FailureClassifier.Side.CLIENT);
        return CheckResult.fail(name, c.cause(), call + " failed: " + c.detail());
    }
}
