package io.graphagent.coordinator.etcd;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;

/**
 * etcd members run as child processes of this one, on 127.0.0.1 and free ports, each with its
 * own data directory: what {@code graphagent local --etcd auto} starts so that a user can
 * watch a failover on one machine, and what the tests of the etcd store run against (a real
 * etcd, Debian's {@code etcd-server}). Plaintext by default (the members listen on loopback
 * only); given {@link Tls} files, clients must speak TLS with a certificate from its CA.
 * Members can be killed and started again on their ports and data (quorum tests). Not for
 * production: there, run etcd as its operators document it. Thread-safe.
 */
public final class LocalEtcd implements AutoCloseable {

    /** Where Debian's etcd-server puts the binary. */
    public static final Path DEFAULT_BINARY = Path.of("/usr/bin/etcd");

    /** etcd's Raft heartbeat in ms: 5x faster than its default, so a member lost on loopback is noticed sooner. */
    static final int HEARTBEAT_MS = 50;
    /** etcd's election timeout in ms (10 heartbeats, as etcd advises). */
    static final int ELECTION_MS = 500;

    private final Path binary;
    private final Path dir;
    private final List<Member> members;
    private final String initialCluster;
    private final Optional<Tls> tls;

    /**
     * TLS of the client port: the members serve {@code cert} (PEM, with its key in PKCS#8 PEM) and
     * accept only clients whose certificate {@code ca} signed ({@code --client-cert-auth}). The
     * peer port stays plaintext on loopback.
     */
    public record Tls(Path ca, Path cert, Path key) {
        public Tls {
            Objects.requireNonNull(ca, "ca");
            Objects.requireNonNull(cert, "cert");
            Objects.requireNonNull(key, "key");
        }
    }

    /** One member: its name, ports and data, and its process while it runs. */
    public static final class Member {
        final String name;
        final int clientPort;
        final int peerPort;
        final Path dataDir;
        final Path log;
        final String scheme;
        Process process;

        Member(String name, int clientPort, int peerPort, Path dataDir, Path log, String scheme) {
            this.name = name;
            this.scheme = scheme;
            this.clientPort = clientPort;
            this.peerPort = peerPort;
            this.dataDir = dataDir;
            this.log = log;
        }

        /** {@code http://127.0.0.1:PORT}, or {@code https://} with TLS. */
        public String clientUrl() {
            return scheme + "://127.0.0.1:" + clientPort;
        }

        public String name() {
            return name;
        }

        /** Whether its process runs. */
        public synchronized boolean running() {
            return process != null && process.isAlive();
        }

        /** Its process id, or -1 when stopped. */
        public synchronized long pid() {
            return running() ? process.pid() : -1;
        }
    }

    private LocalEtcd(Path binary, Path dir, List<Member> members, Optional<Tls> tls) {
        this.binary = binary;
        this.tls = tls;
        this.dir = dir;
        this.members = members;
        StringJoiner cluster = new StringJoiner(",");
        for (Member m : members) {
            cluster.add(m.name + "=http://127.0.0.1:" + m.peerPort);
        }
        this.initialCluster = cluster.toString();
    }

    /**
     * Starts {@code size} members under {@code dir} (member-N/ data, member-N.log) and returns
     * once they run (they answer clients a moment later: see {@link EtcdProbe}).
     *
     * @throws IOException when the binary is missing (the message names the package) or a process cannot start
     */
    public static LocalEtcd start(Path binary, Path dir, int size) throws IOException {
        return start(binary, dir, size, Optional.empty());
    }

    /** Like {@link #start(Path, Path, int)}, with TLS on the client port when {@code tls} is given. */
    public static LocalEtcd start(Path binary, Path dir, int size, Optional<Tls> tls) throws IOException {
        if (!Files.isExecutable(binary)) {
            throw new IOException("no etcd at " + binary + ". Fix: install it (Debian: apt-get install etcd-server)"
                    + " or run an etcd cluster and pass --etcd URL[,URL...]");
        }
        Files.createDirectories(dir);
        List<Member> members = new ArrayList<>();
        List<Integer> ports = FreePorts.pick(2 * size);
        for (int i = 0; i < size; i++) {
            members.add(new Member("member-" + i, ports.get(2 * i), ports.get(2 * i + 1), dir.resolve("member-" + i),
                    dir.resolve("member-" + i + ".log"), tls.isPresent() ? "https" : "http"));
        }
        LocalEtcd etcd = new LocalEtcd(binary, dir, List.copyOf(members), tls);
        try {
            for (Member m : members) {
                etcd.start(m);
            }
        } catch (IOException | RuntimeException e) {
            etcd.close();
            throw e;
        }
        return etcd;
    }

    /** The members, in order. */
    public List<Member> members() {
        return members;
    }

    /** Every member's client URL, comma-separated, as {@code --etcd} takes it. */
    public String endpoints() {
        StringJoiner urls = new StringJoiner(",");
        members.forEach(m -> urls.add(m.clientUrl()));
        return urls.toString();
    }

    /** The client URLs as a list. */
    public List<String> endpointList() {
        return members.stream().map(Member::clientUrl).toList();
    }

    /** Starts {@code member} again on its ports and data (after {@link #kill}). */
    public synchronized void start(Member member) throws IOException {
        if (member.running()) {
            return;
        }
        boolean fresh = !Files.isDirectory(member.dataDir.resolve("member"));
        List<String> command = new ArrayList<>(List.of(binary.toString(),
                "--name", member.name,
                "--data-dir", member.dataDir.toString(),
                "--listen-client-urls", member.clientUrl(),
                "--advertise-client-urls", member.clientUrl(),
                "--listen-peer-urls", "http://127.0.0.1:" + member.peerPort,
                "--initial-advertise-peer-urls", "http://127.0.0.1:" + member.peerPort,
                "--initial-cluster", initialCluster,
                "--initial-cluster-state", fresh ? "new" : "existing",
                "--initial-cluster-token", "graphagent-local-" + dir.getFileName(),
                "--heartbeat-interval", Integer.toString(HEARTBEAT_MS),
                "--election-timeout", Integer.toString(ELECTION_MS),
                "--log-level", "warn"));
        tls.ifPresent(t -> command.addAll(List.of("--cert-file", t.cert().toString(), "--key-file", t.key().toString(),
                "--trusted-ca-file", t.ca().toString(), "--client-cert-auth")));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(member.log.toFile()));
        synchronized (member) {
            member.process = builder.start();
        }
        // A child never outlives this process, however it ends.
        Process child = member.process;
        Runtime.getRuntime().addShutdownHook(new Thread(child::destroyForcibly, "etcd-reaper-" + member.name));
    }

    /** SIGKILLs {@code member} and waits for it to be gone. */
    public void kill(Member member) {
        Process p;
        synchronized (member) {
            p = member.process;
            member.process = null;
        }
        if (p != null) {
            p.destroyForcibly();
            try {
                p.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Kills every member. */
    @Override
    public void close() {
        members.forEach(this::kill);
    }

    /** Time for a fresh member to elect an etcd leader and answer, with margin: 20 election timeouts. */
    public static Duration startupTime() {
        return Duration.ofMillis(20L * ELECTION_MS);
    }

    @Override
    public String toString() {
        return "local etcd " + endpoints() + " (data " + Objects.toString(dir) + ")";
    }
}
