package io.graphagent.cli;

import io.graphagent.config.GraphagentConfig;
import io.graphagent.config.HostPort;
import io.graphagent.coordinator.etcd.LocalEtcd;
import io.graphagent.net.certs.ClusterCertificates;
import io.graphagent.net.tls.HostAndPort;
import io.graphagent.net.tls.TlsFilesException;
import io.graphagent.net.tls.TransportSecurity;
import io.graphagent.protocol.v1.AgentState;
import io.graphagent.protocol.v1.AgentStatus;
import io.graphagent.protocol.v1.StatusReply;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * A coordinator and N agents on 127.0.0.1, each a separate JVM of this program, set up in a
 * {@link LocalState} directory: fresh certificates, a configuration file, one log per process.
 * The steps run in order ({@link #prepare}, {@link #startCoordinator}, {@link #startAgents},
 * {@link #awaitAlive}, then {@link #supervise}); {@link #close} stops every process and may be
 * called from a shutdown hook while another thread supervises. It orchestrates: the processes
 * are {@link LocalProcesses}, their ports {@link LocalPorts}, what a coordinator printed as it
 * started {@link CoordinatorStartLog}, the etcd store's coordinators {@link ElectedCoordinators},
 * the watch after the start {@link LocalSupervisor}, the summary printed {@link LocalSummary}.
 */
final class LocalCluster implements AutoCloseable {
    /** How long stopped processes get to leave the cluster before they are killed. */
    static final Duration STOP_GRACE = Duration.ofSeconds(5);
    /** Validity of the local certificates; they are made afresh at every start anyway. */
    static final Duration CERT_VALIDITY = Duration.ofDays(90);

    private final LocalState state;
    private final int agents;
    private final boolean insecure;
    private final PrintWriter out;
    private final List<String> jvmOptions;
    private final LocalProcesses processes = new LocalProcesses();
    private final LocalSupervisor supervisor;
    private final Map<String, String> dataAddresses = new LinkedHashMap<>();
    private Map<String, String> environment = Map.of();
    /** JVM options added for the processes of these names ({@link #processOptions}). */
    private Map<String, List<String>> processOptions = Map.of();
    private Duration stopGrace = STOP_GRACE;
    /** The etcd store's coordinators, else null (the local store: one coordinator). */
    private ElectedCoordinators elected;
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
        this.supervisor = new LocalSupervisor(processes, out, () -> stopping);
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
            int adminPort = LocalPorts.adminPort(port);
            LocalPorts.requireFree(port, "--port");
            LocalPorts.requireFree(adminPort, "--port (the admin HTTP port is --port + " + LocalPorts.ADMIN_PORT_OFFSET + ")");
            Files.deleteIfExists(state.addressFile());
            Files.deleteIfExists(state.adminAddressFile());
            state.deleteTree(state.certs());
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
     * JVM options added, after all others, for the processes named in {@code byName} that start
     * from now on (the start-cache training's {@code -XX:AOTCacheOutput=} for one agent, say).
     */
    void processOptions(Map<String, List<String>> byName) {
        processOptions = Map.copyOf(byName);
    }

    /** How long {@link #close} gives the processes to end before it kills them ({@link #STOP_GRACE} unless set). */
    void stopGrace(Duration grace) {
        stopGrace = grace;
    }

    /**
     * The JVM options of process {@code name}: the start cache of its {@code role} when the
     * launcher made one ({@link ChildStartCache}), {@code options}, then its own ({@link #processOptions}).
     */
    private List<String> optionsOf(String name, ChildStartCache.Role role, List<String> options) {
        List<String> all = new ArrayList<>(ChildStartCache.options(role, options));
        all.addAll(options);
        all.addAll(processOptions.getOrDefault(name, List.of()));
        return all;
    }

    /**
     * Uses the etcd store with {@code count} coordinators: {@code endpoints} names an etcd cluster,
     * or "auto" starts one member under the state directory (plaintext on 127.0.0.1, killed with
     * the cluster). Call after {@link #prepare} and before {@link #startCoordinator}.
     */
    void useEtcd(String endpoints, int count) throws IOException {
        elected = ElectedCoordinators.use(state, endpoints, count, address.port());
    }

    /** The coordinators' addresses with the etcd store (empty with the local store). */
    List<HostPort> coordinatorAddresses() {
        return elected == null ? List.of() : elected.addresses();
    }

    /** The etcd this cluster started ({@code --etcd auto}), if any. */
    Optional<LocalEtcd> localEtcd() {
        return elected == null ? Optional.empty() : elected.localEtcd();
    }

    /** Where the coordinator listens (its real port once {@link #startCoordinator} returned). */
    HostPort coordinatorAddress() {
        return address;
    }

    /** Starts the coordinator and waits until it prints the address it listens on. */
    void startCoordinator(Duration timeout) throws IOException {
        if (elected != null) {
            for (int i = 1; i <= elected.addresses().size(); i++) {
                startEtcdCoordinator(i, timeout);
            }
            awaitLeader(timeout);
            return;
        }
        ChildProcess coordinator = ChildProcess.start("coordinator",
                optionsOf("coordinator", ChildStartCache.Role.COORDINATOR, jvmOptions),
                List.of("coordinator", "--config", state.config().toString(), "--exit-with-parent", pid()),
                environment, state.log("coordinator"));
        processes.addCoordinator(coordinator);
        address = LocalProcesses.await(coordinator, () -> CoordinatorStartLog.listening(coordinator.log()), timeout, "listen");
        Files.writeString(state.addressFile(), address + "\n", StandardCharsets.UTF_8);
        try {
            Optional<HostPort> printed = CoordinatorStartLog.admin(coordinator.log());
            if (printed.isPresent()) {
                admin = printed.get();
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
        processes.forget(old);
        KeptLogs.keep(old.log());
        startCoordinator(timeout);
    }

    /**
     * Starts coordinator-{@code n} of the etcd store (again, after a fault test killed it): its
     * own port, admin port and state directory; waits until it stands by.
     */
    void startEtcdCoordinator(int n, Duration timeout) throws IOException {
        String name = "coordinator-" + n;
        processes.forgetEnded(name);
        HostPort listen = elected.addresses().get(n - 1);
        int adminPort = admin.port() == 0 ? 0 : admin.port() + n - 1;
        Map<String, String> env = new HashMap<>(environment);
        env.put("GRAPHAGENT_COORDINATOR_STATE_DIR", state.dir().resolve(name).toAbsolutePath().toString());
        // Each coordinator's query HTTP API beside its own admin port, as for one coordinator (7480 -> 7490).
        env.put("GRAPHAGENT_QUERY_HTTP_LISTEN", new HostPort("127.0.0.1", LocalPorts.queryHttpPort(adminPort)).toString());
        ChildProcess coordinator = ChildProcess.start(name, optionsOf(name, ChildStartCache.Role.COORDINATOR, jvmOptions),
                List.of("coordinator", "--config",
                state.config().toString(), "--etcd", elected.endpoints(), "--etcd-insecure", "--id", name, "--listen",
                listen.toString(), "--admin-listen", new HostPort("127.0.0.1", adminPort).toString(), "--exit-with-parent",
                pid()), env, state.log(name));
        processes.addCoordinator(coordinator);
        LocalProcesses.await(coordinator, () -> CoordinatorStartLog.standingBy(coordinator.log()) ? Optional.of(true)
                : Optional.empty(), timeout, "stand by");
    }

    /** Waits until one coordinator of the etcd store leads; it becomes the address clients use. */
    HostPort awaitLeader(Duration timeout) throws IOException {
        address = elected.awaitLeader(state, timeout);
        Files.writeString(state.addressFile(), address + "\n", StandardCharsets.UTF_8);
        return address;
    }

    /** The leader's address as etcd names it, if one is elected. */
    Optional<HostPort> currentLeader() {
        return elected.leader(state);
    }

    /** Starts agent-1 .. agent-N, each with its own work directory, dialling the coordinator. */
    void startAgents() throws IOException {
        startAgents(name -> address);
    }

    /**
     * Starts agent-1 .. agent-N, each with its own work directory; agent {@code name} dials
     * {@code route.apply(name)} (a fault test's proxy in front of the coordinator, say).
     */
    void startAgents(Function<String, HostPort> route) throws IOException {
        startAgents(route, name -> Map.of());
    }

    /**
     * Starts agent-1 .. agent-N as {@link #startAgents(Function)} does, each with
     * {@code env.apply(name)} added to its environment (a fault test's data-plane proxy:
     * {@code GRAPHAGENT_AGENT_DATA_LISTEN} and {@code GRAPHAGENT_AGENT_DATA_ADVERTISE}, say).
     */
    void startAgents(Function<String, HostPort> route, Function<String, Map<String, String>> env) throws IOException {
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
        processes.forgetEnded(name);
        Files.createDirectories(state.agentDir(name));
        String dial = elected == null || !coordinator.equals(address) ? coordinator.toString()
                : String.join(",", elected.addresses().stream().map(HostPort::toString).toList());
        List<String> args = new ArrayList<>(List.of("agent", "--config", state.config().toString(),
                "--coordinator", dial, "--id", name, "--exit-with-parent", pid()));
        if (!insecure) {
            args.addAll(List.of("--name", name));
        }
        Map<String, String> env = new HashMap<>(environment);
        env.put("GRAPHAGENT_AGENT_WORK_DIR", state.agentDir(name).toString());
        env.putAll(extraEnv);
        List<String> options = optionsOf(name, ChildStartCache.Role.AGENT, LocalCommand.agentJvmOptions(jvmOptions));
        processes.addAgent(ChildProcess.start(name, options, args, env, state.log(name)));
    }

    /** Polls the coordinator's Status until every agent is ALIVE; fails naming the missing ones. */
    void awaitAlive(Duration timeout) throws TlsFilesException {
        PollDeadline deadline = PollDeadline.after(timeout);
        String lastProblem = "no answer yet";
        try (CoordinatorClient client = client()) {
            while (true) {
                for (ChildProcess child : processes.all()) {
                    if (!child.alive()) {
                        throw LocalProcesses.failed(child, "exited with code " + child.exitCode() + " while the cluster started");
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
                            supervisor.sawAlive(name);
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
                if (deadline.passed()) {
                    StringBuilder message = new StringBuilder("the agents did not all become ALIVE within "
                            + Durations.millis(timeout.toMillis()) + " (" + lastProblem + ")");
                    for (ChildProcess child : processes.all()) {
                        message.append(LocalProcesses.logExcerpt(child));
                    }
                    throw new LocalClusterException(message.toString());
                }
                deadline.pause();
            }
        }
    }

    /** What a newcomer needs: addresses, files, and the commands to try ({@link LocalSummary}). */
    void printSummary(Duration took) {
        new LocalSummary(state, agents, insecure, took, processes.all(), address, dataAddresses, admin, dashboardUrl()).print(out);
    }

    /**
     * Watches the processes until the coordinator ends or {@link #close} is called: says when
     * an agent exits (with its last log lines) or changes state. Returns the exit code of the
     * command: 0 when stopped, 1 when the coordinator died.
     */
    int supervise() throws TlsFilesException {
        try (CoordinatorClient client = client()) {
            return supervisor.supervise(client);
        }
    }

    /** Stops every process (agents first, so they leave while the coordinator still listens), then frees the state directory. */
    @Override
    public synchronized void close() {
        stopping = true;
        if (lock == null) {
            return;
        }
        LocalProcesses.Stopped stopped = processes.stopAll(stopGrace);
        try {
            Files.deleteIfExists(state.addressFile());
            Files.deleteIfExists(state.adminAddressFile());
        } catch (IOException e) {
            // Clients then get connection refused with the hint to start a cluster: harmless.
        }
        List<ChildProcess> running = stopped.running();
        if (!running.isEmpty()) {
            out.println("graphagent local: stopped " + running.size() + " process" + (running.size() == 1 ? "" : "es")
                    + (stopped.killed().isEmpty() ? "" : " (killed after " + Durations.millis(stopGrace.toMillis()) + ": "
                            + String.join(", ", stopped.killed()) + ")"));
            out.flush();
        }
        if (elected != null) {
            elected.close();
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
        return coordinator.isEmpty() ? Optional.empty() : CoordinatorStartLog.queryHttp(coordinator.get().log());
    }

    /** The admin token of this start (the query HTTP API takes it too). */
    String adminToken() {
        return adminToken;
    }

    /** The started process named {@code name} (coordinator, agent-N), if any. */
    Optional<ChildProcess> child(String name) {
        return processes.named(name);
    }

    /** A client of the cluster's coordinator, with the local client identity. */
    CoordinatorClient client() throws TlsFilesException {
        GraphagentConfig config = ConfigOption.load(state.config(), System.getenv());
        TransportSecurity security = TlsIdentity.security(config.tls(), ClientIdentity.NAME, "client");
        HostPort target = elected == null ? address : currentLeader().orElse(address);
        return CoordinatorClient.connect(new HostAndPort(target.host(), target.port()), config, security, "");
    }

    private static String pid() {
        return Long.toString(ProcessHandle.current().pid());
    }

    /** The local cluster failed to start or lost its coordinator; the message may span lines (log excerpts). */
    static final class LocalClusterException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        LocalClusterException(String message) {
            super(message);
        }
    }
}
