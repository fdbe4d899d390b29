package io.graphagent.net.tls;

import io.graphagent.net.cause.CauseCounter;
import io.graphagent.net.cause.FailureWindows;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * gRPC servers that require mutual TLS, bound the handshake in time, and classify, count and
 * log every failed handshake (see {@link ServerHandshakeObserver}). Stateless and thread-safe.
 */
public final class Servers {

    private static final Logger log = LoggerFactory.getLogger(Servers.class);

    /** Handshake timeout when config gives none: well under any sensible lease TTL. */
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(5);

    private Servers() {
    }

    /** A server builder on {@code port} of every interface; see {@link #forAddress}. */
    public static NettyServerBuilder forPort(int port, TransportSecurity security, Duration handshakeTimeout,
            CauseCounter counter, NetworkThreads threads) throws TlsFilesException {
        return forAddress(new InetSocketAddress(port), security, handshakeTimeout, counter, threads);
    }

    /** A failed handshake is logged once per this window, peer host and cause; the rest as one count. */
    public static final Duration LOG_WINDOW = Duration.ofSeconds(10);

    /**
     * A server builder on {@code address}, ready for services and {@code build()}. Plaintext
     * when {@code security} is {@link TransportSecurity.Insecure}, logged as a WARN naming the
     * risk.
     *
     * @param handshakeTimeout time a new connection has to complete TLS and the HTTP/2 preface
     * @param counter          receives the cause of every failed handshake
     * @param threads          runs the listener and its connections; must outlive the server
     * @throws TlsFilesException if the TLS files are unusable
     */
    public static NettyServerBuilder forAddress(InetSocketAddress address, TransportSecurity security,
            Duration handshakeTimeout, CauseCounter counter, NetworkThreads threads) throws TlsFilesException {
        Channels.requirePositive(handshakeTimeout, "handshake timeout");
        Objects.requireNonNull(counter, "counter");
        SslContext context = switch (security) {
            case TransportSecurity.Tls tls -> TlsContexts.server(tls.files(), tls.engine(), tls.check());
            case TransportSecurity.Prebuilt prebuilt -> prebuilt.context();
            case TransportSecurity.Insecure insecure -> null;
        };
        boolean tls = context != null;
        FailureWindows logWindows = new FailureWindows(LOG_WINDOW, System::nanoTime);
        HandshakeAdmission admission = new HandshakeAdmission(HandshakeAdmission.MAX_CONCURRENT);
        NettyServerBuilder builder = NettyServerBuilder.forAddress(address)
                .channelFactory(() -> new ObservedServerChannel(
                        () -> new ServerHandshakeObserver(tls, handshakeTimeout, counter, logWindows, admission)))
                .bossEventLoopGroup(threads.acceptor())
                .workerEventLoopGroup(threads.io())
                .handshakeTimeout(handshakeTimeout.toNanos(), TimeUnit.NANOSECONDS);
        if (tls) {
            builder.sslContext(context);
        } else {
            log.warn("event=plaintext_listener address={} risk=\"--insecure: no TLS, the traffic can be read and forged"
                    + " on the network and any client is accepted\" fix=\"drop --insecure and pass --certs DIR\"",
                    ServerHandshakeObserver.address(address));
        }
        return builder;
    }
}
