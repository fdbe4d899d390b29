package io.graphagent.cli;

import io.graphagent.config.HostPort;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What {@code graphagent local} prints once its cluster is up, for a newcomer: the processes
 * with their addresses, pids and logs, where the files are, and the commands to try.
 *
 * @param took          from the start of the command to every agent ALIVE
 * @param processes     the processes, coordinators first
 * @param coordinator   where the coordinator clients call listens
 * @param dataAddresses each agent's data address, by name
 */
record LocalSummary(LocalState state, int agents, boolean insecure, Duration took, List<ChildProcess> processes,
                    HostPort coordinator, Map<String, String> dataAddresses, HostPort admin, String dashboardUrl) {

    void print(PrintWriter out) {
        out.println("graphagent local: coordinator and " + agents + " agent" + (agents == 1 ? "" : "s") + " up in "
                + Durations.millis(took.toMillis()) + " on 127.0.0.1, " + (insecure ? "PLAINTEXT (--insecure)" : "mutual TLS"));
        out.println();
        TextTable table = new TextTable("PROCESS", "ADDRESS", "PID", "LOG");
        for (ChildProcess child : processes) {
            String addr = child.name().equals("coordinator") ? coordinator.toString() : dataAddresses.getOrDefault(child.name(), "");
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
        out.println("  dashboard     " + dashboardUrl);
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
}
