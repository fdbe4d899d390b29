package io.graphagent.cli;

import io.graphagent.protocol.v1.DropGraphReply;
import io.graphagent.protocol.v1.DropGraphRequest;
import io.graphagent.protocol.v1.FieldError;
import io.graphagent.protocol.v1.ListGraphsRequest;
import io.graphagent.protocol.v1.LoadGraphReply;
import io.graphagent.protocol.v1.LoadGraphRequest;
import io.graphagent.protocol.v1.ReplicaMemory;
import io.graphagent.protocol.v1.ResidentGraph;
import io.graphagent.protocol.v1.ResidentState;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code graphagent graph}: resident graphs (load, list, drop); each action is a subcommand. */
@Command(name = "graph", mixinStandardHelpOptions = true,
        description = "Resident graphs: loaded once into the cluster, each partition on R agents, kept for queries "
                + "(graphagent query ...) until dropped.",
        subcommands = {GraphCommand.Load.class, GraphCommand.ListGraphs.class, GraphCommand.Drop.class})
final class GraphCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "graph needs an action: load, list or drop");
    }

    /** {@code graph load}: loads and keeps a graph, waits until it is READY (or failed). */
    @Command(name = "load", mixinStandardHelpOptions = true,
            description = "Load a graph into the cluster and keep it there, each partition held by R agents. Waits until "
                    + "the graph is READY unless --no-wait.",
            footerHeading = "%nExamples:%n",
            footer = {"  graphagent graph load --name social --graph /data/datagen-7_5-fb --replicas 2"})
    static final class Load implements Callable<Integer>, ClusterCommand {
        /** How often the load's state is asked for while waiting. */
        private static final Duration POLL = Duration.ofMillis(300);

        @Spec
        CommandSpec spec;

        @Mixin
        ClientOptions client;

        @Option(names = "--name", required = true, paramLabel = "NAME",
                description = "The graph's name in queries and `submit --graph-name`: 1-64 of [A-Za-z0-9_.-].")
        String name;

        @Option(names = "--graph", required = true, paramLabel = "PREFIX",
                description = "A Graphalytics prefix (PREFIX.v, PREFIX.e) or an edge-list file, readable by the agents.")
        String graph;

        @Option(names = "--replicas", paramLabel = "R", defaultValue = "0",
                description = "Agents holding each partition. Default: 2 with two agents or more, else 1.")
        int replicas;

        @Option(names = "--partitions", paramLabel = "P", defaultValue = "0",
                description = "Partitions. Default: live agents x job.partitions-per-agent.")
        int partitions;

        @Option(names = "--directed", description = "Edges are directed. Default: PREFIX.properties says.")
        boolean directed;

        @Option(names = "--undirected", description = "Edges are undirected. Default: PREFIX.properties says.")
        boolean undirected;

        @Option(names = "--no-wait", description = "Return once the load is accepted.")
        boolean noWait;

        @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "30m", converter = DurationConverter.class,
                description = "Longest wait for READY. Default: ${DEFAULT-VALUE}.")
        Duration timeout;

        @Override
        public Integer call() throws Exception {
            if (replicas < 0 || partitions < 0) {
                throw new BadInputException("--replicas and --partitions must be 0 or more", "pass e.g. --replicas 2");
            }
            LoadGraphRequest.Builder request = LoadGraphRequest.newBuilder().setName(name)
                    .setGraph(java.nio.file.Path.of(graph).toAbsolutePath().toString()).setReplicas(replicas)
                    .setPartitions(partitions).setClientName("graphagent-cli@" + ProcessHandle.current().pid());
            if (directed && undirected) {
                throw new BadInputException("--directed and --undirected contradict each other", "pass one of them");
            }
            if (directed || undirected) {
                request.setDirected(directed);
            }
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            try (CoordinatorClient coordinator = client.connect()) {
                LoadGraphReply reply = coordinator.query("LoadGraph", CoordinatorClient.SUBMIT_DEADLINE,
                        CoordinatorCallException.CallKind.UPDATE, s -> s.loadGraph(request.build()));
                if (reply.getErrorsCount() > 0) {
                    for (FieldError e : reply.getErrorsList()) {
                        err.println("graphagent: graph refused: " + (e.getField().isEmpty() ? "" : e.getField() + ": ")
                                + e.getMessage());
                    }
                    err.flush();
                    return FailureHandler.EXIT_BAD_INPUT;
                }
                err.println("graphagent: loading graph " + name + " (" + reply.getGraph().getReplicas() + " replicas)");
                err.flush();
                if (noWait) {
                    return 0;
                }
                long until = System.nanoTime() + timeout.toNanos();
                while (true) {
                    Optional<ResidentGraph> now = find(coordinator, name);
                    if (now.isEmpty()) {
                        throw new BadInputException("graph " + name + " was dropped while it loaded");
                    }
                    ResidentState state = now.get().getState();
                    if (state == ResidentState.GRAPH_FAILED) {
                        err.println("graphagent: graph " + name + " failed to load: " + now.get().getMessage());
                        err.flush();
                        return FailureHandler.EXIT_FAILURE;
                    }
                    if (state == ResidentState.GRAPH_READY) {
                        out.println(GraphTable.of(List.of(now.get())));
                        out.flush();
                        return 0;
                    }
                    if (System.nanoTime() > until) {
                        err.println("graphagent: graph " + name + " still " + GraphTable.state(state) + " after " + timeout
                                + " (" + now.get().getMessage() + "); it goes on loading: `graphagent graph list`");
                        err.flush();
                        return FailureHandler.EXIT_FAILURE;
                    }
                    Thread.sleep(POLL.toMillis());
                }
            }
        }

        static Optional<ResidentGraph> find(CoordinatorClient coordinator, String name) {
            return coordinator.query("ListGraphs", CoordinatorClient.CALL_DEADLINE,
                    s -> s.listGraphs(ListGraphsRequest.getDefaultInstance())).getGraphsList().stream()
                    .filter(g -> g.getName().equals(name)).findFirst();
        }
    }

    /** {@code graph list}: the resident graphs. */
    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List the resident graphs: name, state, vertices, edges, partitions, replicas, memory per agent.")
    static final class ListGraphs implements Callable<Integer>, ClusterCommand {
        @Spec
        CommandSpec spec;

        @Mixin
        ClientOptions client;

        @Override
        public Integer call() throws Exception {
            List<ResidentGraph> graphs;
            try (CoordinatorClient coordinator = client.connect()) {
                graphs = coordinator.query("ListGraphs", CoordinatorClient.CALL_DEADLINE,
                        s -> s.listGraphs(ListGraphsRequest.getDefaultInstance())).getGraphsList();
            }
            PrintWriter out = spec.commandLine().getOut();
            out.println(graphs.isEmpty() ? "no resident graphs (load one with `graphagent graph load`)" : GraphTable.of(graphs));
            out.flush();
            return 0;
        }
    }

    /** {@code graph drop NAME}. */
    @Command(name = "drop", mixinStandardHelpOptions = true, description = "Drop a resident graph: its agents free it.")
    static final class Drop implements Callable<Integer>, ClusterCommand {
        @Spec
        CommandSpec spec;

        @Mixin
        ClientOptions client;

        @Parameters(paramLabel = "NAME", description = "The graph's name.")
        String name;

        @Override
        public Integer call() throws Exception {
            DropGraphReply reply;
            try (CoordinatorClient coordinator = client.connect()) {
                reply = coordinator.query("DropGraph", CoordinatorClient.CALL_DEADLINE,
                        CoordinatorCallException.CallKind.UPDATE, s -> s.dropGraph(DropGraphRequest.newBuilder().setName(name).build()));
            }
            if (!reply.getDropped()) {
                spec.commandLine().getErr().println("graphagent: " + reply.getMessage());
                spec.commandLine().getErr().flush();
                return FailureHandler.EXIT_BAD_INPUT;
            }
            spec.commandLine().getOut().println(reply.getMessage());
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    /** The table of `graph list`. */
    static final class GraphTable {
        private GraphTable() {
        }

        static String state(ResidentState state) {
            return state.name().substring("GRAPH_".length());
        }

        static String of(List<ResidentGraph> graphs) {
            TextTable table = new TextTable("NAME", "STATE", "VERTICES", "EDGES", "PARTITIONS", "REPLICAS", "MEMORY", "MESSAGE");
            for (ResidentGraph g : graphs) {
                StringBuilder memory = new StringBuilder();
                for (ReplicaMemory m : g.getMemoryList()) {
                    memory.append(memory.isEmpty() ? "" : " ").append(m.getAgentId()).append('=')
                            .append(String.format(java.util.Locale.ROOT, "%.1f", m.getBytes() / 1048576.0)).append("MiB/").append(m.getPartitionIdsCount()).append('p');
                }
                table.add(g.getName(), state(g.getState()), Long.toString(g.getVertices()), Long.toString(g.getEdges()),
                        Integer.toString(g.getPartitions()), Integer.toString(g.getReplicas()),
                        memory.isEmpty() ? "-" : memory.toString(), g.getMessage());
            }
            return table.render();
        }
    }
}
