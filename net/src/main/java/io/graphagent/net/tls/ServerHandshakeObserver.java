package io.graphagent.net.tls;

import io.graphagent.net.cause.CauseCounter;
import io.graphagent.net.cause.DisconnectCause;
import io.graphagent.net.cause.FailureClassifier;
import io.graphagent.net.cause.FailureWindows;
import io.grpc.netty.shaded.io.netty.buffer.ByteBuf;
import io.grpc.netty.shaded.io.netty.channel.ChannelDuplexHandler;
import io.grpc.netty.shaded.io.netty.channel.ChannelFutureListener;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.channel.ChannelPromise;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslHandler;
import io.grpc.netty.shaded.io.netty.util.concurrent.ScheduledFuture;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches one accepted connection until its TLS handshake completes, then steps out of the
 * pipeline. A failed handshake is classified from the server's side, counted once in the
 * {@link CauseCounter} and logged as one WARN line, cause first:
 *
 * <pre>cause=tls_unknown_ca event=tls_handshake_failed side=server peer=127.0.0.1:50412 local=127.0.0.1:7400 detail="..."</pre>
 *
 * A flood from one host is logged once per window and cause ({@link FailureWindows}), the rest
 * as one {@code event=tls_handshake_failures_repeated ... repeated=N} line; the counter counts
 * each.
 *
 * Besides what the TLS engine reports (refused certificates via {@link ClassifyingTrustManager},
 * missing client certificate, non-TLS bytes), it tells a handshake that ran out of time
 * (the connection closed locally after the handshake timeout) from a port probe (the peer
 * closed without sending a byte: logged at DEBUG, not counted). On a plaintext listener it
 * only checks the first bytes for a TLS ClientHello ({@code TLS_TO_PLAINTEXT_PORT}). On
 * either, a connection that starts with a {@link io.graphagent.net.path.PathProbe} is
 * answered by a {@link ProbeResponder} instead, and never reaches TLS or gRPC.
 *
 * <p>Confined to the channel's event loop, like every netty handler; one instance per connection.
 */
final class ServerHandshakeObserver extends ChannelDuplexHandler {

    private static final Logger log = LoggerFactory.getLogger(ServerHandshakeObserver.class);

    /** TLS record type of a handshake message (ClientHello), RFC 8446 section 5.1. */
    private static final int TLS_HANDSHAKE_RECORD = 22;
    /** Major version byte of every TLS record since SSL 3.0. */
    private static final int TLS_MAJOR_VERSION = 3;
    /** TLS 1.2 record: alert, version 3.3, length 2, level fatal, unexpected_message (RFC 5246 7.2). */
    private static final byte[] TLS_FATAL_UNEXPECTED_MESSAGE = {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x0a};
    /** A failure this close to the handshake timeout, after a local close, is that timeout. */
    private static final double TIMEOUT_FRACTION = 0.9;

    private final boolean tls;
    private final Duration handshakeTimeout;
    private final CauseCounter counter;
    /** Shared by every connection of one listener: the log's rate limit per peer host and cause. */
    private final FailureWindows logWindows;
    /** Shared by every connection of one listener: how many handshakes run at once. */
    private final HandshakeAdmission admission;
    /** Whether this connection holds a place of {@link #admission}. */
    private boolean admitted;

    private long activeNanos;
    private boolean sawBytes;
    private boolean closedLocally;
    private boolean attached;
    private boolean finished;
    private ScheduledFuture<?> timer;
    /** Set when the connection is a path probe rather than a client. */
    private ProbeResponder probe;

    ServerHandshakeObserver(boolean tls, Duration handshakeTimeout, CauseCounter counter, FailureWindows logWindows,
            HandshakeAdmission admission) {
        this.tls = tls;
        this.handshakeTimeout = handshakeTimeout;
        this.counter = counter;
        this.logWindows = logWindows;
        this.admission = admission;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        activeNanos = System.nanoTime();
        if (tls && !admission.tryEnter()) {
            // Closed before gRPC sees it: no handshake work, no failure to classify.
            finished = true;
            long refused = admission.refused();
            if (refused == 1 || refused % 1000 == 0) {
                log.warn("event=handshakes_busy side=server local={} limit={} refused_total={} detail=\"{} TLS handshakes"
                        + " running: new connections are closed until they finish, and their clients retry after"
                        + " their backoff (a reconnect storm)\"", address(ctx.channel().localAddress()), admission.limit(),
                        refused, admission.limit());
            }
            ctx.close();
            return;
        }
        admitted = tls;
        ctx.fireChannelActive();
        if (tls) {
            attach(ctx);
            if (!attached) {
                // gRPC may add its TLS handler in a task queued behind this one.
                ctx.executor().execute(() -> attach(ctx));
            }
            timer = ctx.executor().schedule(() -> timeout(ctx), handshakeTimeout.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (probe != null && msg instanceof ByteBuf buf) {
            probe.read(ctx, buf);
            return;
        }
        boolean first = !sawBytes;
        if (first && msg instanceof ByteBuf buf && buf.isReadable()) {
            sawBytes = true;
            if (ProbeResponder.starts(buf)) {
                probe = new ProbeResponder();
                if (!tls) {
                    // A plaintext listener has no handshake timer: bound the probe by one here.
                    timer = ctx.executor().schedule(() -> timeout(ctx), handshakeTimeout.toNanos(), TimeUnit.NANOSECONDS);
                }
                probe.read(ctx, buf);
                return;
            }
            if (tls && !looksLikeTls(buf)) {
                buf.release();
                refusePlaintext(ctx);
                return;
            }
            if (tls) {
                attach(ctx);
            } else if (looksLikeTlsHandshake(buf)) {
                report(ctx, DisconnectCause.TLS_TO_PLAINTEXT_PORT,
                        "received a TLS ClientHello on a plaintext (--insecure) port");
            }
        }
        ctx.fireChannelRead(msg);
        if (!tls && sawBytes) {
            stepOut(ctx);
        }
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) throws Exception {
        if (!finished) {
            closedLocally = true;
        }
        ctx.close(promise);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (probe != null) {
            cancelTimer();
            ctx.fireChannelInactive();
            return;
        }
        if (tls && !finished && !attached) {
            handshakeFailed(ctx, null);
        }
        leaveAdmission();
        cancelTimer();
        ctx.fireChannelInactive();
    }

    /** Gives this connection's place of {@link #admission} back, once. */
    private void leaveAdmission() {
        if (admitted) {
            admitted = false;
            admission.leave();
        }
    }

    private void attach(ChannelHandlerContext ctx) {
        if (attached || finished) {
            return;
        }
        SslHandler ssl = ctx.pipeline().get(SslHandler.class);
        if (ssl == null) {
            return;
        }
        attached = true;
        ssl.handshakeFuture().addListener(future -> {
            leaveAdmission();
            if (future.isSuccess()) {
                finished = true;
                cancelTimer();
                stepOut(ctx);
            } else {
                handshakeFailed(ctx, future.cause());
            }
        });
    }

    private void timeout(ChannelHandlerContext ctx) {
        if (probe != null) {
            probe.expire(ctx);
            return;
        }
        if (finished) {
            return;
        }
        report(ctx, DisconnectCause.TLS_HANDSHAKE_TIMEOUT,
                "no completed TLS handshake within " + handshakeTimeout.toMillis() + " ms"
                        + (sawBytes ? "" : "; the client sent nothing (or its ClientHello was lost on the way: large"
                        + " packets lost on the path; `graphagent doctor` on the client's host tells)"));
        ctx.close();
    }

    private void handshakeFailed(ChannelHandlerContext ctx, Throwable failure) {
        if (finished || probe != null) {
            return;
        }
        FailureClassifier.Classification classification = failure == null
                ? new FailureClassifier.Classification(DisconnectCause.PEER_CLOSED, "closed before the handshake")
                : FailureClassifier.explain(failure, FailureClassifier.Side.SERVER);
        DisconnectCause cause = classification.cause();
        boolean vague = cause == DisconnectCause.PEER_CLOSED || cause == DisconnectCause.UNKNOWN
                || cause == DisconnectCause.STREAM_BROKEN;
        if (vague && closedLocally) {
            long elapsedNanos = System.nanoTime() - activeNanos;
            if (elapsedNanos >= handshakeTimeout.toNanos() * TIMEOUT_FRACTION) {
                report(ctx, DisconnectCause.TLS_HANDSHAKE_TIMEOUT,
                        "no completed TLS handshake within " + handshakeTimeout.toMillis() + " ms");
            } else {
                finished = true;
                log.debug("cause=peer_closed event=tls_handshake_abandoned side=server reason=local_close peer={}",
                        ctx.channel().remoteAddress());
            }
            return;
        }
        if (vague && !sawBytes) {
            finished = true;
            log.debug("cause=peer_closed event=connection_probe side=server peer={} detail=\"connected and closed"
                    + " without sending a byte (port check or load balancer probe)\"", ctx.channel().remoteAddress());
            return;
        }
        report(ctx, cause, classification.detail());
    }

    /**
     * Answers a client that spoke plaintext to this TLS port the way a TLS stack would, with a
     * fatal {@code unexpected_message} alert record, written from the head of the pipeline
     * straight to the socket, then closes. A plaintext gRPC client reads the record's header as
     * an HTTP/2 frame and fails at once with "First received frame was not SETTINGS. Hex dump
     * for first 5 bytes: 1503030002", which {@link FailureClassifier} reads as
     * {@code PLAINTEXT_TO_TLS_PORT} on the client, instead of a vague "Network closed". It
     * also fails before the connection is ready, so gRPC backs off instead of retrying at once.
     */
    private void refusePlaintext(ChannelHandlerContext ctx) {
        report(ctx, DisconnectCause.PLAINTEXT_TO_TLS_PORT,
                "received plaintext on a TLS port (the client runs with --insecure?)");
        ByteBuf alert = ctx.alloc().buffer(TLS_FATAL_UNEXPECTED_MESSAGE.length);
        alert.writeBytes(TLS_FATAL_UNEXPECTED_MESSAGE);
        ctx.writeAndFlush(alert).addListener(ChannelFutureListener.CLOSE);
    }

    private void report(ChannelHandlerContext ctx, DisconnectCause cause, String detail) {
        if (finished) {
            return;
        }
        finished = true;
        cancelTimer();
        SocketAddress peer = ctx.channel().remoteAddress();
        SocketAddress local = ctx.channel().localAddress();
        String host = host(peer);
        counter.record(cause, host);
        for (FailureWindows.Report r : logWindows.failure(cause, host)) {
            if (r.repeats() == 0) {
                log.warn("cause={} event=tls_handshake_failed side=server peer={} local={} detail=\"{}\"",
                        cause.label(), address(peer), address(local), detail);
            } else {
                log.warn("cause={} event=tls_handshake_failures_repeated side=server peer={} local={} repeated={} window_s={}"
                        + " detail=\"{} more like the line before from this host, logged once per {} s and cause\"",
                        r.cause().label(), host, address(local), r.repeats(), r.over().toSeconds(), r.repeats(),
                        r.over().toSeconds());
            }
        }
    }

    /** The host of a peer address, without the port: the source failures are aggregated by. */
    static String host(SocketAddress address) {
        if (address instanceof java.net.InetSocketAddress inet && inet.getAddress() != null) {
            return inet.getAddress().getHostAddress();
        }
        return address(address);
    }

    private void stepOut(ChannelHandlerContext ctx) {
        if (ctx.pipeline().context(this) != null) {
            ctx.pipeline().remove(this);
        }
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    /**
     * Whether the first bytes can start TLS: a record of type change_cipher_spec..heartbeat
     * (20..24) with major version 3, or an SSLv2-compatible hello (high bit set). Fewer than two
     * bytes: assumed TLS, the TLS handler decides.
     */
    private static boolean looksLikeTls(ByteBuf buf) {
        if (buf.readableBytes() < 2) {
            return true;
        }
        int type = buf.getUnsignedByte(buf.readerIndex());
        return (type & 0x80) != 0
                || (type >= 20 && type <= 24 && buf.getUnsignedByte(buf.readerIndex() + 1) == TLS_MAJOR_VERSION);
    }

    private static boolean looksLikeTlsHandshake(ByteBuf buf) {
        return buf.readableBytes() >= 2
                && buf.getUnsignedByte(buf.readerIndex()) == TLS_HANDSHAKE_RECORD
                && buf.getUnsignedByte(buf.readerIndex() + 1) == TLS_MAJOR_VERSION;
    }

    static String address(SocketAddress address) {
        if (address == null) {
            return "unknown";
        }
        String text = address.toString();
        return text.startsWith("/") ? text.substring(1) : text;
    }
}
