package io.graphagent.agent.job;

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
 * The agent's gRPC channels to its peers' data planes (and to the coordinator's program
 * service), one per address, made on first use and shared by every job. Thread-safe.
 */
final class PeerChannels implements PeerCheckpoints.Dialer {
    private final GraphagentConfig config;
    private final TransportSecurity security;
    private final NetworkThreads network;
    private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();

    PeerChannels(GraphagentConfig config, TransportSecurity security, NetworkThreads network) {
        this.config = config;
        this.security = security;
        this.network = network;
    }

    @Override
    public ManagedChannel channel(String address) throws TlsFilesException {
        ManagedChannel existing = channels.get(address);
        if (existing != null) {
            return existing;
        }
        ManagedChannel created = dial(address);
        channels.put(address, created);
        return created;
    }

    /** A new channel to {@code address} with the data plane's settings, not shared: the caller shuts it down. */
    private ManagedChannel dial(String address) throws TlsFilesException {
        return Channels.builder(HostAndPort.parse(address), security,
                        new Channels.ClientTimeouts(Duration.ofSeconds(5), config.tls().handshakeTimeout(),
                                AgentJobs.EXCHANGE_TIMEOUT),
                        network)
                .maxInboundMessageSize((int) Math.min(Integer.MAX_VALUE, config.grpc().maxMessageSize()))
                .flowControlWindow(AgentJobs.DATA_WINDOW_BYTES)
                // An exchange that stalls (a peer gone silent, large packets lost on the path) ends
                // after keepalive time + timeout instead of at EXCHANGE_TIMEOUT.
                .keepAliveTime(config.grpc().keepaliveTime().toNanos(), TimeUnit.NANOSECONDS)
                .keepAliveTimeout(config.grpc().keepaliveTimeout().toNanos(), TimeUnit.NANOSECONDS)
                // Acks and readiness callbacks (which only wake the feeding thread) run on the network thread.
                .directExecutor()
                .build();
    }

    /**
     * Drops the cached channel to {@code address} after an exchange with it failed, so the
     * recovery's exchange dials afresh: a channel that failed to connect fails every call at
     * once for its growing reconnect backoff (up to 2 minutes), which would use up a job's
     * recoveries in a second and outlast a network that has healed. Calls still on it finish.
     */
    void forget(String address) {
        ManagedChannel stale = channels.remove(address);
        if (stale != null) {
            stale.shutdown();
        }
    }

    /** Ends every channel at once (the agent stops). */
    void close() {
        channels.values().forEach(ManagedChannel::shutdownNow);
    }
}
