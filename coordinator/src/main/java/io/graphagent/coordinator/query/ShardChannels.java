package io.graphagent.coordinator.query;

import io.graphagent.config.GraphagentConfig;
import io.graphagent.net.tls.Channels;
import io.graphagent.net.tls.HostAndPort;
import io.graphagent.net.tls.NetworkThreads;
import io.graphagent.net.tls.TlsFilesException;
import io.graphagent.net.tls.TransportSecurity;
import io.grpc.ManagedChannel;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The gateway's channels to the agents' data addresses (mutual TLS with the coordinator's
 * certificate), one per address, dialled on first use, each with its hop stream
 * ({@link ExpandStream}), opened on first use and again after it ended. A channel whose call
 * failed UNAVAILABLE is dropped with its stream, so the next call dials afresh instead of waiting
 * out gRPC's growing reconnect backoff. gRPC's own retries are off ({@code disableRetry}): {@link ShardCalls} retries on
 * another replica itself, and a channel with retries on wraps every call in a
 * {@code RetriableStream} that buffers its request and adds a listener layer, a cost on each of
 * the gateway's thousands of calls a second. Thread-safe.
 */
final class ShardChannels implements AutoCloseable {
    /** TCP connect bound: agents are cluster addresses, near. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);

    private final GraphagentConfig config;
    private final TransportSecurity security;
    private final NetworkThreads network;
    private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();
    private final Map<String, ExpandStream> streams = new ConcurrentHashMap<>();

    ShardChannels(GraphagentConfig config, TransportSecurity security, NetworkThreads network) {
        this.config = config;
        this.security = security;
        this.network = network;
    }

    ManagedChannel to(String address) {
        return channels.computeIfAbsent(address, this::dial);
    }

    /** The open hop stream to {@code address}: the one in use, or a new one when there is none or it ended. */
    ExpandStream hops(String address, ReplyPool replies) {
        ExpandStream s = streams.get(address);
        if (s != null && s.open()) {
            return s;
        }
        return streams.compute(address, (a, old) -> old != null && old.open() ? old : open(a, replies));
    }

    /** A stream on the channel to {@code address}; the channel is dropped if the stream ends UNAVAILABLE. */
    private ExpandStream open(String address, ReplyPool replies) {
        ManagedChannel channel = to(address);
        return ExpandStream.open(channel, address, replies, () -> {
            if (channels.remove(address, channel)) {
                channel.shutdown();
            }
        });
    }

    private ManagedChannel dial(String address) {
        try {
            return Channels.builder(HostAndPort.parse(address), security, new Channels.ClientTimeouts(CONNECT_TIMEOUT,
                            config.tls().handshakeTimeout(), config.query().deadline()), network)
                    .maxInboundMessageSize((int) Math.min(Integer.MAX_VALUE, config.grpc().maxMessageSize()))
                    .keepAliveTime(config.grpc().keepaliveTime().toNanos(), TimeUnit.NANOSECONDS)
                    .keepAliveTimeout(config.grpc().keepaliveTimeout().toNanos(), TimeUnit.NANOSECONDS)
                    .directExecutor()
                    .disableRetry()
                    .build();
        } catch (TlsFilesException e) {
            throw new IllegalStateException("cannot dial agent at " + address + ": " + e.getMessage(), e);
        }
    }

    /** Drops the channel to {@code address} and its stream after a lookup failed UNAVAILABLE. */
    void forget(String address) {
        ExpandStream hops = streams.remove(address);
        if (hops != null) {
            hops.close();
        }
        ManagedChannel stale = channels.remove(address);
        if (stale != null) {
            stale.shutdown();
        }
    }

    @Override
    public void close() {
        streams.values().forEach(ExpandStream::close);
        streams.clear();
        channels.values().forEach(ManagedChannel::shutdownNow);
        channels.clear();
    }
}
