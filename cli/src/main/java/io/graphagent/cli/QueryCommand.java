package io.graphagent.cli;

import io.graphagent.net.tls.TlsFilesException;
import io.graphagent.protocol.v1.DegreeReply;
import io.graphagent.protocol.v1.DegreeRequest;
import io.graphagent.protocol.v1.Direction;
import io.graphagent.protocol.v1.KHopReply;
import io.graphagent.protocol.v1.KHopRequest;
import io.graphagent.protocol.v1.NeighboursReply;
import io.graphagent.protocol.v1.NeighboursRequest;
import io.graphagent.protocol.v1.PathReply;
import io.graphagent.protocol.v1.PathRequest;
import io.graphagent.protocol.v1.QueryStats;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code graphagent query}: online queries on a resident graph, answered hop by hop by the
 * agents holding the vertices. A vertex not in the graph prints "not found" and exits 4.
 */
@Command(name = "query", mixinStandardHelpOptions = true,
        description = "Online queries on a resident graph (graphagent graph load): neighbours, khop, path, degree. A vertex "
                + "not in the graph prints 'not found' and exits 4. A query the cluster shed (busy) exits 1 saying how "
                + "long to wait before trying again.",
        subcommands = {QueryCommand.Neighbours.class, QueryCommand.KHop.class, QueryCommand.Path.class,
            QueryCommand.Degree.class})
final class QueryCommand implements Runnable {
    /** Exit code of a query whose vertex is not in the graph. */
    static final int EXIT_NOT_FOUND = 4;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "query needs a kind: neighbours, khop, path or degree");
    }

    /** What every query takes: the cluster, the graph and a deadline. */
    static final class Target {
        @Mixin
        ClientOptions client;

        @Option(names = "--graph", required = true, paramLabel = "NAME", description = "The resident graph's name.")
        String graph;

        @Option(names = "--deadline", paramLabel = "DURATION", converter = DurationConverter.class,
                description = "Deadline of the query. Default: query.deadline of the coordinator.")
        Duration deadline;

        int deadlineMs() {
            return deadline == null ? 0 : (int) Math.max(1, Math.min(Integer.MAX_VALUE, deadline.toMillis()));
        }

        /** Asks the coordinator's Query service once, within the query's deadline. */
        <T> T ask(String what, java.util.function.Function<io.graphagent.protocol.v1.QueryGrpc.QueryBlockingStub, T> call)
                throws TlsFilesException {
            try (CoordinatorClient c = client.connect()) {
                return c.query(what, callDeadline(), call);
            } catch (CoordinatorCallException e) {
                throw QueryBusyException.orSame(e);
            }
        }

        /** The gRPC deadline: the query's own plus room for the answer to travel. */
        Duration callDeadline() {
            return (deadline == null ? Duration.ofSeconds(60) : deadline).plusSeconds(5);
        }
    }

    static Direction direction(String word) {
        return switch (word) {
            case "out" -> Direction.EDGES_OUT;
            case "in" -> Direction.EDGES_IN;
            case "both" -> Direction.EDGES_BOTH;
            default -> throw new BadInputException("--direction " + word + " is not a direction", "pass out, in or both");
        };
    }

    static String ids(List<Long> ids) {
        return ids.stream().map(String::valueOf).collect(Collectors.joining(" "));
    }

    static String stats(QueryStats s) {
        return "(" + s.getHops() + " hops, " + s.getRequests() + " requests, " + s.getRetries() + " retries, "
                + s.getElapsedMicros() / 1000.0 + " ms)";
    }

    static int notFound(CommandSpec spec, String message) {
        spec.commandLine().getOut().println("not found: " + message);
        spec.commandLine().getOut().flush();
        return EXIT_NOT_FOUND;
    }

    @Command(name = "neighbours", aliases = "neighbors", mixinStandardHelpOptions = true,
            description = "The distinct neighbours of a vertex.")
    static final class Neighbours implements Callable<Integer>, ClusterCommand {
        @Spec
        CommandSpec spec;

        @Mixin
        Target target;

        @Option(names = "--vertex", required = true, paramLabel = "ID", description = "The vertex, by its id in the input.")
        long vertex;

        @Option(names = "--direction", defaultValue = "out", paramLabel = "out|in|both",
                description = "Which edges. Default: ${DEFAULT-VALUE}.")
        String direction;

        @Option(names = "--limit", defaultValue = "1000", paramLabel = "N", description = "Most neighbours listed.")
        int limit;

        @Override
        public Integer call() throws Exception {
            NeighboursRequest request = NeighboursRequest.newBuilder().setGraph(target.graph).setVertex(vertex)
                    .setDirection(direction(direction)).setLimit(Math.max(1, limit)).setDeadlineMs(target.deadlineMs()).build();
            NeighboursReply reply = target.ask("Neighbours", s -> s.neighbours(request));
            if (!reply.getFound()) {
                return notFound(spec, reply.getMessage());
            }
            PrintWriter out = spec.commandLine().getOut();
            out.println("count " + reply.getCount() + (reply.getTruncated() ? " (listing " + reply.getNeighboursCount() + ")"
                    : "") + " " + stats(reply.getStats()));
            out.println(ids(reply.getNeighboursList()));
            out.flush();
            return 0;
        }
    }

    @Command(name = "khop", mixinStandardHelpOptions = true,
            description = "The vertices within k hops of a vertex (k = 1..3): their count per distance and up to --limit of them.")
    static final class KHop implements Callable<Integer>, ClusterCommand {
        @Spec
        CommandSpec spec;

        @Mixin
        Target target;

        @Option(names = "--vertex", required = true, paramLabel = "ID", description = "The start vertex.")
        long vertex;

        @Option(names = "-k", defaultValue = "2", paramLabel = "K", description = "Hops, 1..3. Default: ${DEFAULT-VALUE}.")
        int k;

        @Option(names = "--direction", defaultValue = "out", paramLabel = "out|in|both",
                description = "Which edges each hop follows. Default: ${DEFAULT-VALUE}.")
        String direction;

        @Option(names = "--limit", defaultValue = "0", paramLabel = "N",
                description = "Most vertices listed, nearest first (0: count only). Default: ${DEFAULT-VALUE}.")
        int limit;

        @Override
        public Integer call() throws Exception {
            if (k < 1 || k > 3) {
                throw new BadInputException("-k " + k + " is out of range", "ask for 1 to 3 hops");
            }
            KHopRequest request = KHopRequest.newBuilder().setGraph(target.graph).setVertex(vertex).setK(k)
                    .setDirection(direction(direction)).setLimit(Math.max(0, limit)).setDeadlineMs(target.deadlineMs()).build();
            KHopReply reply = target.ask("KHop", s -> s.kHop(request));
            if (!reply.getFound()) {
                return notFound(spec, reply.getMessage());
            }
            PrintWriter out = spec.commandLine().getOut();
            out.println("count " + reply.getCount() + " per hop " + reply.getPerHopList() + " " + stats(reply.getStats()));
            if (reply.getVerticesCount() > 0) {
                out.println(ids(reply.getVerticesList()));
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "path", mixinStandardHelpOptions = true,
            description = "An unweighted shortest path between two vertices (bidirectional BFS).")
    static final class Path implements Callable<Integer>, ClusterCommand {
        @Spec
        CommandSpec spec;

        @Mixin
        Target target;

        @Option(names = "--from", required = true, paramLabel = "ID", description = "The first vertex.")
        long from;

        @Option(names = "--to", required = true, paramLabel = "ID", description = "The last vertex.")
        long to;

        @Option(names = "--direction", defaultValue = "out", paramLabel = "out|in|both",
                description = "out follows edge directions from --from; in, against them; both, either. Default: ${DEFAULT-VALUE}.")
        String direction;

        @Option(names = "--max-depth", defaultValue = "6", paramLabel = "N",
                description = "Longest path looked for, in edges (at most 16). Default: ${DEFAULT-VALUE}.")
        int maxDepth;

        @Override
        public Integer call() throws Exception {
            if (maxDepth < 1 || maxDepth > 16) {
                throw new BadInputException("--max-depth " + maxDepth + " is out of range", "pass 1 to 16");
            }
            PathRequest request = PathRequest.newBuilder().setGraph(target.graph).setFrom(from).setTo(to)
                    .setDirection(direction(direction)).setMaxDepth(maxDepth).setDeadlineMs(target.deadlineMs()).build();
            PathReply reply = target.ask("ShortestPath", s -> s.shortestPath(request));
            if (!reply.getFound()) {
                return notFound(spec, reply.getMessage());
            }
            PrintWriter out = spec.commandLine().getOut();
            if (reply.getConnected()) {
                out.println("length " + reply.getLength() + " " + stats(reply.getStats()));
                out.println(ids(reply.getPathList()));
            } else {
                out.println("no path: " + reply.getMessage() + " " + stats(reply.getStats()));
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "degree", mixinStandardHelpOptions = true, description = "The out- and in-degree of a vertex.")
    static final class Degree implements Callable<Integer>, ClusterCommand {
        @Spec
        CommandSpec spec;

        @Mixin
        Target target;

        @Option(names = "--vertex", required = true, paramLabel = "ID", description = "The vertex.")
        long vertex;

        @Override
        public Integer call() throws Exception {
            DegreeRequest request = DegreeRequest.newBuilder().setGraph(target.graph).setVertex(vertex)
                    .setDeadlineMs(target.deadlineMs()).build();
            DegreeReply reply = target.ask("Degree", s -> s.degree(request));
            if (!reply.getFound()) {
                return notFound(spec, reply.getMessage());
            }
            PrintWriter out = spec.commandLine().getOut();
            out.println("out " + reply.getOutDegree() + " in " + reply.getInDegree() + " " + stats(reply.getStats()));
            out.flush();
            return 0;
        }
    }
}
