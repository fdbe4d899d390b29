package io.graphagent.cli;

import io.graphagent.config.GraphagentConfig;
import io.graphagent.config.HostPort;
import io.graphagent.net.certs.ClusterCertificates;
import io.graphagent.net.tls.HostAndPort;
import io.graphagent.net.tls.TlsFilesException;
import io.graphagent.net.tls.TransportSecurity;
import io.graphagent.protocol.v1.AgentState;
import io.graphagent.protocol.v1.AgentStatus;
import io.graphagent.protocol.v1.StatusReply;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A coordinator and N agents on 127.0.0.1, each a separate JVM of this program, set up in a
 * {@link LocalState} directory: fresh certificates, a configuration file, one log per process.
 * The steps run in order ({@link #prepare}, {@link #startCoordinator}, {@link #startAgents},
 * {@link #awaitAlive}, then {@link #supervise}); {@link #close} stops every process and may be
 * called from a shutdown hook while another thread supervises.
 */
final class LocalCluster implements AutoCloseable {
    /** How long stopped processes get to leave the cluster before they are killed. */
    static final Duration STOP_GRACE = Duration.ofSeconds(5);
    /** Log lines shown when a process fails. */
    static final int TAIL_LINES = 12;
    /** Validity of the local certificates; they are made afresh at every start anyway. */
    static final Duration CERT_VALIDITY = Duration.ofDays(90);
    /** The admin HTTP port is the gRPC port plus this (7400 -> 7480), as the defaults are. */
    static final int ADMIN_PORT_OFFSET = 80;
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Pattern LISTENING = Pattern.compile("coordinator listening on (\\S+) \\(");
    private static final Pattern ADMIN = Pattern.compile("admin http://(\\S+) \\(");
    private static final Pattern QUERY_HTTP = Pattern.compile("query http://(\\S+) \\(");

    private final LocalState state;
    private final int agents;
    private final boolean insecure;
    private final PrintWriter out;
    private final List<String> jvmOptions;
    private final List<ChildProcess> children = new ArrayList<>();
    private final Map<String, AgentState> lastStates = new HashMap<>();
    private final Map<String, String> dataAddresses = new LinkedHashMap<>();
    private Map<String, String> environment = Map.of();
    /** The etcd store: its endpoints (else null), the coordinators' addresses, and the etcd this cluster started (if any). */
    private String etcdEndpoints;
    private final List<HostPort> coordinatorAddresses = new ArrayList<>();
    private io.graphagent.coordinator.etcd.LocalEtcd localEtcd;
    private static final Pattern LEADING = Pattern.compile("coordinator leading on (\\S+), term (\\d+)");
    private static final Pattern STANDING_BY = Pattern.compile("coordinator standing by on (\\S+) ");
    private StateDirLock lock;
    private HostPort address;
    private HostPort admin;
    /** The admin API's token of this start, in config.yaml. */
    private final String adminToken = LocalConfigFile.newToken();
    private volatile boolean stopping;

    private LocalCluster(LocalState state, int agents, boolean insecure, PrintWriter out, List<String> jvmOptions) {
        this.state = state;
        this.agents = agents;
        this.insecure = insecure;
        this.out = out;
        this.jvmOptions = jvmOptions;
    }

    /**
     * Takes the state directory (refusing one that a running {@code local} holds), checks that
     * the ports are free, and writes fresh certificates and the configuration.
     */
    static LocalCluster prepare(LocalState state, int agents, int port, boolean insecure, PrintWriter out,
            List<String> jvmOptions) throws IOException {
        LocalCluster cluster = new LocalCluster(state, agents, insecure, out, jvmOptions);
        // Before anything is touched: the files may belong to a running cluster.
        cluster.lock = StateDirLock.acquire(state);
        try {
            int adminPort = port == 0 || port + ADMIN_PORT_OFFSET > 65535 ? 0 : port + ADMIN_PORT_OFFSET;
            requireFree(port, "--port");
            requireFree(adminPort, "--port (the admin HTTP port is --port + " + ADMIN_PORT_OFFSET + ")");
            Files.deleteIfExists(state.addressFile());
            Files.deleteIfExists(state.adminAddressFile());
            deleteRecursively(state.certs());
            KeptLogs.keepAll(state.logs());
            Files.createDirectories(state.logs());
            if (!insecure) {
                Clock clock = Clock.systemUTC();
                ClusterCertificates.Issued issued = ClusterCertificates.init(state.certs(), agents, List.of(), CERT_VALIDITY, clock);
                ClientIdentity.issue(state.certs(), List.of(), issued.notAfter(), clock.instant());
            }
            cluster.address = new HostPort("127.0.0.1", port);
            cluster.admin = new HostPort("127.0.0.1", adminPort);
            LocalConfigFile.write(state, cluster.address, cluster.admin, !insecure, cluster.adminToken);
            return cluster;
        } catch (IOException | RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    /**
     * Variables added to the environment of every process started from now on, over the
     * configuration file (e.g. {@code GRAPHAGENT_PROFILE=wan}); fault tests set their timing so.
     */
    void environment(Map<String, String> variables) {
        environment = Map.copyOf(variables);
    }

    /**
     * Uses the etcd store with {@code count} coordinators: {@code endpoints} names an etcd cluster,
     * or "auto" starts one member under the state directory (plaintext on 127.0.0.1, killed with
     * the cluster). Call after {@link #prepare} and before {@link #startCoordinator}.
     */
    void useEtcd(String endpoints, int count) throws IOException {
        if (count < 1) {
            throw new BadInputException("--coordinators " + count + " is less than 1", "pass 1 or more, e.g. 2");
        }
        if (endpoints.equals("auto")) {
            Path dir = state.dir().resolve("etcd");
            deleteRecursively(dir);
            localEtcd = io.graphagent.coordinator.etcd.LocalEtcd.start(io.graphagent.coordinator.etcd.LocalEtcd.DEFAULT_BINARY,
                    dir, 1);
            endpoints = localEtcd.endpoints();
            awaitEtcd(endpoints);
        }
        etcdEndpoints = endpoints;
        List<Integer> ports = address.port() == 0 ? io.graphagent.coordinator.etcd.LocalEtcd.freePorts(count)
                : java.util.stream.IntStream.range(0, count).mapToObj(i -> address.port() + i).toList();
        for (int i = 0; i < count; i++) {
            coordinatorAddresses.add(new HostPort("127.0.0.1", ports.get(i)));
        }
    }

    private void awaitEtcd(String endpoints) {
        io.graphagent.config.EtcdConfig config = new io.graphagent.config.EtcdConfig(
                io.graphagent.config.EtcdConfig.parseEndpoints(endpoints), Optional.empty(), Optional.empty(),
                Optional.empty(), true, Duration.ofSeconds(2));
        long deadline = System.nanoTime() + io.graphagent.coordinator.etcd.LocalEtcd.startupTime().plusSeconds(10).toNanos();
        try (io.graphagent.coordinator.etcd.EtcdConnection c = io.graphagent.coordinator.etcd.EtcdConnection.open(config,
                "local", Duration.ofSeconds(1))) {
            while (!io.graphagent.coordinator.etcd.EtcdProbe.check(c).quorum()) {
                if (System.nanoTime() > deadline) {
                    throw new LocalClusterException("the local etcd (" + endpoints + ") did not answer; see its log in "
                            + state.dir().resolve("etcd"));
                }
                sleep(POLL);
            }
        } catch (io.graphagent.coordinator.etcd.EtcdException e) {
            throw new LocalClusterException(e.getMessage());
        }
    }

    /** The coordinators' addresses with the etcd store (empty with the local store). */
    List<HostPort> coordinatorAddresses() {
        return List.copyOf(coordinatorAddresses);
    }

    /** The etcd this cluster started ({@code --etcd auto}), if any. */
    Optional<io.graphagent.coordinator.etcd.LocalEtcd> localEtcd() {
        return Optional.ofNullable(localEtcd);
    }

    /** Where the coordinator listens (its real port once {@link #startCoordinator} returned). */
    HostPort coordinatorAddress() {
        return address;
    }

    /** Starts the coordinator and waits until it prints the address it listens on. */
    void startCoordinator(Duration timeout) throws IOException {
        if (etcdEndpoints != null) {
            for (int i = 1; i <= coordinatorAddresses.size(); i++) {
                startEtcdCoordinator(i, timeout);
            }
            awaitLeader(timeout);
            return;
        }
        ChildProcess coordinator = ChildProcess.start("coordinator", jvmOptions,
                List.of("coordinator", "--config", state.config().toString(), "--exit-with-parent", pid()),
                environment, state.log("coordinator"));
        // First: close() stops the agents (the end of the list) before the coordinator.
        children.add(0, coordinator);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<HostPort> listening = listeningAddress(coordinator.log());
            if (listening.isPresent()) {
                address = listening.get();
                break;
            }
            if (!coordinator.alive()) {
                throw failed(coordinator, "exited with code " + coordinator.exitCode() + " while starting");
            }
            if (System.nanoTime() > deadline) {
                throw failed(coordinator, "did not listen within " + Durations.millis(timeout.toMillis()));
            }
            sleep(POLL);
        }
        Files.writeString(state.addressFile(), address + "\n", StandardCharsets.UTF_8);
        try {
            Matcher m = ADMIN.matcher(Files.readString(coordinator.log(), StandardCharsets.UTF_8));
            if (m.find()) {
                admin = HostPort.parse(m.group(1));
                Files.writeString(state.adminAddressFile(), admin + "\n", StandardCharsets.UTF_8);
            }
        } catch (IllegalArgumentException e) {
            // The coordinator printed no admin address: keep the configured one.
        }
        // Clients and agents read the real port even when --port 0 chose it.
        LocalConfigFile.write(state, address, admin, !insecure, adminToken);
    }

    /**
     * Starts the coordinator again after it ended (a fault test killed it): same configuration,
     * hence the same ports and state directory, so the agents that keep dialling the old address
     * reconnect to it. The ended process's log is kept as {@code coordinator.1.log} ({@link KeptLogs}).
     *
     * @throws IllegalStateException when no coordinator was started or it still runs
     */
    void restartCoordinator(Duration timeout) throws IOException {
        ChildProcess old = child("coordinator").orElseThrow(() -> new IllegalStateException("no coordinator was started"));
        if (old.alive()) {
            throw new IllegalStateException("the coordinator (pid " + old.pid() + ") still runs: kill it before restarting it");
        }
        children.remove(old);
        KeptLogs.keep(old.log());
        startCoordinator(timeout);
    }

    /**
     * Starts coordinator-{@code n} of the etcd store (again, after a fault test killed it): its
     * own port, admin port and state directory; waits until it stands by.
     */
    void startEtcdCoordinator(int n, Duration timeout) throws IOException {
        String name = "coordinator-" + n;
        Optional<ChildProcess> earlier = child(name);
        if (earlier.isPresent()) {
            if (earlier.get().alive()) {
                throw new IllegalStateException(name + " (pid " + earlier.get().pid() + ") is still running");
            }
            children.remove(earlier.get());
        }
        HostPort listen = coordinatorAddresses.get(n - 1);
        int adminPort = admin.port() == 0 ? 0 : admin.port() + n - 1;
        Map<String, String> env = new HashMap<>(environment);
        env.put("GRAPHAGENT_COORDINATOR_STATE_DIR", state.dir().resolve(name).toAbsolutePath().toString());
        // Each coordinator's query HTTP API beside its own admin port, as for one coordinator (7480 -> 7490).
        env.put("GRAPHAGENT_QUERY_HTTP_LISTEN", new HostPort("127.0.0.1", adminPort == 0 ? 0 : adminPort + 10).toString());
        ChildProcess coordinator = ChildProcess.start(name, jvmOptions, List.of("coordinator", "--config",
                state.config().toString(), "--etcd", etcdEndpoints, "--etcd-insecure", "--id", name, "--listen",
                listen.toString(), "--admin-listen", new HostPort("127.0.0.1", adminPort).toString(), "--exit-with-parent",
                pid()), env, state.log(name));
        children.add(0, coordinator);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!matches(coordinator.log(), STANDING_BY)) {
            if (!coordinator.alive()) {
                throw failed(coordinator, "exited with code " + coordinator.exitCode() + " while starting");
            }
            if (System.nanoTime() > deadline) {
                throw failed(coordinator, "did not stand by within " + Durations.millis(timeout.toMillis()));
            }
            sleep(POLL);
        }
    }

    /** Waits until one coordinator of the etcd store leads; it becomes the address clients use. */
    HostPort awaitLeader(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<HostPort> leader = currentLeader();
            if (leader.isPresent()) {
                address = leader.get();
                Files.writeString(state.addressFile(), address + "\n", StandardCharsets.UTF_8);
                return address;
            }
            if (System.nanoTime() > deadline) {
                throw new LocalClusterException("no coordinator was elected leader within " + Durations.millis(timeout.toMillis()));
            }
            sleep(POLL);
        }
    }

    /** The leader's address as etcd names it, if one is elected. */
    Optional<HostPort> currentLeader() {
        GraphagentConfig config = ConfigOption.load(state.config(), System.getenv());
        io.graphagent.config.EtcdConfig e = new io.graphagent.config.EtcdConfig(
                io.graphagent.config.EtcdConfig.parseEndpoints(etcdEndpoints), Optional.empty(), Optional.empty(),
                Optional.empty(), true, config.coordinator().etcd().electionTtl());
        try (io.graphagent.coordinator.etcd.EtcdConnection c = io.graphagent.coordinator.etcd.EtcdConnection.open(e,
                config.cluster().id(), Duration.ofSeconds(1))) {
            return io.graphagent.coordinator.leader.CoordinatorDirectory.leader(c).map(l -> HostPort.parse(l.getAddress()));
        } catch (io.graphagent.coordinator.etcd.EtcdException ex) {
            return Optional.empty();
        }
    }

    private static boolean matches(Path log, Pattern pattern) {
        try {
            return Files.exists(log) && pattern.matcher(Files.readString(log, StandardCharsets.UTF_8)).find();
        } catch (IOException e) {
            return false;
        }
    }

    /** Starts agent-1 .. agent-N, each with its own work directory, dialling the coordinator. */
    void startAgents() throws IOException {
        startAgents(name -> address);
    }

    /**
     * Starts agent-1 .. agent-N, each with its own work directory; agent {@code name} dials
     * {@code route.apply(name)} (a fault test's proxy in front of the coordinator, say).
     */
    void startAgents(java.util.function.Function<String, HostPort> route) throws IOException {
        startAgents(route, name -> Map.of());
    }

    /**
     * Starts agent-1 .. agent-N as {@link #startAgents(java.util.function.Function)} does, each
     * with {@code env.apply(name)} added to its environment (a fault test's data-plane proxy:
     * {@code GRAPHAGENT_AGENT_DATA_LISTEN} and {@code GRAPHAGENT_AGENT_DATA_ADVERTISE}, say).
     */
    void startAgents(java.util.function.Function<String, HostPort> route,
            java.util.function.Function<String, Map<String, String>> env) throws IOException {
        for (int n = 1; n <= agents; n++) {
            String name = ClusterCertificates.agentName(n);
            startAgent(name, route.apply(name), env.apply(name));
        }
    }

    /**
     * Starts agent {@code name} (one of agent-1 .. agent-N) with its own work directory,
     * dialling {@code coordinator}; an earlier process of that name must have exited, and is
     * forgotten (a fault test restarts an agent it killed so).
     */
    void startAgent(String name, HostPort coordinator) throws IOException {
        startAgent(name, coordinator, Map.of());
    }

    private void startAgent(String name, HostPort coordinator, Map<String, String> extraEnv) throws IOException {
        Optional<ChildProcess> earlier = child(name);
        if (earlier.isPresent()) {
            if (earlier.get().alive()) {
                throw new IllegalStateException(name + " (pid " + earlier.get().pid() + ") is still running");
            }
            children.remove(earlier.get());
        }
        Files.createDirectories(state.agentDir(name));
        String dial = etcdEndpoints == null || !coordinator.equals(address) ? coordinator.toString()
                : String.join(",", coordinatorAddresses.stream().map(HostPort::toString).toList());
        List<String> args = new ArrayList<>(List.of("agent", "--config", state.config().toString(),
                "--coordinator", dial, "--id", name, "--exit-with-parent", pid()));
        if (!insecure) {
            args.addAll(List.of("--name", name));
        }
        Map<String, String> env = new HashMap<>(environment);
        env.put("GRAPHAGENT_AGENT_WORK_DIR", state.agentDir(name).toString());
        env.putAll(extraEnv);
        children.add(ChildProcess.start(name, LocalCommand.agentJvmOptions(jvmOptions), args, env, state.log(name)));
    }

    /** Polls the coordinator's Status until every agent is ALIVE; fails naming the missing ones. */
    void awaitAlive(Duration timeout) throws TlsFilesException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String lastProblem = "no answer yet";
        try (CoordinatorClient client = client()) {
            while (true) {
                for (ChildProcess child : children) {
                    if (!child.alive()) {
                        throw failed(child, "exited with code " + child.exitCode() + " while the cluster started");
                    }
                }
                try {
                    StatusReply reply = client.status(false);
                    List<String> missing = new ArrayList<>();
                    for (int n = 1; n <= agents; n++) {
                        String name = ClusterCertificates.agentName(n);
                        Optional<AgentStatus> agent = reply.getAgentsList().stream()
                                .filter(a -> a.getAgentId().equals(name)).findFirst();
                        if (agent.isPresent() && agent.get().getState() == AgentState.ALIVE) {
                            dataAddresses.put(name, agent.get().getDataAddress());
                            lastStates.put(name, AgentState.ALIVE);
                        } else {
                            missing.add(name + agent.map(a -> " " + a.getState().name()).orElse(" not joined"));
                        }
                    }
                    if (missing.isEmpty()) {
                        return;
                    }
                    lastProblem = String.join(", ", missing);
                } catch (CoordinatorCallException e) {
                    lastProblem = e.getMessage();
                }
                if (System.nanoTime() > deadline) {
                    StringBuilder message = new StringBuilder("the agents did not all become ALIVE within "
                            + Durations.millis(timeout.toMillis()) + " (" + lastProblem + ")");
                    for (ChildProcess child : children) {
                        message.append(logExcerpt(child));
                    }
                    throw new LocalClusterException(message.toString());
                }
                sleep(POLL);
            }
        }
    }

    /** What a newcomer needs: addresses, files, and the commands to try. */
    void printSummary(Duration took) {
        out.println("graphagent local: coordinator and " + agents + " agent" + (agents == 1 ? "" : "s") + " up in "
                + Durations.millis(took.toMillis()) + " on 127.0.0.1, " + (insecure ? "PLAINTEXT (--insecure)" : "mutual TLS"));
        out.println();
        TextTable table = new TextTable("PROCESS", "ADDRESS", "PID", "LOG");
        for (ChildProcess child : children) {
            String addr = child.name().equals("coordinator") ? address.toString() : dataAddresses.getOrDefault(child.name(), "");
            table.add(child.name(), addr, Long.toString(child.pid()), child.log().toString());
        }
        out.print(table.render().indent(2));
        out.println();
        out.println("  state dir     " + state.dir());
        out.println("  config        " + state.config());
        out.println("  certificates  " + (insecure ? "none (--insecure)" : state.certs() + " (client identity for submit/status: client.pem)"));
        out.println("  address file  " + state.addressFile());
        out.println("  admin         http://" + admin + "/metrics  (also /readyz, /api/agents, /api/events; "
                + "'graphagent events', 'graphagent log-level')");
        out.println("  dashboard     " + dashboardUrl());
        out.println();
        String self = Files.isRegularFile(Path.of("graphagent")) ? "./graphagent" : "graphagent";
        String stateFlag = state.dir().equals(Path.of(LocalState.DEFAULT_DIR)) ? "" : " --state-dir " + state.dir();
        Path example = Path.of("..", "shared", "datasets", "graphalytics", "example-directed");
        String graph = Files.exists(example.resolveSibling("example-directed.e")) ? example.toString() : "PREFIX";
        out.println("try it" + (stateFlag.isEmpty() ? " (no flags needed in this directory)" : "") + ":");
        out.println("  " + self + " status" + stateFlag);
        out.println("  " + self + " submit" + stateFlag + " --algorithm pagerank --graph " + graph + " --output pr.txt");
        out.println();
        out.println("Ctrl-C stops the cluster.");
        out.flush();
    }

    /**
     * Watches the processes until the coordinator ends or {@link #close} is called: says when
     * an agent exits (with its last log lines) or changes state. Returns the exit code of the
     * command: 0 when stopped, 1 when the coordinator died.
     */
    int supervise() throws TlsFilesException {
        List<ChildProcess> reported = new ArrayList<>();
        try (CoordinatorClient client = client()) {
            while (!stopping) {
                for (ChildProcess child : children) {
                    if (!child.alive() && !reported.contains(child) && !stopping) {
                        reported.add(child);
                        out.println("graphagent local: " + child.name() + " (pid " + child.pid() + ") exited with code "
                                + child.exitCode() + logExcerpt(child));
                        out.flush();
                        if (child.name().startsWith("coordinator")
                                && children.stream().noneMatch(c -> c.name().startsWith("coordinator") && c.alive())) {
                            out.println("graphagent local: the coordinator is gone; stopping the agents");
                            out.flush();
                            return FailureHandler.EXIT_FAILURE;
                        }
                    }
                }
                reportTransitions(client);
                sleep(Duration.ofSeconds(1));
            }
        }
        return 0;
    }

    private void reportTransitions(CoordinatorClient client) {
        StatusReply reply;
        try {
            reply = client.status(false);
        } catch (CoordinatorCallException e) {
            return;
        }
        for (AgentStatus a : reply.getAgentsList()) {
            AgentState before = lastStates.put(a.getAgentId(), a.getState());
            if (before != a.getState() && !stopping) {
                out.println("graphagent local: " + a.getAgentId() + " " + (before == null ? "joined" : before.name()) + " -> "
                        + a.getState().name() + (a.getStateCause().isEmpty() ? "" : " (" + a.getStateCause() + ")"));
                out.flush();
            }
        }
    }

    /** Stops every process (agents first, so they leave while the coordinator still listens), then frees the state directory. */
    @Override
    public synchronized void close() {
        stopping = true;
        if (lock == null) {
            return;
        }
        List<ChildProcess> agentsFirst = new ArrayList<>(children);
        java.util.Collections.reverse(agentsFirst);
        List<ChildProcess> running = agentsFirst.stream().filter(ChildProcess::alive).toList();
        running.stream().filter(c -> !c.name().startsWith("coordinator")).forEach(ChildProcess::requestStop);
        long deadline = System.nanoTime() + STOP_GRACE.toNanos();
        List<String> killed = new ArrayList<>();
        for (ChildProcess child : running) {
            if (child.name().startsWith("coordinator")) {
                child.requestStop();
                deadline = System.nanoTime() + STOP_GRACE.toNanos();
            }
            if (!child.awaitOrKill(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
                killed.add(child.name());
            }
        }
        try {
            Files.deleteIfExists(state.addressFile());
            Files.deleteIfExists(state.adminAddressFile());
        } catch (IOException e) {
            // Clients then get connection refused with the hint to start a cluster: harmless.
        }
        if (!running.isEmpty()) {
            out.println("graphagent local: stopped " + running.size() + " process" + (running.size() == 1 ? "" : "es")
                    + (killed.isEmpty() ? "" : " (killed after " + Durations.millis(STOP_GRACE.toMillis()) + ": "
                            + String.join(", ", killed) + ")"));
            out.flush();
        }
        if (localEtcd != null) {
            localEtcd.close();
        }
        lock.close();
        lock = null;
    }

    /**
     * The coordinator's dashboard, with the admin token (when one is set) in the URL fragment:
     * browsers keep the fragment to themselves, and the page moves it to session storage.
     */
    String dashboardUrl() {
        String token = ConfigOption.load(state.config(), System.getenv()).admin().token();
        return "http://" + admin + "/" + (token.isEmpty() ? "" : "#token=" + URLEncoder.encode(token, StandardCharsets.UTF_8));
    }

    /** The coordinator's query HTTP API as it printed it at start, if it did. */
    Optional<HostPort> queryHttp() throws IOException {
        Optional<ChildProcess> coordinator = child("coordinator");
        if (coordinator.isEmpty()) {
            return Optional.empty();
        }
        Matcher m = QUERY_HTTP.matcher(Files.readString(coordinator.get().log(), StandardCharsets.UTF_8));
        return m.find() ? Optional.of(HostPort.parse(m.group(1))) : Optional.empty();
    }

    /** The admin token of this start (the query HTTP API takes it too). */
    String adminToken() {
        return adminToken;
    }

    /** The started process named {@code name} (coordinator, agent-N), if any. */
    Optional<ChildProcess> child(String name) {
        return children.stream().filter(c -> c.name().equals(name)).findFirst();
    }

    /** A client of the cluster's coordinator, with the local client identity. */
    CoordinatorClient client() throws TlsFilesException {
        GraphagentConfig config = ConfigOption.load(state.config(), System.getenv());
        TransportSecurity security = TlsIdentity.security(config.tls(), ClientIdentity.NAME, "client");
        HostPort target = etcdEndpoints == null ? address : currentLeader().orElse(address);
        return CoordinatorClient.connect(new HostAndPort(target.host(), target.port()), config, security, "");
    }

    private static void requireFree(int port, String option) throws IOException {
        if (port == 0) {
            return;
        }
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
            socket.setReuseAddress(true);
        } catch (BindException e) {
            throw new BadInputException("port " + port + " on 127.0.0.1 is in use (another coordinator, or a 'graphagent local' "
                    + "with another state directory?)", "stop that process, or pass " + option.split(" ")[0]
                    + " N with another port (0 picks free ones)");
        }
    }

    private static Optional<HostPort> listeningAddress(Path log) {
        try {
            if (!Files.exists(log)) {
                return Optional.empty();
            }
            Matcher m = LISTENING.matcher(Files.readString(log, StandardCharsets.UTF_8));
            return m.find() ? Optional.of(HostPort.parse(m.group(1))) : Optional.empty();
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private LocalClusterException failed(ChildProcess child, String what) {
        return new LocalClusterException(child.name() + " (pid " + child.pid() + ") " + what + logExcerpt(child));
    }

    /** The last log lines of a process, indented, after a line naming the log. */
    private static String logExcerpt(ChildProcess child) {
        List<String> lines = child.lastLines(TAIL_LINES);
        if (lines.isEmpty()) {
            return "; its log " + child.log() + " is empty";
        }
        StringBuilder text = new StringBuilder("; last lines of " + child.log() + ":");
        for (String line : lines) {
            text.append("\n    ").append(line);
        }
        return text.toString();
    }

    private static String pid() {
        return Long.toString(ProcessHandle.current().pid());
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LocalClusterException("interrupted");
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** The local cluster failed to start or lost its coordinator; the message may span lines (log excerpts). */
    static final class LocalClusterException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        LocalClusterException(String message) {
            super(message);
        }
    }
}
