package io.graphagent.net.tls;

import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.channel.ChannelInboundHandlerAdapter;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslHandler;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.grpc.netty.shaded.io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Bounds the client's TLS handshake: once TCP is connected, the handshake must complete
 * within the configured timeout, else the connection fails with an
 * {@link SslHandshakeTimeoutException} that gRPC reports to the waiting calls (status
 * UNAVAILABLE, classified {@code TLS_HANDSHAKE_TIMEOUT}). Without it a server that accepts TCP
 * and never answers holds the connection for netty's fixed 10 s, and calls only see their own
 * deadline, which cannot tell a silent TLS peer from a slow call. Event-loop confined; one
 * instance per connection.
 */
final class ClientHandshakeGuard extends ChannelInboundHandlerAdapter {

    private final Duration handshakeTimeout;
    private ScheduledFuture<?> timer;
    private boolean watching;

    ClientHandshakeGuard(Duration handshakeTimeout) {
        this.handshakeTimeout = handshakeTimeout;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        timer = ctx.executor().schedule(() -> expire(ctx), handshakeTimeout.toNanos(), TimeUnit.NANOSECONDS);
        ctx.fireChannelActive();
        watch(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        ctx.fireChannelRead(msg);
        watch(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancel();
        ctx.fireChannelInactive();
    }

    private void watch(ChannelHandlerContext ctx) {
        SslHandler ssl = watching ? null : ctx.pipeline().get(SslHandler.class);
        if (ssl != null) {
            watching = true;
            ssl.handshakeFuture().addListener(future -> {
                cancel();
                if (ctx.pipeline().context(this) != null) {
                    ctx.pipeline().remove(this);
                }
            });
        }
    }

    private void expire(ChannelHandlerContext ctx) {
        SslHandler ssl = ctx.pipeline().get(SslHandler.class);
        if (ssl != null && ssl.handshakeFuture().isDone()) {
            return;
        }
        ctx.fireExceptionCaught(new SslHandshakeTimeoutException("TLS handshake with "
                + ServerHandshakeObserver.address(ctx.channel().remoteAddress()) + " timed out after "
                + handshakeTimeout.toMillis() + " ms: handshake timed out"));
        ctx.close();
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
