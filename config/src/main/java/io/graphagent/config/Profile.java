package io.graphagent.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Named sets of defaults, chosen with the top-level {@code profile} key (or
 * {@code GRAPHAGENT_PROFILE}); keys set in the file or the environment override them.
 * Only timing differs between profiles; addresses, paths and TLS are the same.
 */
public enum Profile {

    /**
     * One data centre or one machine: round trips under a few ms, rare loss. Detects a dead
     * agent in 5s (lease) and suspects it after 2s.
     */
    LAN(Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(2),
            Duration.ofMillis(200), Duration.ofSeconds(10),
            Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofSeconds(20),
            Duration.ofSeconds(3)),

    /**
     * Agents across regions or the internet: round trips of 100+ ms, occasional loss and
     * stalls. Slower detection (15s lease) in exchange for far fewer false DEAD verdicts.
     */
    WAN(Duration.ofSeconds(2), Duration.ofSeconds(15), Duration.ofSeconds(6),
            Duration.ofMillis(500), Duration.ofSeconds(30),
            Duration.ofSeconds(60), Duration.ofSeconds(20), Duration.ofSeconds(30),
            Duration.ofSeconds(10)),

    /**
     * Fault tests on 127.0.0.1: short leases so a killed agent is DEAD in 2s and tests stay
     * fast. Too twitchy for real networks or busy machines.
     */
    TEST(Duration.ofMillis(250), Duration.ofSeconds(2), Duration.ofMillis(750),
            Duration.ofMillis(50), Duration.ofSeconds(1),
            Duration.ofSeconds(10), Duration.ofSeconds(2), Duration.ofSeconds(10),
            Duration.ofMillis(1500));

    /** Default coordinator gRPC port. */
    public static final int COORDINATOR_PORT = 7400;
    /** Default coordinator admin HTTP port. */
    public static final int ADMIN_PORT = 7480;
    /** Default cluster id. */
    public static final String DEFAULT_CLUSTER_ID = "graphagent";
    /** Default largest gRPC message: room for a batch of ~5M messages (12 bytes each). */
    public static final long DEFAULT_MAX_MESSAGE_SIZE = 64 * DataSize.MIB;
    /** Default checkpoint interval in supersteps: a lost agent costs at most 10 supersteps. */
    public static final int DEFAULT_CHECKPOINT_EVERY = 10;
    /** Default partitions per agent: a lost agent's work spreads over up to 4 survivors. */
    public static final int DEFAULT_PARTITIONS_PER_AGENT = 4;
    /** Default fewest agents a job runs on. */
    public static final int DEFAULT_MIN_AGENTS = 1;
    /** Default wait for enough agents before a job fails. */
    public static final Duration DEFAULT_AGENT_WAIT = Duration.ofSeconds(30);
    /**
     * Default roots of job inputs: the whole file system, less the cluster's own state,
     * certificate, checkpoint and work directories ({@link JobPaths}), so that graphs work
     * wherever they lie; a cluster that clients share narrows it.
     */
    public static final List<Path> DEFAULT_INPUT_ROOTS = List.of(Path.of("/"));

    /**
     * Default roots of job outputs: the working directory and the temporary directory
     * ({@code java.io.tmpdir}), where {@code graphagent local}, {@code demo} and scripts write,
     * and not the rest of the file system (a job must not overwrite files elsewhere).
     */
    public static List<Path> defaultOutputRoots() {
        return List.of(Path.of("."), Path.of(System.getProperty("java.io.tmpdir", "/tmp")));
    }

    private final Duration heartbeatInterval;
    private final Duration leaseTtl;
    private final Duration suspectAfter;
    private final Duration reconnectInitial;
    private final Duration reconnectMax;
    private final Duration keepaliveTime;
    private final Duration keepaliveTimeout;
    private final Duration permitKeepaliveTime;
    private final Duration handshakeTimeout;

    Profile(Duration heartbeatInterval, Duration leaseTtl, Duration suspectAfter,
            Duration reconnectInitial, Duration reconnectMax,
            Duration keepaliveTime, Duration keepaliveTimeout, Duration permitKeepaliveTime,
            Duration handshakeTimeout) {
        this.heartbeatInterval = heartbeatInterval;
        this.leaseTtl = leaseTtl;
        this.suspectAfter = suspectAfter;
        this.reconnectInitial = reconnectInitial;
        this.reconnectMax = reconnectMax;
        this.keepaliveTime = keepaliveTime;
        this.keepaliveTimeout = keepaliveTimeout;
        this.permitKeepaliveTime = permitKeepaliveTime;
        this.handshakeTimeout = handshakeTimeout;
    }

    /** The name used in files and the environment: {@code lan}, {@code wan}, {@code test}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a profile name, in any case.
     *
     * @throws IllegalArgumentException naming the accepted names
     */
    public static Profile parse(String name) {
        for (Profile p : values()) {
            if (p.configName().equalsIgnoreCase(name.trim())) {
                return p;
            }
        }
        throw new IllegalArgumentException("'" + name + "' is not a profile; expected one of lan, wan, test");
    }

    /**
     * The leader's etcd lease ({@code coordinator.etcd.election-ttl}): a failover takes about
     * this long plus a second. lan 3 s, wan 10 s, test 2 s (etcd's shortest); each is at most the
     * profile's {@code session.lease-ttl}, so a standby leads before agents give up on a silent
     * leader.
     */
    public Duration electionTtl() {
        return switch (this) {
            case LAN -> Duration.ofSeconds(3);
            case WAN -> Duration.ofSeconds(10);
            case TEST -> Duration.ofSeconds(EtcdConfig.MIN_ELECTION_TTL_SECONDS);
        };
    }

    /** Every setting at this profile's default. */
    public GraphagentConfig defaults() {
        return new GraphagentConfig(this,
                new ClusterConfig(DEFAULT_CLUSTER_ID),
                new CoordinatorConfig(new HostPort("127.0.0.1", COORDINATOR_PORT), new HostPort("127.0.0.1", ADMIN_PORT),
                        Path.of(".graphagent", "coordinator"), StoreKind.LOCAL, EtcdConfig.none(electionTtl())),
                new AgentConfig(new HostPort("127.0.0.1", COORDINATOR_PORT), new HostPort("127.0.0.1", 0),
                        Optional.empty(), "", Path.of(".graphagent", "agent")),
                new SessionConfig(heartbeatInterval, leaseTtl, suspectAfter,
                        new ReconnectConfig(reconnectInitial, 2.0, reconnectMax, 0, true)),
                new GrpcConfig(keepaliveTime, keepaliveTimeout, permitKeepaliveTime, DEFAULT_MAX_MESSAGE_SIZE),
                new TlsConfig(true, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), handshakeTimeout),
                new NetworkConfig(Optional.empty()),
                new JobConfig(DEFAULT_CHECKPOINT_EVERY, Path.of(".graphagent", "checkpoints"), CheckpointStorage.SHARED,
                        DEFAULT_PARTITIONS_PER_AGENT, DEFAULT_MIN_AGENTS, DEFAULT_AGENT_WAIT, DEFAULT_INPUT_ROOTS,
                        defaultOutputRoots()),
                new AdminConfig(""));
    }
}
