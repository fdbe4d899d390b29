package io.graphagent.net.tls;

import io.graphagent.net.path.PathProbe;
import io.grpc.netty.shaded.io.netty.buffer.ByteBuf;
import io.grpc.netty.shaded.io.netty.channel.ChannelFutureListener;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's side of a {@link PathProbe} on one connection: reads the request (its header,
 * then as many bytes as the header announces), answers with a reply of the size asked for and
 * closes. A probe is no failed handshake: it is logged at DEBUG only and counted nowhere. A
 * request that stops arriving (its large segment lost on the path) is left to the handshake
 * timer, which closes the connection. Event-loop confined; one per probing connection.
 */
final class ProbeResponder {

    private static final Logger log = LoggerFactory.getLogger(ProbeResponder.class);

    private final byte[] header = new byte[PathProbe.HEADER_BYTES];
    private long received;
    private PathProbe.Header announced;
    private boolean done;

    /** Whether the first bytes of a connection start a probe. */
    static boolean starts(ByteBuf first) {
        int n = Math.min(first.readableBytes(), PathProbe.MAGIC.length);
        byte[] bytes = new byte[n];
        first.getBytes(first.readerIndex(), bytes);
        return PathProbe.startsProbe(bytes, n);
    }

    /** Takes (and releases) {@code buf}; answers and closes once the whole request is in. */
    void read(ChannelHandlerContext ctx, ByteBuf buf) {
        try {
            if (done) {
                return;
            }
            int readable = buf.readableBytes();
            if (received < PathProbe.HEADER_BYTES) {
                int take = (int) Math.min(readable, PathProbe.HEADER_BYTES - received);
                buf.getBytes(buf.readerIndex(), header, (int) received, take);
            }
            received += readable;
            if (announced == null && received >= PathProbe.HEADER_BYTES) {
                try {
                    announced = PathProbe.parse(header);
                } catch (IllegalArgumentException e) {
                    done = true;
                    log.debug("event=path_probe_refused peer={} detail=\"{}\"", ServerHandshakeObserver.address(
                            ctx.channel().remoteAddress()), e.getMessage());
                    ctx.close();
                    return;
                }
            }
            if (announced != null && received >= announced.requestBytes()) {
                done = true;
                byte[] reply = PathProbe.message(announced, announced.replyBytes());
                log.debug("event=path_probe_answered peer={} request_bytes={} reply_bytes={}", ServerHandshakeObserver.address(
                        ctx.channel().remoteAddress()), announced.requestBytes(), announced.replyBytes());
                ctx.writeAndFlush(ctx.alloc().buffer(reply.length).writeBytes(reply)).addListener(ChannelFutureListener.CLOSE);
            }
        } finally {
            buf.release();
        }
    }

    /** The handshake timer ran out with the request incomplete: closes quietly. */
    void expire(ChannelHandlerContext ctx) {
        if (!done) {
            done = true;
            log.debug("event=path_probe_incomplete peer={} received_bytes={} announced_bytes={}", ServerHandshakeObserver.address(
                    ctx.channel().remoteAddress()), received, announced == null ? "?" : announced.requestBytes());
            ctx.close();
        }
    }
}
