package io.graphagent.config;

import java.util.Objects;

/**
 * The whole configuration of a coordinator or an agent (one file format for both; each
 * reads the sections it needs). Immutable; build it with {@link ConfigLoader} or start from
 * {@link Profile#defaults()}.
 *
 * @param profile the named profile the defaults came from
 * @param query online queries over resident graphs
 */
public record GraphagentConfig(Profile profile, ClusterConfig cluster, CoordinatorConfig coordinator,
                               AgentConfig agent, SessionConfig session, GrpcConfig grpc, TlsConfig tls,
                               NetworkConfig network, JobConfig job, AdminConfig admin, QueryConfig query) {

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
        Objects.requireNonNull(query, "query");
    }

    /** These sections with the default query settings ({@link QueryConfig#defaults()}). */
    public GraphagentConfig(Profile profile, ClusterConfig cluster, CoordinatorConfig coordinator, AgentConfig agent,
                            SessionConfig session, GrpcConfig grpc, TlsConfig tls, NetworkConfig network, JobConfig job,
                            AdminConfig admin) {
        this(profile, cluster, coordinator, agent, session, grpc, tls, network, job, admin, QueryConfig.defaults());
    }

    /** This configuration with other query settings. */
    public GraphagentConfig withQuery(QueryConfig newQuery) {
        return new GraphagentConfig(profile, cluster, coordinator, agent, session, grpc, tls, network, job, admin, newQuery);
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
