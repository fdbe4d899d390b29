package io.graphagent.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Every key of the configuration file, in file order. The loader accepts exactly these
 * (anything else is an unknown key), derives their environment overrides, and assembles
 * {@link GraphagentConfig} from their values. docs/configuration.md documents each.
 */
public final class ConfigKeys {

    /** Top-level key choosing the profile; not part of {@link #ALL} (it picks the defaults). */
    public static final String PROFILE = "profile";

    public static final ConfigKey<String> CLUSTER_ID = key("cluster.id", ValueType.STRING, c -> c.cluster().id());

    public static final ConfigKey<HostPort> COORDINATOR_LISTEN =
            key("coordinator.listen", ValueType.ADDRESS, c -> c.coordinator().listen());
    public static final ConfigKey<HostPort> COORDINATOR_ADMIN_LISTEN =
            key("coordinator.admin-listen", ValueType.ADDRESS, c -> c.coordinator().adminListen());
    public static final ConfigKey<Path> COORDINATOR_STATE_DIR =
            key("coordinator.state-dir", ValueType.PATH, c -> c.coordinator().stateDir());

    public static final ConfigKey<StoreKind> COORDINATOR_STORE =
            key("coordinator.store", ValueType.STORE_KIND, c -> c.coordinator().store());
    public static final ConfigKey<List<String>> COORDINATOR_ETCD_ENDPOINTS =
            key("coordinator.etcd.endpoints", ValueType.URL_LIST, c -> c.coordinator().etcd().endpoints());
    public static final ConfigKey<Path> COORDINATOR_ETCD_CA =
            optional("coordinator.etcd.ca", ValueType.PATH, c -> c.coordinator().etcd().ca());
    public static final ConfigKey<Path> COORDINATOR_ETCD_CERT =
            optional("coordinator.etcd.cert", ValueType.PATH, c -> c.coordinator().etcd().cert());
    public static final ConfigKey<Path> COORDINATOR_ETCD_KEY =
            optional("coordinator.etcd.key", ValueType.PATH, c -> c.coordinator().etcd().key());
    public static final ConfigKey<Boolean> COORDINATOR_ETCD_INSECURE =
            key("coordinator.etcd.insecure", ValueType.BOOLEAN, c -> c.coordinator().etcd().insecure());
    public static final ConfigKey<Duration> COORDINATOR_ETCD_ELECTION_TTL =
            key("coordinator.etcd.election-ttl", ValueType.DURATION, c -> c.coordinator().etcd().electionTtl());

    public static final ConfigKey<List<HostPort>> AGENT_COORDINATOR =
            key("agent.coordinator", ValueType.ADDRESS_LIST, c -> c.agent().coordinators());
    public static final ConfigKey<HostPort> AGENT_DATA_LISTEN =
            key("agent.data-listen", ValueType.ADDRESS, c -> c.agent().dataListen());
    public static final ConfigKey<HostPort> AGENT_DATA_ADVERTISE =
            optional("agent.data-advertise", ValueType.ADDRESS, c -> c.agent().dataAdvertise());
    public static final ConfigKey<String> AGENT_ID = key("agent.id", ValueType.STRING, c -> c.agent().id());
    public static final ConfigKey<Path> AGENT_WORK_DIR = key("agent.work-dir", ValueType.PATH, c -> c.agent().workDir());

    public static final ConfigKey<Duration> SESSION_HEARTBEAT_INTERVAL =
            key("session.heartbeat-interval", ValueType.DURATION, c -> c.session().heartbeatInterval());
    public static final ConfigKey<Duration> SESSION_LEASE_TTL =
            key("session.lease-ttl", ValueType.DURATION, c -> c.session().leaseTtl());
    public static final ConfigKey<Duration> SESSION_SUSPECT_AFTER =
            key("session.suspect-after", ValueType.DURATION, c -> c.session().suspectAfter());
    public static final ConfigKey<Duration> SESSION_RECONNECT_INITIAL =
            key("session.reconnect.initial", ValueType.DURATION, c -> c.session().reconnect().initial());
    public static final ConfigKey<Double> SESSION_RECONNECT_MULTIPLIER =
            key("session.reconnect.multiplier", ValueType.NUMBER, c -> c.session().reconnect().multiplier());
    public static final ConfigKey<Duration> SESSION_RECONNECT_MAX =
            key("session.reconnect.max", ValueType.DURATION, c -> c.session().reconnect().max());
    public static final ConfigKey<Integer> SESSION_RECONNECT_MAX_ATTEMPTS =
            key("session.reconnect.max-attempts", ValueType.INTEGER, c -> c.session().reconnect().maxAttempts());
    public static final ConfigKey<Boolean> SESSION_RECONNECT_JITTER =
            key("session.reconnect.jitter", ValueType.BOOLEAN, c -> c.session().reconnect().jitter());

    public static final ConfigKey<Duration> GRPC_KEEPALIVE_TIME =
            key("grpc.keepalive-time", ValueType.DURATION, c -> c.grpc().keepaliveTime());
    public static final ConfigKey<Duration> GRPC_KEEPALIVE_TIMEOUT =
            key("grpc.keepalive-timeout", ValueType.DURATION, c -> c.grpc().keepaliveTimeout());
    public static final ConfigKey<Duration> GRPC_PERMIT_KEEPALIVE_TIME =
            key("grpc.permit-keepalive-time", ValueType.DURATION, c -> c.grpc().permitKeepaliveTime());
    public static final ConfigKey<Long> GRPC_MAX_MESSAGE_SIZE =
            key("grpc.max-message-size", ValueType.SIZE, c -> c.grpc().maxMessageSize());

    public static final ConfigKey<Boolean> TLS_ENABLED = key("tls.enabled", ValueType.BOOLEAN, c -> c.tls().enabled());
    public static final ConfigKey<Path> TLS_CA = optional("tls.ca", ValueType.PATH, c -> c.tls().ca());
    public static final ConfigKey<Path> TLS_CERT = optional("tls.cert", ValueType.PATH, c -> c.tls().cert());
    public static final ConfigKey<Path> TLS_KEY = optional("tls.key", ValueType.PATH, c -> c.tls().key());
    public static final ConfigKey<Path> TLS_CERTS_DIR = optional("tls.certs-dir", ValueType.PATH, c -> c.tls().certsDir());
    public static final ConfigKey<Duration> TLS_HANDSHAKE_TIMEOUT =
            key("tls.handshake-timeout", ValueType.DURATION, c -> c.tls().handshakeTimeout());

    public static final ConfigKey<Duration> NETWORK_PROXY_IDLE_TIMEOUT =
            optional("network.proxy-idle-timeout", ValueType.DURATION, c -> c.network().proxyIdleTimeout());

    public static final ConfigKey<Integer> JOB_CHECKPOINT_EVERY =
            key("job.checkpoint-every", ValueType.INTEGER, c -> c.job().checkpointEvery());
    public static final ConfigKey<Path> JOB_CHECKPOINT_DIR =
            key("job.checkpoint-dir", ValueType.PATH, c -> c.job().checkpointDir());
    public static final ConfigKey<CheckpointStorage> JOB_CHECKPOINT_STORAGE =
            key("job.checkpoint-storage", ValueType.CHECKPOINT_STORAGE, c -> c.job().checkpointStorage());
    public static final ConfigKey<Integer> JOB_PARTITIONS_PER_AGENT =
            key("job.partitions-per-agent", ValueType.INTEGER, c -> c.job().partitionsPerAgent());
    public static final ConfigKey<Integer> JOB_MIN_AGENTS =
            key("job.min-agents", ValueType.INTEGER, c -> c.job().minAgents());
    public static final ConfigKey<Duration> JOB_AGENT_WAIT =
            key("job.agent-wait", ValueType.DURATION, c -> c.job().agentWait());
    public static final ConfigKey<List<Path>> JOB_INPUT_ROOTS =
            key("job.input-roots", ValueType.PATHS, c -> c.job().inputRoots());
    public static final ConfigKey<List<Path>> JOB_OUTPUT_ROOTS =
            key("job.output-roots", ValueType.PATHS, c -> c.job().outputRoots());

    public static final ConfigKey<InputTransfer> JOB_INPUT_TRANSFER =
            key("job.input-transfer", ValueType.INPUT_TRANSFER, c -> c.job().inputTransfer());
    public static final ConfigKey<Rebalance> JOB_REBALANCE =
            key("job.rebalance", ValueType.REBALANCE, c -> c.job().rebalance());
    public static final ConfigKey<UserPrograms> JOB_USER_PROGRAMS =
            key("job.user-programs", ValueType.USER_PROGRAMS, c -> c.job().userPrograms());

    public static final ConfigKey<String> ADMIN_TOKEN = key("admin.token", ValueType.STRING, c -> c.admin().token());

    public static final ConfigKey<HostPort> QUERY_HTTP_LISTEN =
            key("query.http-listen", ValueType.ADDRESS, c -> c.query().httpListen());
    public static final ConfigKey<Duration> QUERY_DEADLINE =
            key("query.deadline", ValueType.DURATION, c -> c.query().deadline());
    public static final ConfigKey<QueryRouting> QUERY_ROUTING =
            key("query.routing", ValueType.QUERY_ROUTING, c -> c.query().routing());
    public static final ConfigKey<Double> QUERY_HOT_RATE =
            key("query.hot-rate", ValueType.NUMBER, c -> c.query().hotRate());
    public static final ConfigKey<Duration> QUERY_HEAT_WINDOW =
            key("query.heat-window", ValueType.DURATION, c -> c.query().heatWindow());
    public static final ConfigKey<Duration> QUERY_COOL_AFTER =
            key("query.cool-after", ValueType.DURATION, c -> c.query().coolAfter());
    public static final ConfigKey<Integer> QUERY_MAX_IN_FLIGHT =
            key("query.max-in-flight", ValueType.INTEGER, c -> c.query().maxInFlight());
    public static final ConfigKey<Integer> QUERY_AGENT_MAX_IN_FLIGHT =
            key("query.agent-max-in-flight", ValueType.INTEGER, c -> c.query().agentMaxInFlight());
    public static final ConfigKey<Integer> QUERY_MAX_VERTICES =
            key("query.max-vertices", ValueType.INTEGER, c -> c.query().maxVertices());

    /** Every key, in the order of the documentation. */
    public static final List<ConfigKey<?>> ALL = List.of(
            CLUSTER_ID,
            COORDINATOR_LISTEN, COORDINATOR_ADMIN_LISTEN, COORDINATOR_STATE_DIR,
            COORDINATOR_STORE, COORDINATOR_ETCD_ENDPOINTS, COORDINATOR_ETCD_CA, COORDINATOR_ETCD_CERT,
            COORDINATOR_ETCD_KEY, COORDINATOR_ETCD_INSECURE, COORDINATOR_ETCD_ELECTION_TTL,
            AGENT_COORDINATOR, AGENT_DATA_LISTEN, AGENT_DATA_ADVERTISE, AGENT_ID, AGENT_WORK_DIR,
            SESSION_HEARTBEAT_INTERVAL, SESSION_LEASE_TTL, SESSION_SUSPECT_AFTER,
            SESSION_RECONNECT_INITIAL, SESSION_RECONNECT_MULTIPLIER, SESSION_RECONNECT_MAX, SESSION_RECONNECT_MAX_ATTEMPTS,
            SESSION_RECONNECT_JITTER,
            GRPC_KEEPALIVE_TIME, GRPC_KEEPALIVE_TIMEOUT, GRPC_PERMIT_KEEPALIVE_TIME, GRPC_MAX_MESSAGE_SIZE,
            TLS_ENABLED, TLS_CA, TLS_CERT, TLS_KEY, TLS_CERTS_DIR, TLS_HANDSHAKE_TIMEOUT,
            NETWORK_PROXY_IDLE_TIMEOUT,
            JOB_CHECKPOINT_EVERY, JOB_CHECKPOINT_DIR, JOB_CHECKPOINT_STORAGE, JOB_PARTITIONS_PER_AGENT, JOB_MIN_AGENTS,
            JOB_AGENT_WAIT, JOB_INPUT_ROOTS, JOB_OUTPUT_ROOTS, JOB_INPUT_TRANSFER, JOB_REBALANCE, JOB_USER_PROGRAMS,
            ADMIN_TOKEN,
            QUERY_HTTP_LISTEN, QUERY_DEADLINE, QUERY_ROUTING, QUERY_HOT_RATE, QUERY_HEAT_WINDOW, QUERY_COOL_AFTER,
            QUERY_MAX_IN_FLIGHT, QUERY_AGENT_MAX_IN_FLIGHT, QUERY_MAX_VERTICES);

    private ConfigKeys() {
    }

    /** The key with this dotted path, if any. */
    public static Optional<ConfigKey<?>> byPath(String path) {
        return ALL.stream().filter(k -> k.path().equals(path)).findFirst();
    }

    /**
     * Every path that may appear in a file: the keys, the sections that hold them (e.g.
     * {@code session}, {@code session.reconnect}) and {@code profile}.
     */
    public static Set<String> knownPaths() {
        Set<String> paths = new LinkedHashSet<>();
        paths.add(PROFILE);
        for (ConfigKey<?> k : ALL) {
            String p = k.path();
            for (int dot = p.indexOf('.'); dot >= 0; dot = p.indexOf('.', dot + 1)) {
                paths.add(p.substring(0, dot));
            }
            paths.add(p);
        }
        return paths;
    }

    /** True when {@code path} names a section (a mapping of keys), e.g. {@code session.reconnect}. */
    public static boolean isSection(String path) {
        return ALL.stream().anyMatch(k -> k.path().startsWith(path + "."));
    }

    /**
     * Builds a configuration from one value per key (null for an unset optional key).
     *
     * @throws NullPointerException if a required key has no value
     */
    static GraphagentConfig assemble(Profile profile, Map<ConfigKey<?>, Object> v) {
        return new GraphagentConfig(profile,
                new ClusterConfig(get(v, CLUSTER_ID)),
                new CoordinatorConfig(get(v, COORDINATOR_LISTEN), get(v, COORDINATOR_ADMIN_LISTEN), get(v, COORDINATOR_STATE_DIR),
                        get(v, COORDINATOR_STORE), new EtcdConfig(get(v, COORDINATOR_ETCD_ENDPOINTS), opt(v, COORDINATOR_ETCD_CA),
                        opt(v, COORDINATOR_ETCD_CERT), opt(v, COORDINATOR_ETCD_KEY), get(v, COORDINATOR_ETCD_INSECURE),
                        get(v, COORDINATOR_ETCD_ELECTION_TTL))),
                new AgentConfig(get(v, AGENT_COORDINATOR), get(v, AGENT_DATA_LISTEN), opt(v, AGENT_DATA_ADVERTISE),
                        get(v, AGENT_ID), get(v, AGENT_WORK_DIR)),
                new SessionConfig(get(v, SESSION_HEARTBEAT_INTERVAL), get(v, SESSION_LEASE_TTL), get(v, SESSION_SUSPECT_AFTER),
                        new ReconnectConfig(get(v, SESSION_RECONNECT_INITIAL), get(v, SESSION_RECONNECT_MULTIPLIER),
                                get(v, SESSION_RECONNECT_MAX), get(v, SESSION_RECONNECT_MAX_ATTEMPTS),
                                get(v, SESSION_RECONNECT_JITTER))),
                new GrpcConfig(get(v, GRPC_KEEPALIVE_TIME), get(v, GRPC_KEEPALIVE_TIMEOUT), get(v, GRPC_PERMIT_KEEPALIVE_TIME),
                        get(v, GRPC_MAX_MESSAGE_SIZE)),
                new TlsConfig(get(v, TLS_ENABLED), opt(v, TLS_CA), opt(v, TLS_CERT), opt(v, TLS_KEY), opt(v, TLS_CERTS_DIR),
                        get(v, TLS_HANDSHAKE_TIMEOUT)),
                new NetworkConfig(opt(v, NETWORK_PROXY_IDLE_TIMEOUT)),
                new JobConfig(get(v, JOB_CHECKPOINT_EVERY), get(v, JOB_CHECKPOINT_DIR), get(v, JOB_CHECKPOINT_STORAGE),
                        get(v, JOB_PARTITIONS_PER_AGENT), get(v, JOB_MIN_AGENTS), get(v, JOB_AGENT_WAIT),
                        get(v, JOB_INPUT_ROOTS), get(v, JOB_OUTPUT_ROOTS), get(v, JOB_INPUT_TRANSFER), get(v, JOB_REBALANCE),
                        get(v, JOB_USER_PROGRAMS)),
                new AdminConfig(get(v, ADMIN_TOKEN)),
                new QueryConfig(get(v, QUERY_HTTP_LISTEN), get(v, QUERY_DEADLINE), get(v, QUERY_ROUTING),
                        get(v, QUERY_HOT_RATE), get(v, QUERY_HEAT_WINDOW), get(v, QUERY_COOL_AFTER),
                        get(v, QUERY_MAX_IN_FLIGHT), get(v, QUERY_AGENT_MAX_IN_FLIGHT), get(v, QUERY_MAX_VERTICES)));
    }

    private static <T> T get(Map<ConfigKey<?>, Object> values, ConfigKey<T> key) {
        Object value = values.get(key);
        if (value == null) {
            throw new NullPointerException(key.path() + " has no value");
        }
        @SuppressWarnings("unchecked")
        T t = (T) value;
        return t;
    }

    private static <T> Optional<T> opt(Map<ConfigKey<?>, Object> values, ConfigKey<T> key) {
        @SuppressWarnings("unchecked")
        T t = (T) values.get(key);
        return Optional.ofNullable(t);
    }

    private static <T> ConfigKey<T> key(String path, ValueType<T> type, Function<GraphagentConfig, T> getter) {
        return new ConfigKey<>(path, type, false, getter);
    }

    private static <T> ConfigKey<T> optional(String path, ValueType<T> type, Function<GraphagentConfig, Optional<T>> getter) {
        return new ConfigKey<>(path, type, true, c -> getter.apply(c).orElse(null));
    }
}
