package io.graphagent.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code graphagent local}: a whole cluster on this machine for trying graphagent out and for
 * fault experiments: a coordinator and N agents as separate processes, kept up until Ctrl-C.
 */
@Command(name = "local", mixinStandardHelpOptions = true,
        description = {
            "Start a cluster on 127.0.0.1: a coordinator and N agents, each a separate JVM, over mutual TLS with fresh "
                    + "certificates. Waits until every agent is ALIVE, prints the addresses, logs and the commands to "
                    + "try, and keeps the cluster up until Ctrl-C (then stops every process).",
            "",
            "Everything goes into the state directory: certs/ (new CA and certificates, including client.pem for the "
                    + "client commands), config.yaml, coordinator.address, logs/coordinator.log and logs/agent-N.log, "
                    + "agents/agent-N/. 'graphagent submit' and 'graphagent status' run in the same directory use it "
                    + "with no flags.",
            "",
            "While up, it reports agents that change state or exit (with their last log lines). Kill an agent "
                    + "(kill -9 PID) to watch the cluster notice. The processes get GRAPHAGENT_JAVA_OPTS as JVM options.",
            "",
            "With --etcd auto (or --etcd URL[,URL...]) the coordinators keep their state in etcd: --coordinators N start "
                    + "on PORT, PORT+1, ... (admin PORT+80, ...), one is elected leader, the others stand by. 'auto' starts "
                    + "one etcd member (Debian's etcd-server) under the state directory. Kill the leader (kill -9 PID) to "
                    + "watch a standby take over and the agents carry their sessions to it.",
            ""},
        footerHeading = "%nExamples:%n",
        footer = {
            "  graphagent local",
            "  graphagent local --agents 2 --state-dir /tmp/ga --port 0",
            "  graphagent local --coordinators 2 --etcd auto"})
final class LocalCommand implements Callable<Integer>, ClusterCommand {

    @Spec
    CommandSpec spec;

    @Option(names = "--agents", paramLabel = "N", defaultValue = "3", description = "Agents to start. Default: ${DEFAULT-VALUE}.")
    int agents;

    @Option(names = "--state-dir", paramLabel = "DIR", defaultValue = LocalState.DEFAULT_DIR,
            description = "Where certificates, configuration, address and logs go. Default: ${DEFAULT-VALUE}.")
    Path stateDir;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "7400",
            description = "The coordinator's port on 127.0.0.1; its admin HTTP port is PORT + 80. 0 picks free ports. "
                    + "Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(names = "--insecure", description = "Plaintext instead of mutual TLS (no certificates are made). Shown in 'graphagent status'.")
    boolean insecure;

    @Option(names = "--start-timeout", paramLabel = "DURATION", defaultValue = "60s", converter = DurationConverter.class,
            description = "How long the coordinator and the agents get to come up. Default: ${DEFAULT-VALUE}.")
    Duration startTimeout;

    @Option(names = "--coordinators", paramLabel = "N", defaultValue = "1",
            description = "Coordinators to start; more than one needs --etcd (one leads, the others stand by). Default: ${DEFAULT-VALUE}.")
    int coordinators;

    @Option(names = "--etcd", paramLabel = "auto|URL[,URL...]",
            description = "Keep the coordinators' state in etcd: 'auto' starts an etcd member on a free port under the "
                    + "state directory; URLs use a running etcd (plaintext, on this machine).")
    String etcd;

    @Override
    public Integer call() throws Exception {
        if (coordinators > 1 && etcd == null) {
            throw new BadInputException("--coordinators " + coordinators + " needs --etcd: only the etcd store elects a leader"
                    + " among several coordinators", "add --etcd auto");
        }
        if (agents < 1) {
            throw new BadInputException("--agents must be at least 1, got " + agents, "pass e.g. --agents 3");
        }
        if (port < 0 || port > 65535) {
            throw new BadInputException("--port must be in 0..65535, got " + port, "pass e.g. --port 7400");
        }
        PrintWriter out = spec.commandLine().getOut();
        long start = System.nanoTime();
        LocalCluster cluster = LocalCluster.prepare(new LocalState(stateDir), agents, port, insecure, out, jvmOptions());
        Thread stop = new Thread(cluster::close, "local-cluster-shutdown");
        Runtime.getRuntime().addShutdownHook(stop);
        try {
            if (etcd != null) {
                cluster.useEtcd(etcd, coordinators);
            }
            cluster.startCoordinator(startTimeout);
            cluster.startAgents();
            cluster.awaitAlive(startTimeout);
            cluster.printSummary(Duration.ofNanos(System.nanoTime() - start));
            return cluster.supervise();
        } catch (LocalCluster.LocalClusterException e) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("graphagent: local cluster: " + e.getMessage());
            err.flush();
            return FailureHandler.EXIT_FAILURE;
        } finally {
            cluster.close();
            try {
                Runtime.getRuntime().removeShutdownHook(stop);
            } catch (IllegalStateException shuttingDown) {
                // The hook is running or ran: it closed the cluster.
            }
        }
    }

    /**
     * JVM options for the processes: native access for BoringSSL (what the jar's manifest grants
     * under {@code java -jar}, which they are not started with); on JDK 23+, protobuf's use of
     * sun.misc.Unsafe allowed without a warning in every log; then GRAPHAGENT_JAVA_OPTS, as the
     * launcher gives this one.
     */
    /** The launcher's heap policy (see ./graphagent), for every process. */
    static final List<String> HEAP_POLICY = List.of("-XX:+UseG1GC", "-XX:MinHeapFreeRatio=1", "-XX:MaxHeapFreeRatio=2",
            "-XX:G1HeapRegionSize=1m");

    /**
     * What agents get after {@link #HEAP_POLICY} and before GRAPHAGENT_JAVA_OPTS (which still
     * overrides them; the launcher gives a standalone {@code agent} the same). An agent's heap is
     * mostly its resident graph: with at most 2 % free, every marking cycle shrank the heap back
     * to the graph, the old generation stayed over the marking threshold, and online queries
     * started cycle after cycle in a few MiB of eden (docs/performance.md, "Online queries").
     * Up to 30 % free, and a floor under the young generation (the {@code -XX:NewSize=64m} here
     * is replaced by {@link AgentYoungFloor}'s: 5 % of the maximum heap, at least 64 MiB, at most
     * a quarter of a small -Xmx).
     */
    static final List<String> AGENT_HEAP_OPTIONS = List.of("-XX:MaxHeapFreeRatio=30", "-XX:NewSize=64m");

    /**
     * The options of an agent's JVM, given those of every process: {@link #AGENT_HEAP_OPTIONS}
     * right after the heap policy, the young floor sized from the agent's maximum heap ({@link AgentYoungFloor}).
     */
    static List<String> agentJvmOptions(List<String> jvmOptions) {
        List<String> options = new ArrayList<>(jvmOptions);
        int policy = java.util.Collections.indexOfSubList(options, HEAP_POLICY);
        List<String> agent = new ArrayList<>(AGENT_HEAP_OPTIONS);
        agent.set(agent.indexOf("-XX:NewSize=64m"), AgentYoungFloor.option(jvmOptions));
        options.addAll(policy < 0 ? 0 : policy + HEAP_POLICY.size(), agent);
        return options;
    }

    static List<String> jvmOptions() {
        // The launcher's heap policy too (see ./graphagent): each agent holds a graph, and G1
        // then returns the loader's freed heap instead of keeping it resident.
        List<String> options = new ArrayList<>(List.of("--enable-native-access=ALL-UNNAMED"));
        options.addAll(HEAP_POLICY);
        if (Runtime.version().feature() >= 23) {
            options.add("--sun-misc-unsafe-memory-access=allow");
        }
        if (Runtime.version().feature() >= 22) {
            options.add("-XX:TrimNativeHeapInterval=1000");
        }
        String opts = System.getenv("GRAPHAGENT_JAVA_OPTS");
        if (opts != null && !opts.isBlank()) {
            options.addAll(Arrays.asList(opts.trim().split("\\s+")));
        }
        return options;
    }
}
