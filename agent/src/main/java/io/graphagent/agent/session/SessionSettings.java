package io.graphagent.agent.session;

import io.graphagent.config.GraphagentConfig;
import io.graphagent.config.TimingPolicy;
import io.graphagent.net.backoff.Backoff;
import io.graphagent.net.tls.Channels;
import io.graphagent.net.tls.HostAndPort;
import io.graphagent.protocol.ProtocolVersion;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link SessionClient} needs to know, taken from the agent's configuration by
 * {@link #from}. Immutable.
 *
 * @param coordinators    agent.coordinator: every coordinator address, tried in turn (a standby redirects to the leader)
 * @param agentId         the agent's id (its certificate CN, or agent.id); see {@link AgentIdentity}
 * @param clusterId       cluster.id, sent in Hello
 * @param protocolMin     lowest protocol version offered in Hello (this build's unless a test says otherwise)
 * @param protocolMax     highest protocol version offered in Hello
 * @param buildVersion    this build, for the coordinator's status and logs
 * @param localTiming     the agent's own timing settings: compared with the coordinator's in
 *                        Welcome; the heartbeat interval applies until a Welcome says otherwise
 * @param reconnect       session.reconnect.* as a full-jitter backoff
 * @param timeouts        TCP connect and TLS handshake limits (both tls.handshake-timeout)
 * @param keepaliveTime   grpc.keepalive-time of the session channel
 * @param keepaliveTimeout grpc.keepalive-timeout of the session channel
 * @param maxMessageSize  grpc.max-message-size, the largest inbound message
 * @param resumeSessionId a session to resume on the first Hello (from a previous run), or empty
 */
public record SessionSettings(java.util.List<HostAndPort> coordinators, String agentId, String clusterId, int protocolMin,
                              int protocolMax, String buildVersion, TimingPolicy localTiming, Backoff reconnect,
                              Channels.ClientTimeouts timeouts, Duration keepaliveTime, Duration keepaliveTimeout,
                              long maxMessageSize, String resumeSessionId) {

    /** Unary calls on the session channel (none today) get this deadline. */
    private static final Duration CALL_DEADLINE = Duration.ofSeconds(10);

    /** This build's version, from the jar manifest; {@code dev} when run from classes. */
    public static final String BUILD_VERSION = Optional.ofNullable(
            SessionSettings.class.getPackage().getImplementationVersion()).orElse("dev");

    public SessionSettings {
        coordinators = java.util.List.copyOf(coordinators);
        if (coordinators.isEmpty()) {
            throw new IllegalArgumentException("at least one coordinator address");
        }
        Objects.requireNonNull(agentId, "agentId");
        Objects.requireNonNull(clusterId, "clusterId");
        Objects.requireNonNull(buildVersion, "buildVersion");
        Objects.requireNonNull(localTiming, "localTiming");
        Objects.requireNonNull(reconnect, "reconnect");
        Objects.requireNonNull(timeouts, "timeouts");
        Objects.requireNonNull(keepaliveTime, "keepaliveTime");
        Objects.requireNonNull(keepaliveTimeout, "keepaliveTimeout");
        Objects.requireNonNull(resumeSessionId, "resumeSessionId");
        if (agentId.isBlank()) {
            throw new IllegalArgumentException("agent id must not be empty");
        }
    }

    /** The settings of agent {@code agentId} with configuration {@code config}. */
    public static SessionSettings from(GraphagentConfig config, String agentId) {
        Duration handshake = config.tls().handshakeTimeout();
        return new SessionSettings(
                config.agent().coordinators().stream().map(c -> new HostAndPort(c.host(), c.port())).toList(),
                agentId, config.cluster().id(), ProtocolVersion.MIN, ProtocolVersion.MAX, BUILD_VERSION,
                config.timingPolicy(),
                new Backoff(config.session().reconnect().initial(), config.session().reconnect().multiplier(),
                        config.session().reconnect().max(), config.session().reconnect().maxAttempts(),
                        config.session().reconnect().jitter()),
                new Channels.ClientTimeouts(handshake, handshake, CALL_DEADLINE),
                config.grpc().keepaliveTime(), config.grpc().keepaliveTimeout(), config.grpc().maxMessageSize(), "");
    }

    /** A copy offering protocol versions [min, max] in Hello (tests of version negotiation). */
    public SessionSettings withProtocolRange(int min, int max) {
        return new SessionSettings(coordinators, agentId, clusterId, min, max, buildVersion, localTiming, reconnect,
                timeouts, keepaliveTime, keepaliveTimeout, maxMessageSize, resumeSessionId);
    }

    /** A copy that asks to resume {@code sessionId} on its first Hello. */
    public SessionSettings withResumeSessionId(String sessionId) {
        return new SessionSettings(coordinators, agentId, clusterId, protocolMin, protocolMax, buildVersion, localTiming,
                reconnect, timeouts, keepaliveTime, keepaliveTimeout, maxMessageSize, sessionId);
    }

    /** The first coordinator listed. */
    public HostAndPort coordinator() {
        return coordinators.getFirst();
    }

    /** A copy with another reconnect backoff (the storm bench turns its jitter off). */
    public SessionSettings withReconnect(Backoff backoff) {
        return new SessionSettings(coordinators, agentId, clusterId, protocolMin, protocolMax, buildVersion, localTiming,
                backoff, timeouts, keepaliveTime, keepaliveTimeout, maxMessageSize, resumeSessionId);
    }

    /** A copy dialling {@code target}. */
    public SessionSettings withCoordinator(HostAndPort target) {
        return new SessionSettings(java.util.List.of(target), agentId, clusterId, protocolMin, protocolMax, buildVersion, localTiming,
                reconnect, timeouts, keepaliveTime, keepaliveTimeout, maxMessageSize, resumeSessionId);
    }

    /** How long after opening the stream a Welcome (or Reject) must have come: connect, handshake, Hello. */
    Duration welcomeTimeout() {
        return timeouts.connect().plus(timeouts.handshake()).plus(timeouts.handshake());
    }
}
