package io.graphagent.net.tls;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.netty.shaded.io.grpc.netty.NegotiationType;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.ChannelFactory;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Client channels to a graphagent server, bounded in time at every step: TCP connect
 * ({@code CONNECT_TIMEOUT_MILLIS}), TLS handshake ({@link ClientHandshakeGuard}), and every
 * unary call (a default deadline unless the call sets its own). Streaming calls get no default
 * deadline, since the session stream lives for hours; their liveness is the heartbeat's job.
 * Stateless and thread-safe.
 */
public final class Channels {

    private static final Logger log = LoggerFactory.getLogger(Channels.class);

    /**
     * Time limits of a client connection.
     *
     * @param connect      TCP connect; short detects a firewall that drops packets quickly, too
     *                     short fails over slow links
     * @param handshake    TLS handshake after TCP connected; must stay below the lease TTL
     * @param callDeadline deadline given to unary calls that set none
     */
    public record ClientTimeouts(Duration connect, Duration handshake, Duration callDeadline) {

        /** Same machine or LAN: 3 s connect, 5 s handshake, 10 s per call. */
        public static final ClientTimeouts LAN =
                new ClientTimeouts(Duration.ofSeconds(3), Duration.ofSeconds(5), Duration.ofSeconds(10));

        /** Across data centres: 10 s connect, 10 s handshake, 30 s per call. */
        public static final ClientTimeouts WAN =
                new ClientTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(30));

        /** Tests on 127.0.0.1: 1 s connect, 1 s handshake, 2 s per call. */
        public static final ClientTimeouts TEST =
                new ClientTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(2));

        public ClientTimeouts {
            requirePositive(connect, "connect timeout");
            requirePositive(handshake, "handshake timeout");
            requirePositive(callDeadline, "call deadline");
            if (connect.toMillis() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("connect timeout " + connect + " is too long");
            }
        }
    }

    private Channels() {
    }

    /**
     * A channel builder to {@code target}, ready to {@code build()} or to refine (keepalive,
     * message size limits); TLS unless {@code security} is {@link TransportSecurity.Insecure}.
     *
     * @throws TlsFilesException if the TLS files are unusable
     */
    public static NettyChannelBuilder builder(HostAndPort target, TransportSecurity security, ClientTimeouts timeouts,
            NetworkThreads threads) throws TlsFilesException {
        Objects.requireNonNull(threads, "threads");
        NettyChannelBuilder builder = NettyChannelBuilder.forAddress(target.host(), target.port())
                .eventLoopGroup(threads.io())
                .withOption(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) timeouts.connect().toMillis())
                .intercept(new DefaultDeadline(timeouts.callDeadline()));
        switch (security) {
            case TransportSecurity.Insecure insecure -> {
                log.warn("event=plaintext_channel target={} risk=\"--insecure: no TLS, the traffic can be read and"
                        + " forged on the network and the server is not authenticated\" fix=\"drop --insecure and pass"
                        + " --certs DIR\"", target);
                builder.channelFactory(GuardlessChannelFactory.INSTANCE, InetSocketAddress.class).usePlaintext();
            }
            case TransportSecurity.Tls tls -> tls(builder, TlsContexts.client(tls.files(), tls.engine(), tls.check()),
                    timeouts);
            case TransportSecurity.Prebuilt prebuilt -> tls(builder, prebuilt.context(), timeouts);
        }
        return builder;
    }

    /** Builds {@link #builder}'s channel. */
    public static ManagedChannel client(HostAndPort target, TransportSecurity security, ClientTimeouts timeouts,
            NetworkThreads threads) throws TlsFilesException {
        return builder(target, security, timeouts, threads).build();
    }

    private static void tls(NettyChannelBuilder builder, SslContext context, ClientTimeouts timeouts) {
        Duration handshake = timeouts.handshake();
        builder.channelFactory(() -> new GuardedClientChannel(handshake), InetSocketAddress.class)
                .sslContext(context)
                .negotiationType(NegotiationType.TLS);
    }

    /** Plain NIO sockets for plaintext channels: there is no TLS handshake to guard. */
    private enum GuardlessChannelFactory implements ChannelFactory<NioSocketChannel> {
        INSTANCE;

        @Override
        public NioSocketChannel newChannel() {
            return new NioSocketChannel();
        }
    }

    /** Gives unary calls without a deadline the default one, so no call waits unbounded. */
    private static final class DefaultDeadline implements ClientInterceptor {
        private final long nanos;

        DefaultDeadline(Duration deadline) {
            this.nanos = deadline.toNanos();
        }

        @Override
        public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
            if (options.getDeadline() == null && method.getType() == MethodDescriptor.MethodType.UNARY) {
                options = options.withDeadlineAfter(nanos, TimeUnit.NANOSECONDS);
            }
            return next.newCall(method, options);
        }
    }

    static void requirePositive(Duration duration, String what) {
        Objects.requireNonNull(duration, what);
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, got " + duration);
        }
    }
}
