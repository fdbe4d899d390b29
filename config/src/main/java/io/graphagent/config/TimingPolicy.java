package io.graphagent.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The timing a coordinator enforces and advertises to each agent in {@code Welcome}
 * (protocol message {@code TimingPolicy}, in milliseconds there). The coordinator's values
 * win; an agent whose own configuration disagrees logs a warning naming both values
 * ({@link #compareWithLocal}), since a mismatch usually means the two processes read
 * different files.
 *
 * @param heartbeatInterval session.heartbeat-interval
 * @param leaseTtl session.lease-ttl
 * @param suspectAfter session.suspect-after
 * @param keepaliveTime grpc.keepalive-time
 * @param keepaliveTimeout grpc.keepalive-timeout
 * @param permitKeepaliveTime grpc.permit-keepalive-time (of the coordinator's server)
 * @param handshakeTimeout tls.handshake-timeout
 */
public record TimingPolicy(Duration heartbeatInterval, Duration leaseTtl, Duration suspectAfter,
                           Duration keepaliveTime, Duration keepaliveTimeout, Duration permitKeepaliveTime,
                           Duration handshakeTimeout) {

    public TimingPolicy {
        Objects.requireNonNull(heartbeatInterval, "heartbeatInterval");
        Objects.requireNonNull(leaseTtl, "leaseTtl");
        Objects.requireNonNull(suspectAfter, "suspectAfter");
        Objects.requireNonNull(keepaliveTime, "keepaliveTime");
        Objects.requireNonNull(keepaliveTimeout, "keepaliveTimeout");
        Objects.requireNonNull(permitKeepaliveTime, "permitKeepaliveTime");
        Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
    }

    /** The policy a coordinator with this configuration advertises. */
    public static TimingPolicy of(GraphagentConfig config) {
        return new TimingPolicy(config.session().heartbeatInterval(), config.session().leaseTtl(),
                config.session().suspectAfter(), config.grpc().keepaliveTime(), config.grpc().keepaliveTimeout(),
                config.grpc().permitKeepaliveTime(), config.tls().handshakeTimeout());
    }

    /**
     * Compares this policy (advertised by the coordinator) with the agent's own
     * configuration, as an agent does on {@code Welcome}.
     *
     * @param local the policy of the agent's own configuration
     * @return one WARNING per differing setting, naming both values and which applies; empty
     *     when they agree
     */
    public List<Problem> compareWithLocal(TimingPolicy local) {
        List<Problem> warnings = new ArrayList<>();
        String applies = "the coordinator's value applies to the session";
        differ(warnings, ConfigKeys.SESSION_HEARTBEAT_INTERVAL.path(), heartbeatInterval, local.heartbeatInterval, applies);
        differ(warnings, ConfigKeys.SESSION_LEASE_TTL.path(), leaseTtl, local.leaseTtl, applies);
        differ(warnings, ConfigKeys.SESSION_SUSPECT_AFTER.path(), suspectAfter, local.suspectAfter, applies);
        differ(warnings, ConfigKeys.GRPC_KEEPALIVE_TIME.path(), keepaliveTime, local.keepaliveTime,
                "this agent's connection already uses its own value");
        differ(warnings, ConfigKeys.GRPC_KEEPALIVE_TIMEOUT.path(), keepaliveTimeout, local.keepaliveTimeout,
                "this agent's connection already uses its own value");
        differ(warnings, ConfigKeys.TLS_HANDSHAKE_TIMEOUT.path(), handshakeTimeout, local.handshakeTimeout,
                "each side applies its own value to the handshakes it waits for");
        Duration effective = local.keepaliveTime.compareTo(GrpcConfig.GRPC_JAVA_MIN_KEEPALIVE_TIME) < 0
                ? GrpcConfig.GRPC_JAVA_MIN_KEEPALIVE_TIME : local.keepaliveTime;
        if (effective.compareTo(permitKeepaliveTime) < 0) {
            warnings.add(Problem.warning(ConfigKeys.GRPC_KEEPALIVE_TIME.path(),
                    "this agent pings every " + DurationFormat.format(effective) + " but the coordinator permits pings only every "
                            + DurationFormat.format(permitKeepaliveTime) + " (grpc.permit-keepalive-time): it will close this"
                            + " connection with GOAWAY too_many_pings",
                    "set grpc.keepalive-time to at least " + DurationFormat.format(permitKeepaliveTime) + " in the agent's config"));
        }
        return warnings;
    }

    private static void differ(List<Problem> warnings, String key, Duration coordinator, Duration agent, String consequence) {
        if (!coordinator.equals(agent)) {
            warnings.add(Problem.warning(key, "the coordinator uses " + DurationFormat.format(coordinator)
                    + ", this agent's config says " + DurationFormat.format(agent) + "; " + consequence,
                    "give both processes the same value (they probably read different files or environments)"));
        }
    }
}
