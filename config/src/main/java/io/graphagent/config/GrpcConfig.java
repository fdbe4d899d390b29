package io.graphagent.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Section {@code grpc}: transport settings of every gRPC connection (session, client
 * calls, data plane).
 *
 * @param keepaliveTime a client sends an HTTP/2 PING after this long without reads, which
 *     keeps idle connections open through NAT and proxies and detects dead ones. Shorter
 *     detects sooner at more traffic; grpc-java raises any value under 10s to 10s. Must be
 *     at least the server's {@code permitKeepaliveTime}, or the server closes the connection
 *     with GOAWAY {@code too_many_pings}.
 * @param keepaliveTimeout how long a PING may stay unanswered before the connection is
 *     closed. Shorter drops dead connections sooner; too short drops live ones on a slow
 *     link.
 * @param permitKeepaliveTime (server side) the shortest interval between client PINGs the
 *     server tolerates; a client pinging more often gets GOAWAY {@code too_many_pings}
 *     (ENHANCE_YOUR_CALM). Lower tolerates more aggressive clients at the cost of letting a
 *     misbehaving one cost more.
 * @param maxMessageSize the largest message accepted, in bytes, both ways. Larger allows
 *     bigger batches (fewer round trips) at the cost of memory per in-flight message; at
 *     least 1MiB.
 */
public record GrpcConfig(Duration keepaliveTime, Duration keepaliveTimeout, Duration permitKeepaliveTime,
                         long maxMessageSize) {

    /** grpc-java raises a client keepalive time below this to this (KeepAliveManager's floor). */
    public static final Duration GRPC_JAVA_MIN_KEEPALIVE_TIME = Duration.ofSeconds(10);

    public GrpcConfig {
        Objects.requireNonNull(keepaliveTime, "keepaliveTime");
        Objects.requireNonNull(keepaliveTimeout, "keepaliveTimeout");
        Objects.requireNonNull(permitKeepaliveTime, "permitKeepaliveTime");
    }

    /** The keepalive time grpc-java actually uses: {@link #keepaliveTime} raised to 10s. */
    public Duration effectiveKeepaliveTime() {
        return keepaliveTime.compareTo(GRPC_JAVA_MIN_KEEPALIVE_TIME) < 0 ? GRPC_JAVA_MIN_KEEPALIVE_TIME : keepaliveTime;
    }
}
