package io.graphagent.config;

import static io.graphagent.config.DurationFormat.format;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The rules of {@code graphagent config check}: the timing rules of DESIGN.md (which keep
 * sessions from dropping for reasons nobody sees) and sanity of each value. Looks at the
 * file system only to see whether configured files exist. Stateless and thread-safe.
 *
 * <p>Timing rules:
 * <ul>
 *   <li>{@code session.lease-ttl} &ge; 3 x {@code session.heartbeat-interval}: one or two
 *       lost heartbeats must not kill a lease.</li>
 *   <li>the client's gRPC keepalive time (as grpc-java applies it: at least 10s) &ge; the
 *       server's {@code grpc.permit-keepalive-time}, else the server closes the connection
 *       with GOAWAY {@code too_many_pings}.</li>
 *   <li>{@code tls.handshake-timeout} &lt; {@code session.lease-ttl}: a reconnect must be
 *       able to finish within the lease.</li>
 *   <li>a declared {@code network.proxy-idle-timeout} &gt; the heartbeat interval and &gt;
 *       the keepalive time, else the proxy cuts connections that look idle to it; under twice
 *       the heartbeat interval it is a warning (one late heartbeat and the session is cut).</li>
 * </ul>
 */
public final class ConfigCheck {

    /** Smallest sensible gRPC message limit: a batch or a status reply must fit. */
    public static final long MIN_MAX_MESSAGE_SIZE = DataSize.MIB;

    /** Lease ttl over heartbeat interval: the lease survives two lost heartbeats. */
    public static final int MIN_HEARTBEATS_PER_LEASE = 3;

    /**
     * A declared proxy idle timeout should leave room for this many heartbeat intervals: a
     * heartbeat that is late once must not let the proxy cut the session.
     */
    public static final int PROXY_HEARTBEAT_MARGIN = 2;

    /** Shortest admin token that is not guessable in practice (characters). */
    public static final int MIN_ADMIN_TOKEN_LENGTH = 16;

    /**
     * The CA certificate's name in a directory made by {@code graphagent certs init} (module
     * net, {@code ClusterCertificates.CA_CERT}); which certificate and key a process takes
     * from the directory depends on its identity and is the net module's business.
     */
    static final String CERTS_DIR_CA = "ca.pem";

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");

    private ConfigCheck() {
    }

    /**
     * Checks a configuration.
     *
     * @param config the configuration
     * @param source where it came from (a file path, or "defaults"), named in messages
     *     about files
     * @return the problems, errors and warnings in key order; empty when all is well
     */
    public static List<Problem> check(GraphagentConfig config, String source) {
        List<Problem> problems = new ArrayList<>();
        cluster(config, problems);
        addresses(config, problems);
        durations(config, problems);
        session(config, problems);
        keepalive(config, problems);
        messageSize(config, problems);
        tls(config, source, problems);
        proxy(config, problems);
        etcd(config, source, problems);
        job(config, problems);
        admin(config, problems);
        query(config, problems);
        return problems;
    }

    private static void cluster(GraphagentConfig c, List<Problem> out) {
        if (!NAME.matcher(c.cluster().id()).matches()) {
            out.add(Problem.error("cluster.id", "'" + c.cluster().id() + "' is not a cluster name",
                    "use letters, digits, '.', '_' and '-' only, e.g. 'prod-graph'"));
        }
        String id = c.agent().id();
        if (!id.isEmpty() && !NAME.matcher(id).matches()) {
            out.add(Problem.error("agent.id", "'" + id + "' is not an agent name",
                    "use letters, digits, '.', '_' and '-' only, e.g. 'agent-1', or leave it empty to use the certificate subject"));
        }
    }

    private static void addresses(GraphagentConfig c, List<Problem> out) {
        listenPort(out, "coordinator.listen", c.coordinator().listen());
        listenPort(out, "coordinator.admin-listen", c.coordinator().adminListen());
        listenPort(out, "agent.data-listen", c.agent().dataListen());
        dialPort(out, "agent.coordinator", c.agent().coordinator());
        c.agent().dataAdvertise().ifPresent(a -> dialPort(out, "agent.data-advertise", a));
        if (c.coordinator().listen().port() == 0) {
            out.add(Problem.warning("coordinator.listen", "port 0 takes a random free port that agents cannot know in advance",
                    "set a fixed port, e.g. " + Profile.COORDINATOR_PORT));
        }
        HostPort grpc = c.coordinator().listen();
        HostPort admin = c.coordinator().adminListen();
        if (grpc.port() != 0 && grpc.port() == admin.port()
                && (grpc.host().equals(admin.host()) || grpc.isWildcard() || admin.isWildcard())) {
            out.add(Problem.error("coordinator.admin-listen", admin + " is the same port as coordinator.listen (" + grpc + ")",
                    "give the admin HTTP server its own port, e.g. " + admin.host() + ":" + Profile.ADMIN_PORT));
        }
        if (c.agent().dataListen().isWildcard() && c.agent().dataAdvertise().isEmpty()) {
            out.add(Problem.warning("agent.data-advertise", "agent.data-listen " + c.agent().dataListen()
                            + " listens on every interface but no address for peers to dial is set",
                    "set agent.data-advertise to this machine's address as peers reach it, e.g. 10.0.0.5:7500"));
        }
    }

    private static void listenPort(List<Problem> out, String key, HostPort address) {
        if (address.port() < 0 || address.port() > 65535) {
            out.add(Problem.error(key, "port " + address.port() + " is out of range",
                    "use a port in 1..65535 (0 takes any free port)"));
        }
    }

    private static void dialPort(List<Problem> out, String key, HostPort address) {
        if (address.port() < 1 || address.port() > 65535) {
            out.add(Problem.error(key, "port " + address.port() + " is out of range", "use the peer's port, in 1..65535"));
        }
    }

    private static void durations(GraphagentConfig c, List<Problem> out) {
        for (ConfigKey<?> key : ConfigKeys.ALL) {
            if (key.type() != ValueType.DURATION) {
                continue;
            }
            Duration d = (Duration) key.getter().apply(c);
            if (d == null) {
                continue;
            }
            boolean zeroAllowed = key == ConfigKeys.GRPC_PERMIT_KEEPALIVE_TIME;
            if (d.isNegative() || (d.isZero() && !zeroAllowed)) {
                out.add(Problem.error(key.path(), format(d) + " is not a positive duration",
                        "set a positive duration, e.g. " + key.formatted(Profile.LAN.defaults())));
            }
        }
    }

    private static void session(GraphagentConfig c, List<Problem> out) {
        SessionConfig s = c.session();
        Duration minLease = s.heartbeatInterval().multipliedBy(MIN_HEARTBEATS_PER_LEASE);
        if (s.leaseTtl().compareTo(minLease) < 0) {
            out.add(Problem.error("session.lease-ttl", format(s.leaseTtl()) + " is less than " + MIN_HEARTBEATS_PER_LEASE
                            + " x session.heartbeat-interval (" + format(s.heartbeatInterval()) + ")",
                    "set session.lease-ttl to at least " + format(minLease)));
        }
        if (s.suspectAfter().compareTo(s.leaseTtl()) >= 0) {
            out.add(Problem.error("session.suspect-after", format(s.suspectAfter()) + " is not less than session.lease-ttl ("
                            + format(s.leaseTtl()) + "): agents would go DEAD without ever being SUSPECT",
                    "set session.suspect-after between session.heartbeat-interval and session.lease-ttl, e.g. "
                            + format(s.heartbeatInterval().multipliedBy(2))));
        } else if (s.suspectAfter().compareTo(s.heartbeatInterval()) <= 0) {
            out.add(Problem.warning("session.suspect-after", format(s.suspectAfter())
                            + " is not more than session.heartbeat-interval (" + format(s.heartbeatInterval())
                            + "): any slightly late heartbeat makes an agent SUSPECT",
                    "set session.suspect-after to about 2 x session.heartbeat-interval ("
                            + format(s.heartbeatInterval().multipliedBy(2)) + ")"));
        }
        ReconnectConfig r = s.reconnect();
        if (!(r.multiplier() >= 1.0)) {
            out.add(Problem.error("session.reconnect.multiplier", r.multiplier() + " is less than 1: the backoff would shrink",
                    "set session.reconnect.multiplier to 1 (constant) or more, e.g. 2"));
        }
        if (r.max().compareTo(r.initial()) < 0) {
            out.add(Problem.error("session.reconnect.max", format(r.max()) + " is less than session.reconnect.initial ("
                    + format(r.initial()) + ")", "set session.reconnect.max to at least " + format(r.initial())));
        }
        if (r.maxAttempts() < 0) {
            out.add(Problem.error("session.reconnect.max-attempts", r.maxAttempts() + " is negative",
                    "set 0 to retry forever, or a positive number of attempts"));
        }
        if (r.initial().compareTo(s.leaseTtl()) >= 0) {
            out.add(Problem.warning("session.reconnect.initial", format(r.initial()) + " is not less than session.lease-ttl ("
                            + format(s.leaseTtl()) + "): a broken session can never be resumed within its lease",
                    "set session.reconnect.initial well below session.lease-ttl, e.g. " + format(Profile.LAN.defaults()
                            .session().reconnect().initial())));
        }
    }

    private static void keepalive(GraphagentConfig c, List<Problem> out) {
        GrpcConfig g = c.grpc();
        Duration effective = g.effectiveKeepaliveTime();
        if (g.keepaliveTime().compareTo(GrpcConfig.GRPC_JAVA_MIN_KEEPALIVE_TIME) < 0 && g.keepaliveTime().isPositive()) {
            out.add(Problem.warning("grpc.keepalive-time", format(g.keepaliveTime())
                            + " is below grpc-java's floor: it raises keepalive times under 10s to 10s, so clients ping every 10s",
                    "set grpc.keepalive-time to 10s or more so the file says what happens (heartbeats every "
                            + format(c.session().heartbeatInterval()) + " already detect a dead session sooner)"));
        }
        if (effective.compareTo(g.permitKeepaliveTime()) < 0) {
            out.add(Problem.error("grpc.keepalive-time", "clients ping every " + format(effective)
                            + (effective.equals(g.keepaliveTime()) ? "" : " (grpc.keepalive-time " + format(g.keepaliveTime())
                            + " raised to grpc-java's 10s floor)") + ", more often than the server permits with"
                            + " grpc.permit-keepalive-time (" + format(g.permitKeepaliveTime()) + ")",
                    "set grpc.keepalive-time to at least " + format(g.permitKeepaliveTime())
                            + ", or lower grpc.permit-keepalive-time on the coordinator to at most " + format(effective)
                            + ". Otherwise the server counts each early ping as a strike, answers GOAWAY ENHANCE_YOUR_CALM"
                            + " (too_many_pings) and closes the connection: every session and call on it fails with"
                            + " UNAVAILABLE, and the agent reconnects only to be cut again"));
        }
    }

    private static void messageSize(GraphagentConfig c, List<Problem> out) {
        long size = c.grpc().maxMessageSize();
        if (size < MIN_MAX_MESSAGE_SIZE) {
            out.add(Problem.error("grpc.max-message-size", DataSize.format(size) + " is less than 1MiB",
                    "set grpc.max-message-size to at least 1MiB, e.g. " + DataSize.format(Profile.DEFAULT_MAX_MESSAGE_SIZE)));
        } else if (size > Integer.MAX_VALUE) {
            out.add(Problem.error("grpc.max-message-size", DataSize.format(size) + " exceeds gRPC's limit of 2GiB - 1 byte",
                    "set grpc.max-message-size to at most 1GiB"));
        }
    }

    private static void tls(GraphagentConfig c, String source, List<Problem> out) {
        TlsConfig t = c.tls();
        if (t.handshakeTimeout().compareTo(c.session().leaseTtl()) >= 0) {
            out.add(Problem.error("tls.handshake-timeout", format(t.handshakeTimeout()) + " is not less than session.lease-ttl ("
                            + format(c.session().leaseTtl()) + "): a reconnecting agent could spend its whole lease in a handshake",
                    "set tls.handshake-timeout below " + format(c.session().leaseTtl()) + ", e.g. "
                            + format(c.session().leaseTtl().dividedBy(2))));
        }
        if (!t.enabled()) {
            out.add(Problem.warning("tls.enabled", "plaintext: connections are neither encrypted nor authenticated, anyone"
                            + " on the network can read the traffic and pose as an agent or the coordinator",
                    "set tls.enabled: true with certificates from `graphagent certs init`, unless every process runs on"
                            + " one trusted machine"));
            return;
        }
        String from = " (set in " + source + "; relative paths are resolved against the working directory "
                + Path.of("").toAbsolutePath() + ")";
        if (t.certsDir().isPresent()) {
            Path dir = t.certsDir().get();
            if (!Files.isDirectory(dir)) {
                out.add(Problem.error("tls.certs-dir", "directory " + dir + (Files.exists(dir) ? " is not a directory" : " does not exist") + from,
                        "run `graphagent certs init --out " + dir + "`, or point tls.certs-dir at the directory it made"));
            } else if (t.ca().isEmpty() && !Files.isRegularFile(dir.resolve(CERTS_DIR_CA))) {
                out.add(Problem.error("tls.certs-dir", "directory " + dir + " has no " + CERTS_DIR_CA
                                + " (the cluster CA certificate)" + from,
                        "point tls.certs-dir at a directory made by `graphagent certs init`, or set tls.ca"));
            }
        } else {
            List<String> missing = new ArrayList<>();
            if (t.ca().isEmpty()) {
                missing.add("tls.ca");
            }
            if (t.cert().isEmpty()) {
                missing.add("tls.cert");
            }
            if (t.key().isEmpty()) {
                missing.add("tls.key");
            }
            if (missing.size() == 3) {
                out.add(Problem.error("tls.certs-dir", "TLS is enabled but no certificates are configured",
                        "set tls.certs-dir to a directory made by `graphagent certs init` (or tls.ca, tls.cert and tls.key);"
                                + " for plaintext on one trusted machine set tls.enabled: false"));
            } else {
                for (String key : missing) {
                    out.add(Problem.error(key, "TLS is enabled but " + key + " is not set and there is no tls.certs-dir",
                            "set " + key + " to its PEM file, or set tls.certs-dir"));
                }
            }
        }
        pemFile(out, "tls.ca", t.ca(), from);
        pemFile(out, "tls.cert", t.cert(), from);
        pemFile(out, "tls.key", t.key(), from);
        t.key().filter(Files::isRegularFile).ifPresent(key -> keyPermissions(out, key));
    }

    private static void pemFile(List<Problem> out, String key, Optional<Path> file, String from) {
        if (file.isEmpty()) {
            return;
        }
        Path p = file.get();
        if (!Files.exists(p)) {
            out.add(Problem.error(key, "file " + p + " does not exist" + from,
                    "correct the path, or run `graphagent certs init` and use the files it made"));
        } else if (!Files.isRegularFile(p)) {
            out.add(Problem.error(key, p + " is not a file" + from, "point " + key + " at a PEM file"));
        } else if (!Files.isReadable(p)) {
            out.add(Problem.error(key, "file " + p + " is not readable by this user" + from,
                    "make it readable by the user that runs graphagent"));
        }
    }

    private static void keyPermissions(List<Problem> out, Path key) {
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(key);
            if (perms.contains(PosixFilePermission.OTHERS_READ) || perms.contains(PosixFilePermission.GROUP_READ)) {
                out.add(Problem.warning("tls.key", "private key " + key + " is readable by other users",
                        "chmod 600 " + key));
            }
        } catch (UnsupportedOperationException | IOException e) {
            // Not a POSIX file system: nothing to say.
        }
    }

    private static void proxy(GraphagentConfig c, List<Problem> out) {
        Optional<Duration> idle = c.network().proxyIdleTimeout();
        if (idle.isEmpty() || !idle.get().isPositive()) {
            return;
        }
        Duration proxy = idle.get();
        Duration heartbeat = c.session().heartbeatInterval();
        if (proxy.compareTo(heartbeat) <= 0) {
            out.add(Problem.error("network.proxy-idle-timeout", format(proxy) + " is not more than session.heartbeat-interval ("
                            + format(heartbeat) + "): the proxy would cut session streams between heartbeats",
                    "set session.heartbeat-interval below " + format(proxy) + ", e.g. " + format(millis(proxy.dividedBy(3)))
                            + ", or raise the proxy's idle timeout"));
        }
        Duration margin = heartbeat.multipliedBy(PROXY_HEARTBEAT_MARGIN);
        if (proxy.compareTo(heartbeat) > 0 && proxy.compareTo(margin) < 0) {
            out.add(Problem.warning("network.proxy-idle-timeout", format(proxy) + " is less than " + PROXY_HEARTBEAT_MARGIN
                            + " x session.heartbeat-interval (" + format(heartbeat) + "): one heartbeat late by a GC pause or"
                            + " a busy CPU leaves the session quiet long enough for the proxy to cut it",
                    "set session.heartbeat-interval to at most " + format(millis(proxy.dividedBy(PROXY_HEARTBEAT_MARGIN + 1)))
                            + ", or raise the proxy's idle timeout"));
        }
        Duration keepalive = c.grpc().effectiveKeepaliveTime();
        if (proxy.compareTo(keepalive) <= 0) {
            String fix = proxy.compareTo(GrpcConfig.GRPC_JAVA_MIN_KEEPALIVE_TIME) <= 0
                    ? "raise the proxy's idle timeout above 10s: grpc-java never pings more often than every 10s"
                    : "set grpc.keepalive-time below " + format(proxy) + ", e.g. " + format(half(proxy))
                    + " (and grpc.permit-keepalive-time on the coordinator no higher), or raise the proxy's idle timeout";
            out.add(Problem.error("network.proxy-idle-timeout", format(proxy) + " is not more than the gRPC keepalive time ("
                            + format(keepalive) + "): the proxy would silently cut idle connections (data plane between"
                            + " jobs) before a keepalive ping keeps them open", fix));
        }
    }

    /** {@code d} cut to whole milliseconds, so a suggested value reads 133ms rather than 133333333ns. */
    private static Duration millis(Duration d) {
        return Duration.ofMillis(d.toMillis());
    }

    /**
     * The etcd store: endpoints present, TLS unless explicitly insecure, and an election TTL
     * etcd can grant (whole seconds, at least 2 s) and no longer than the agents' lease: a
     * leader that stops answering must be replaced before agents give up on its silence
     * (they drop a session whose heartbeats go unanswered for session.lease-ttl).
     */
    private static void etcd(GraphagentConfig c, String source, List<Problem> out) {
        EtcdConfig e = c.coordinator().etcd();
        if (c.coordinator().store() != StoreKind.ETCD && e.endpoints().isEmpty()) {
            return;
        }
        Duration ttl = e.electionTtl();
        if (ttl.isPositive() && (ttl.toNanos() % 1_000_000_000L != 0 || ttl.toSeconds() < EtcdConfig.MIN_ELECTION_TTL_SECONDS)) {
            out.add(Problem.error("coordinator.etcd.election-ttl", format(ttl) + " is not a whole number of seconds of at least "
                            + EtcdConfig.MIN_ELECTION_TTL_SECONDS + "s: etcd grants leases in whole seconds and none shorter",
                    "set coordinator.etcd.election-ttl to e.g. " + format(Profile.LAN.electionTtl())));
        }
        if (ttl.compareTo(c.session().leaseTtl()) > 0) {
            out.add(Problem.error("coordinator.etcd.election-ttl", format(ttl) + " is longer than session.lease-ttl ("
                            + format(c.session().leaseTtl()) + "): agents would give up on a silent leader (no heartbeat ack"
                            + " for a lease) before etcd lets a standby take over",
                    "set coordinator.etcd.election-ttl to at most " + format(c.session().leaseTtl())
                            + ", or raise session.lease-ttl"));
        }
        if (e.endpoints().isEmpty()) {
            out.add(Problem.error("coordinator.etcd.endpoints", "coordinator.store is etcd but no etcd endpoint is set",
                    "set coordinator.etcd.endpoints (or pass --etcd URL[,URL...]) to every member's client URL"));
            return;
        }
        if (e.plaintext() && !e.insecure()) {
            out.add(Problem.error("coordinator.etcd.endpoints", "http:// endpoints carry the control plane in clear and let"
                            + " anyone who reaches etcd take the leadership",
                    "use https:// endpoints with coordinator.etcd.ca, .cert and .key; for one trusted machine set"
                            + " coordinator.etcd.insecure: true (or pass --etcd-insecure)"));
        } else if (e.plaintext()) {
            out.add(Problem.warning("coordinator.etcd.insecure", "plaintext to etcd: the control plane's traffic can be read"
                            + " and forged by anyone on the path",
                    "use https:// endpoints with coordinator.etcd.ca, .cert and .key unless every process runs on one trusted machine"));
        }
        if (!e.plaintext()) {
            String from = " (set in " + source + ")";
            for (String key : List.of("coordinator.etcd.ca", "coordinator.etcd.cert", "coordinator.etcd.key")) {
                Optional<Path> file = switch (key) {
                    case "coordinator.etcd.ca" -> e.ca();
                    case "coordinator.etcd.cert" -> e.cert();
                    default -> e.key();
                };
                if (file.isEmpty()) {
                    out.add(Problem.error(key, "https:// etcd endpoints need " + key + " and it is not set",
                            "set " + key + " to its PEM file (the etcd cluster's CA, this process's client certificate and key)"));
                }
                pemFile(out, key, file, from);
            }
        }
    }

    private static Duration half(Duration d) {
        Duration h = d.dividedBy(2);
        return h.compareTo(GrpcConfig.GRPC_JAVA_MIN_KEEPALIVE_TIME) < 0 ? GrpcConfig.GRPC_JAVA_MIN_KEEPALIVE_TIME : h;
    }

    private static void job(GraphagentConfig c, List<Problem> out) {
        if (c.job().checkpointEvery() < 0) {
            out.add(Problem.error("job.checkpoint-every", c.job().checkpointEvery() + " is negative",
                    "set a number of supersteps, e.g. " + Profile.DEFAULT_CHECKPOINT_EVERY + ", or 0 for no checkpoints"));
        }
        if (c.job().partitionsPerAgent() < 1) {
            out.add(Problem.error("job.partitions-per-agent", c.job().partitionsPerAgent() + " is less than 1",
                    "set at least 1, e.g. " + Profile.DEFAULT_PARTITIONS_PER_AGENT));
        }
        if (c.job().minAgents() < 1) {
            out.add(Problem.error("job.min-agents", c.job().minAgents() + " is less than 1",
                    "set at least 1 (the default), or the number of agents a job must not run without"));
        }
        if (!c.coordinator().listen().isLoopback()) {
            openRoot(c.job().inputRoots(), ConfigKeys.JOB_INPUT_ROOTS, "read", out);
            openRoot(c.job().outputRoots(), ConfigKeys.JOB_OUTPUT_ROOTS, "write", out);
        }
    }

    /** A root of the whole file system on a coordinator other machines reach. */
    private static void openRoot(List<Path> roots, ConfigKey<List<Path>> key, String verb, List<Problem> out) {
        if (roots.stream().anyMatch(r -> r.toAbsolutePath().normalize().getParent() == null)) {
            out.add(Problem.warning(key.path(), "is / while the coordinator listens off loopback: any client with a client"
                    + " certificate can have the cluster " + verb + " any file its processes can " + verb
                    + " (except the cluster's own directories)", "set " + key.path() + " to the directories that hold"
                    + (verb.equals("read") ? " graphs, e.g. /data/graphs" : " results, e.g. /data/results")));
        }
    }

    private static void query(GraphagentConfig c, List<Problem> out) {
        QueryConfig q = c.query();
        listenPort(out, "query.http-listen", q.httpListen());
        if (c.admin().token().isEmpty() && !q.httpListen().isLoopback()) {
            out.add(Problem.error("query.http-listen", "the query API listens on " + q.httpListen()
                            + ", reachable from other machines, and no admin.token protects it",
                    "set admin.token (GRAPHAGENT_ADMIN_TOKEN) to a random string of " + MIN_ADMIN_TOKEN_LENGTH
                            + "+ characters, or listen on 127.0.0.1"));
        }
        if (!(q.hotRate() > 0)) {
            out.add(Problem.error("query.hot-rate", q.hotRate() + " is not a positive rate",
                    "set requests per second per partition, e.g. " + QueryConfig.defaults().hotRate()));
        }
        atLeastOne(out, "query.max-in-flight", q.maxInFlight(), QueryConfig.defaults().maxInFlight());
        atLeastOne(out, "query.agent-max-in-flight", q.agentMaxInFlight(), QueryConfig.defaults().agentMaxInFlight());
        atLeastOne(out, "query.max-vertices", q.maxVertices(), QueryConfig.defaults().maxVertices());
    }

    private static void atLeastOne(List<Problem> out, String key, int value, int example) {
        if (value < 1) {
            out.add(Problem.error(key, value + " is less than 1", "set at least 1, e.g. " + example));
        }
    }

    private static void admin(GraphagentConfig c, List<Problem> out) {
        String token = c.admin().token();
        HostPort admin = c.coordinator().adminListen();
        if (token.isEmpty() && !admin.isLoopback()) {
            out.add(Problem.error("admin.token", "the admin API listens on " + admin
                            + ", reachable from other machines, and no token protects it",
                    "set admin.token (better: the environment variable GRAPHAGENT_ADMIN_TOKEN) to a random string of "
                            + MIN_ADMIN_TOKEN_LENGTH + "+ characters, or listen on 127.0.0.1"));
        } else if (!token.isEmpty() && token.length() < MIN_ADMIN_TOKEN_LENGTH) {
            out.add(Problem.warning("admin.token", "the token has " + token.length() + " characters, short enough to guess",
                    "use a random string of at least " + MIN_ADMIN_TOKEN_LENGTH + " characters, e.g. from `openssl rand -hex 16`"));
        }
    }
}
