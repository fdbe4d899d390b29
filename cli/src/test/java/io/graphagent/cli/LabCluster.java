package io.graphagent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.graphagent.cli.netlab.LabNetwork;
import io.graphagent.cli.netlab.Namespace;
import io.graphagent.net.certs.ClusterCertificates;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;

/**
 * A graphagent cluster in a {@link LabNetwork}: the coordinator on node {@code coordinator}
 * ({@code 10.213.1.2:7400}), agent-N on node {@code agent-N} ({@code 10.213.(10+N).2}, data
 * port 7500), each a real JVM of this program started with {@code ip netns exec}, each with its
 * admin HTTP on 127.0.0.1:7480 of its own namespace. Files (certificates, the config, logs,
 * state, checkpoints, graphs) are in one directory, which every namespace sees. The test reads
 * what graphagent reports where an operator would: the coordinator's event log and logs, the
 * admin JSON and metrics (curl inside the namespace), and {@code doctor} and {@code status}
 * run inside a node's namespace. Not thread-safe.
 */
final class LabCluster implements AutoCloseable {
    static final int PORT = 7400;
    static final int ADMIN_PORT = 7480;
    static final int DATA_PORT = 7500;
    /** The coordinator's node is on 10.213.1.0/24; agent-N on 10.213.(10+N).0/24. */
    static final int COORDINATOR_SUBNET = 1;
    private static final Pattern LISTENING = Pattern.compile("coordinator listening on \\S+ \\(");
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The lab's session timing: the test profile (lease 2s, handshake 1500ms, keepalive 10s as
     * grpc-java applies it) with heartbeats every 500ms, suspicion after 1s and a reconnect
     * backoff capped at 1s, so a lost lease or a rejoin takes seconds. Heartbeats at 500ms leave
     * a session quiet long enough for a proxy's 400ms idle timeout to cut it, while a TLS
     * handshake's own pauses stay shorter.
     */
    static final Duration HEARTBEAT = Duration.ofMillis(500);
    static final Duration LEASE = Duration.ofSeconds(2);
    static final String TIMING = """
            profile: test
            session:
              heartbeat-interval: 500ms
              suspect-after: 1s
              lease-ttl: 2s
              reconnect:
                initial: 100ms
                max: 1s
            """;

    private final LabNetwork net;
    private final Path dir;
    private final List<String> jvm;
    private final Map<String, Process> processes = new LinkedHashMap<>();

    private LabCluster(LabNetwork net, Path dir) {
        this.net = net;
        this.dir = dir;
        List<String> options = new ArrayList<>(LocalCommand.jvmOptions());
        options.addAll(List.of("-Xmx512m", "-XX:TieredStopAtLevel=1"));
        this.jvm = List.copyOf(options);
    }

    /**
     * Adds the coordinator's and {@code agents} agents' nodes to {@code net}, makes
     * certificates naming the coordinator's address and {@code extraHosts} (a load balancer's),
     * writes the config and starts the coordinator; the agents are started by {@link #startAgent}.
     */
    static LabCluster prepare(LabNetwork net, Path dir, int agents, List<String> extraHosts) throws IOException {
        LabCluster cluster = new LabCluster(net, dir);
        net.add("coordinator", COORDINATOR_SUBNET);
        for (int n = 1; n <= agents; n++) {
            net.add(ClusterCertificates.agentName(n), 10 + n);
        }
        // Every certificate names every node: agents dial each other's data ports by address too.
        List<String> hosts = new ArrayList<>(List.of(cluster.coordinatorNode().address()));
        for (int n = 1; n <= agents; n++) {
            hosts.add(net.node(ClusterCertificates.agentName(n)).address());
        }
        hosts.addAll(extraHosts);
        Clock clock = Clock.systemUTC();
        ClusterCertificates.Issued issued = ClusterCertificates.init(cluster.certs(), agents, hosts, Duration.ofDays(30), clock);
        ClientIdentity.issue(cluster.certs(), hosts, issued.notAfter(), clock.instant());
        Files.createDirectories(cluster.logs());
        Files.writeString(cluster.config(), TIMING + """
                cluster:
                  id: netlab
                coordinator:
                  listen: 0.0.0.0:%d
                  admin-listen: 127.0.0.1:%d
                  state-dir: '%s'
                tls:
                  certs-dir: '%s'
                job:
                  checkpoint-dir: '%s'
                """.formatted(PORT, ADMIN_PORT, dir.resolve("coordinator"), cluster.certs(), dir.resolve("checkpoints")),
                StandardCharsets.UTF_8);
        return cluster;
    }

    Path certs() {
        return dir.resolve("certs");
    }

    Path config() {
        return dir.resolve("lab.yaml");
    }

    Path logs() {
        return dir.resolve("logs");
    }

    Path log(String process) {
        return logs().resolve(process + ".log");
    }

    LabNetwork network() {
        return net;
    }

    LabNetwork.Node coordinatorNode() {
        return net.node("coordinator");
    }

    LabNetwork.Node node(String name) {
        return net.node(name);
    }

    /** The coordinator's address as agents dial it. */
    String coordinatorAddress() {
        return coordinatorNode().address() + ":" + PORT;
    }

    /** The coordinator's event log as it is now. */
    CoordinatorEvents events() {
        return CoordinatorEvents.read(new LocalState(dir));
    }

    /** Starts the coordinator in its namespace and waits for its "listening" line. */
    void startCoordinator(Duration timeout) throws IOException {
        Process p = start("coordinator", coordinatorNode().ns(), List.of("coordinator", "--config", config().toString()),
                Map.of());
        awaitLog("coordinator", p, LISTENING, timeout);
    }

    /** Starts (or starts again) agent {@code name} in its namespace, dialling {@code coordinator} (host:port). */
    void startAgent(String name, String coordinator) throws IOException {
        Process earlier = processes.get(name);
        if (earlier != null && earlier.isAlive()) {
            throw new IllegalStateException(name + " still runs");
        }
        LabNetwork.Node node = node(name);
        Path work = dir.resolve("agents").resolve(name);
        Files.createDirectories(work);
        start(name, node.ns(), List.of("agent", "--config", config().toString(), "--coordinator", coordinator,
                "--id", name, "--name", name, "--data-listen", node.address() + ":" + DATA_PORT,
                "--admin-listen", "127.0.0.1:" + ADMIN_PORT), Map.of("GRAPHAGENT_AGENT_WORK_DIR", work.toString()));
    }

    void startAgent(String name) throws IOException {
        startAgent(name, coordinatorAddress());
    }

    /** Kills {@code process} (SIGKILL) and waits for it to end. */
    void kill(String process) throws InterruptedException {
        Process p = processes.get(process);
        if (p != null) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private Process start(String name, Namespace ns, List<String> args, Map<String, String> env) throws IOException {
        Path log = log(name);
        if (Files.exists(log)) {
            // Keep the earlier life's log beside the new one.
            Files.move(log, log.resolveSibling(name + "." + Instant.now().toEpochMilli() + ".log"));
        }
        List<String> command = command(args);
        command.addAll(List.of("--exit-with-parent", Long.toString(ProcessHandle.current().pid())));
        Process p = ns.start(command, env, log);
        processes.put(name, p);
        return p;
    }

    /** {@code java ... io.graphagent.cli.Main ARGS} with this JVM's java and class path, as a mutable list. */
    private List<String> command(List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(ChildProcess.javaExecutable());
        command.addAll(jvm);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(args);
        return command;
    }

    /** Waits until every named agent is ALIVE in the coordinator's view (admin /api/agents). */
    void awaitAlive(Duration timeout, String... agents) {
        Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(200))
                .failFast("a lab process exited", () -> processes.values().stream().anyMatch(p -> !p.isAlive()))
                .until(() -> {
                    for (String agent : agents) {
                        if (!agentState(agent).map(s -> s.path("state").asText()).orElse("").equals("ALIVE")) {
                            return false;
                        }
                    }
                    return true;
                });
    }

    /** The coordinator's view of {@code agent} (state, cause, heartbeat age, ...), if it knows it. */
    Optional<JsonNode> agentState(String agent) {
        JsonNode agents = adminJson(coordinatorNode().ns(), "/api/agents");
        for (JsonNode a : agents) {
            if (a.path("agent").asText().equals(agent)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    /** GET {@code path} of the admin HTTP inside {@code ns}, as JSON. */
    JsonNode adminJson(Namespace ns, String path) {
        try {
            return JSON.readTree(admin(ns, path));
        } catch (IOException e) {
            throw new IllegalStateException("admin " + path + " in " + ns.name() + " is not JSON: " + e.getMessage(), e);
        }
    }

    /** GET {@code path} of the admin HTTP inside {@code ns}, as text (curl in the namespace). */
    String admin(Namespace ns, String path) {
        return ns.exec("curl", "-sS", "--max-time", "5", "http://127.0.0.1:" + ADMIN_PORT + path);
    }

    /** The value of metric {@code name} with labels {@code labels} (e.g. {@code cause="connect_timeout"}), or 0. */
    double metric(Namespace ns, String name, String labels) {
        Pattern line = Pattern.compile("^" + Pattern.quote(name) + "\\{([^}]*)\\} (\\S+)$", Pattern.MULTILINE);
        Matcher m = line.matcher(admin(ns, "/metrics"));
        double sum = 0;
        while (m.find()) {
            if (m.group(1).contains(labels)) {
                sum += Double.parseDouble(m.group(2));
            }
        }
        return sum;
    }

    /** What a command run inside a namespace printed and how it exited. */
    record Run(int exitCode, String out, Duration took) {
        @Override
        public String toString() {
            return "exit " + exitCode + " after " + took.toMillis() + " ms\n" + out;
        }
    }

    /**
     * Runs {@code graphagent ARGS} inside {@code node}'s namespace to its end (at most
     * {@code timeout}), stdout and stderr together.
     */
    Run graphagent(LabNetwork.Node node, Duration timeout, String... args) throws IOException, InterruptedException {
        Path out = Files.createTempFile(logs(), "run-", ".out");
        long start = System.nanoTime();
        Process p = node.ns().start(command(List.of(args)), Map.of(), out);
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            p.waitFor(5, TimeUnit.SECONDS);
            throw new AssertionError("graphagent " + String.join(" ", args) + " in " + node.ns().name() + " did not end within "
                    + timeout.toSeconds() + " s:\n" + Files.readString(out));
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Duration.ofNanos(System.nanoTime() - start));
    }

    /**
     * {@code graphagent doctor} inside agent {@code agent}'s namespace with that agent's
     * certificates and the lab config, against {@code coordinator} (host:port).
     */
    Run doctor(String agent, String coordinator, String... more) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("doctor", "--coordinator", coordinator, "--config", config().toString(),
                "--ca", certs().resolve("ca.pem").toString(), "--cert", certs().resolve(agent + ".pem").toString(),
                "--key", certs().resolve(agent + "-key.pem").toString()));
        args.addAll(List.of(more));
        Run run = graphagent(node(agent), Duration.ofSeconds(90), args.toArray(new String[0]));
        System.out.println("doctor in " + agent + "'s namespace against " + coordinator + " (" + run.took().toMillis()
                + " ms, exit " + run.exitCode() + "):\n" + run.out());
        return run;
    }

    /** {@code graphagent status} in the coordinator's namespace, with the client certificate. */
    Run status() throws IOException, InterruptedException {
        return graphagent(coordinatorNode(), Duration.ofSeconds(60), "status", "--coordinator", "127.0.0.1:" + PORT,
                "--certs", certs().toString(), "--config", config().toString());
    }

    /** A {@code graphagent submit} running in the coordinator's namespace until its job ends. */
    record Submitted(Process process, Path out) {
        private static final Pattern JOB = Pattern.compile("graphagent: job (\\S+) ");
        private static final Pattern SUPERSTEP = Pattern.compile("graphagent: job \\S+ superstep (\\d+) done");

        /** The job's id, once submit has printed it. */
        Optional<String> jobId() throws IOException {
            Matcher m = JOB.matcher(Files.readString(out, StandardCharsets.UTF_8));
            return m.find() ? Optional.of(m.group(1)) : Optional.empty();
        }

        /** The last superstep submit printed as done (its progress is throttled), or -1. */
        int lastSuperstep() throws IOException {
            int last = -1;
            Matcher m = SUPERSTEP.matcher(Files.readString(out, StandardCharsets.UTF_8));
            while (m.find()) {
                last = Integer.parseInt(m.group(1));
            }
            return last;
        }

        /** Waits for the job to end; returns submit's exit code and output. */
        Run await(Duration timeout) throws IOException, InterruptedException {
            long start = System.nanoTime();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("the job did not end within " + timeout.toSeconds() + " s:\n" + Files.readString(out));
            }
            return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Duration.ofNanos(System.nanoTime() - start));
        }
    }

    /** Submits {@code reference}'s PageRank job (output to {@code output}) from the coordinator's namespace. */
    Submitted submit(PageRankReference reference, Path output, int checkpointEvery) throws IOException {
        Path out = Files.createTempFile(logs(), "submit-", ".out");
        List<String> command = command(List.of("submit",
                "--coordinator", "127.0.0.1:" + PORT, "--certs", certs().toString(), "--config", config().toString(),
                "--algorithm", "pagerank", "--graph", reference.prefix().toString(), "--directed",
                "--iterations", Integer.toString(reference.iterations()), "--damping", Double.toString(PageRankReference.DAMPING),
                "--partitions", Integer.toString(reference.partitions()), "--checkpoint-every", Integer.toString(checkpointEvery),
                "--output", output.toString()));
        return new Submitted(coordinatorNode().ns().start(command, Map.of(), out), out);
    }

    /** Waits until {@code submitted}'s progress (what submit prints) has reached superstep {@code superstep}. */
    void awaitSuperstep(Submitted submitted, int superstep, Duration timeout) {
        Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(50))
                .failFast("submit ended", () -> !submitted.process().isAlive())
                .until(() -> submitted.lastSuperstep() >= superstep);
    }

    /** A log line and the time at its start. */
    record LogLine(Instant time, String text) {
    }

    /** The first line of {@code process}'s log at or after {@code from} containing {@code text}. */
    Optional<LogLine> firstLogLine(String process, String text, Instant from) throws IOException {
        for (String line : Files.readAllLines(log(process), StandardCharsets.UTF_8)) {
            if (line.contains(text)) {
                Optional<Instant> time = timeOf(line);
                if (time.isPresent() && !time.get().isBefore(from)) {
                    return Optional.of(new LogLine(time.get(), line));
                }
            }
        }
        return Optional.empty();
    }

    private static final Pattern ISO_TIME = Pattern.compile("^(\\d{4}-\\d\\d-\\d\\dT\\S+Z) ");
    private static final Pattern LOCAL_TIME = Pattern.compile("^(\\d\\d:\\d\\d:\\d\\d\\.\\d{3}) ");

    /**
     * When a log line was written: an ISO instant (the production pattern), or a local time of
     * day (the test classpath's logback-test.xml), taken as today's, or yesterday's just after midnight.
     */
    static Optional<Instant> timeOf(String line) {
        Matcher iso = ISO_TIME.matcher(line);
        if (iso.find()) {
            return Optional.of(Instant.parse(iso.group(1)));
        }
        Matcher local = LOCAL_TIME.matcher(line);
        if (!local.find()) {
            return Optional.empty();
        }
        java.time.ZonedDateTime now = java.time.ZonedDateTime.now();
        java.time.ZonedDateTime at = now.with(java.time.LocalTime.parse(local.group(1)));
        return Optional.of((at.isAfter(now.plusMinutes(1)) ? at.minusDays(1) : at).toInstant());
    }

    /** Waits up to {@code timeout} for {@link #firstLogLine}. */
    LogLine awaitLogLine(String process, String text, Instant from, Duration timeout) {
        return Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(100))
                .until(() -> firstLogLine(process, text, from), Optional::isPresent).get();
    }

    /** Waits up to {@code timeout} for the first event matching {@code test} at or after {@code from}. */
    CoordinatorEvents.Event awaitEvent(java.util.function.Predicate<CoordinatorEvents.Event> test, Instant from,
            Duration timeout) {
        return Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(100))
                .until(() -> events().first(test, from), Optional::isPresent).get();
    }

    /** Lines of {@code process}'s log containing {@code text}. */
    List<String> logLines(String process, String text) throws IOException {
        return Files.readAllLines(log(process), StandardCharsets.UTF_8).stream().filter(l -> l.contains(text)).toList();
    }

    private void awaitLog(String name, Process p, Pattern pattern, Duration timeout) {
        Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(100))
                .failFast(name + " exited", () -> !p.isAlive())
                .until(() -> Files.exists(log(name)) && pattern.matcher(Files.readString(log(name))).find());
    }

    /** Copies the processes' logs to {@code target} (replacing an earlier run's), for a look after the test. */
    void keepLogs(Path target) throws IOException {
        Files.createDirectories(target);
        try (var logs = Files.list(logs())) {
            for (Path log : logs.toList()) {
                Files.copy(log, target.resolve(log.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    /** Stops every process (SIGTERM, then SIGKILL after 5 s). */
    @Override
    public void close() {
        processes.values().forEach(Process::destroy);
        for (Process p : processes.values()) {
            try {
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
        }
    }
}
