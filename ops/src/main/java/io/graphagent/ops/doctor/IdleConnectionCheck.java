package io.graphagent.ops.doctor;

import io.graphagent.config.DurationFormat;
import io.graphagent.net.cause.DisconnectCause;
import io.graphagent.net.tls.Channels;
import io.graphagent.net.tls.NetworkThreads;
import io.graphagent.net.tls.TlsFilesException;
import io.graphagent.net.tls.TransportSecurity;
import io.graphagent.protocol.v1.CoordinatorGrpc;
import io.graphagent.protocol.v1.ProbeRequest;
import io.graphagent.protocol.v1.TimingPolicy;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.graphagent.net.path.PathProbe;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The {@code idle-connection} check: how long a connection to the coordinator that carries
 * nothing survives on the path. A channel of its own, without keepalive, makes one call and
 * then stays quiet while the other checks run; a proxy, load balancer or NAT that cuts idle
 * connections closes it, which the channel sees as leaving READY. It waits up to
 * {@link DoctorOptions#idleWait()} (by default the gRPC keepalive time: any connection quiet
 * longer gets a PING), so the check costs that much wall time, overlapped with the others.
 * Cut before the heartbeat interval: sessions break between heartbeats (FAIL); before the
 * keepalive time: quiet connections are cut (WARN). Not thread-safe; one per doctor run.
 */
final class IdleConnectionCheck implements AutoCloseable {
    static final String NAME = "idle-connection";

    private final DoctorOptions options;
    private final ManagedChannel channel;
    private final CompletableFuture<Long> cutAt = new CompletableFuture<>();
    private long quietSince;
    private String failure = "";

    private IdleConnectionCheck(DoctorOptions options, ManagedChannel channel) {
        this.options = options;
        this.channel = channel;
    }

    /** Opens the quiet connection (one Probe call); empty when {@code options.idleWait()} is zero. */
    static Optional<IdleConnectionCheck> start(DoctorOptions options, TransportSecurity security, NetworkThreads threads)
            throws TlsFilesException {
        if (options.idleWait().isZero()) {
            return Optional.empty();
        }
        ManagedChannel channel = Channels.builder(options.coordinator(), security, new Channels.ClientTimeouts(
                options.connectTimeout(), options.handshakeTimeout(), options.callDeadline()), threads).build();
        IdleConnectionCheck check = new IdleConnectionCheck(options, channel);
        try {
            CoordinatorGrpc.newBlockingStub(channel).withDeadlineAfter(options.callDeadline().toMillis(), TimeUnit.MILLISECONDS)
                    .probe(ProbeRequest.getDefaultInstance());
            check.quietSince = System.nanoTime();
            check.watch();
        } catch (RuntimeException e) {
            check.failure = e.getMessage();
        }
        return Optional.of(check);
    }

    private void watch() {
        ConnectivityState now = channel.getState(false);
        if (now != ConnectivityState.READY) {
            cutAt.complete(System.nanoTime());
            return;
        }
        channel.notifyWhenStateChanged(ConnectivityState.READY, () -> cutAt.complete(System.nanoTime()));
    }

    /**
     * Waits out the rest of the idle wait (or until the connection is cut) and judges it against
     * the coordinator's advertised heartbeat interval and the keepalive time this host uses.
     */
    CheckResult finish(TimingPolicy advertised) {
        if (!failure.isEmpty()) {
            return CheckResult.skipped(NAME, "the first call on the quiet connection failed: " + failure);
        }
        Duration wait = options.idleWait();
        long left = quietSince + wait.toNanos() - System.nanoTime();
        Long cut;
        try {
            cut = cutAt.get(Math.max(0, left), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            cut = null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CheckResult.skipped(NAME, "interrupted");
        } catch (ExecutionException e) {
            return CheckResult.skipped(NAME, e.getCause().getMessage());
        }
        Duration keepalive = options.config().grpc().effectiveKeepaliveTime();
        Duration heartbeat = advertised.getHeartbeatIntervalMs() > 0 ? Duration.ofMillis(advertised.getHeartbeatIntervalMs())
                : options.config().session().heartbeatInterval();
        String declared = options.config().network().proxyIdleTimeout()
                .map(d -> "; network.proxy-idle-timeout says " + DurationFormat.format(d)).orElse("");
        if (cut == null) {
            return CheckResult.pass(NAME, "a quiet connection stayed open for " + seconds(wait)
                    + (wait.compareTo(keepalive) >= 0 ? " (the keepalive time " + DurationFormat.format(keepalive) + ")"
                    : " (the wait asked for; the keepalive time is " + DurationFormat.format(keepalive) + ")") + declared);
        }
        Duration survived = Duration.ofNanos(cut - quietSince);
        String measured = "a quiet connection was closed after " + seconds(survived) + " without traffic, by the path (the"
                + " coordinator keeps idle connections)" + declared;
        if (survived.compareTo(heartbeat) <= 0) {
            return CheckResult.fail(NAME, DisconnectCause.PATH_IDLE_TIMEOUT, measured + ": shorter than the heartbeat interval "
                    + DurationFormat.format(heartbeat) + ", so sessions through this path break between heartbeats");
        }
        if (survived.compareTo(keepalive) < 0) {
            return new CheckResult(NAME, Verdict.WARN, measured + ": shorter than the keepalive time "
                    + DurationFormat.format(keepalive) + ", so connections quiet for longer (a client watching a long"
                    + " superstep, data-plane channels between jobs) are cut", DisconnectCause.PATH_IDLE_TIMEOUT.explanation(),
                    Optional.of(DisconnectCause.PATH_IDLE_TIMEOUT));
        }
        return CheckResult.pass(NAME, measured + ", after the keepalive time " + DurationFormat.format(keepalive));
    }

    /**
     * {@code failed} again, named {@code path_idle_timeout} when it is a handshake the other end
     * ended without a reason and a connection that sends nothing is closed well before a
     * graphagent server would close it (its handshake timeout): something on the path cuts quiet
     * connections, even the few hundred milliseconds a handshake's computation leaves quiet.
     */
    static CheckResult explainCut(DoctorOptions options, InetSocketAddress address, CheckResult failed) {
        if (failed.verdict() != Verdict.FAIL || failed.cause().isEmpty() || !QUIET_ENDS.contains(failed.cause().get())) {
            return failed;
        }
        Optional<Duration> cut = PathProbe.silence(address, options.connectTimeout(),
                options.handshakeTimeout().multipliedBy(4).dividedBy(5));
        if (cut.isEmpty()) {
            return failed;
        }
        return CheckResult.fail(failed.check(), DisconnectCause.PATH_IDLE_TIMEOUT, failed.measured() + " (seen as "
                + failed.cause().get().label() + "); a connection that sent nothing was closed after " + cut.get().toMillis()
                + " ms, before the coordinator's handshake timeout: something on the path cuts quiet connections that soon");
    }

    private static final Set<DisconnectCause> QUIET_ENDS = Set.of(DisconnectCause.TLS_HANDSHAKE_FAILED,
            DisconnectCause.PEER_CLOSED, DisconnectCause.STREAM_BROKEN);

    private static String seconds(Duration d) {
        return String.format("%.1f s", d.toMillis() / 1000.0);
    }

    @Override
    public void close() {
        channel.shutdownNow();
    }
}
