package io.graphagent.config;

import java.util.Objects;

/**
 * The whole configuration of a coordinator or an agent (one file format for both; each
 * reads the sections it needs). Immutable; build it with {@link ConfigLoader} or start from
 * {@link Profile#defaults()}.
 *
 * @param profile the named profile the defaults came from
 */
public record GraphagentConfig(Profile profile, ClusterConfig cluster, CoordinatorConfig coordinator,
                               AgentConfig agent, SessionConfig session, GrpcConfig grpc, TlsConfig tls,
                               NetworkConfig network, JobConfig job, AdminConfig admin) {

    public GraphagentConfig {
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(coordinator, "coordinator");
        Objects.requireNonNull(agent, "agent");
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(grpc, "grpc");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(job, "job");
        Objects.requireNonNull(admin, "admin");
    }

    /** The defaults: profile {@code lan}. */
    public static GraphagentConfig defaults() {
        return Profile.LAN.defaults();
    }

    /** The timing this configuration makes a coordinator advertise in {@code Welcome}. */
    public TimingPolicy timingPolicy() {
        return TimingPolicy.of(this);
    }
}
