package io.graphagent.cli;

import io.graphagent.config.ConfigKeys;
import io.graphagent.graph.generate.RmatGenerator;
import io.graphagent.graph.kernels.Algorithm;
import io.graphagent.protocol.v1.Direction;
import io.graphagent.protocol.v1.JobProgress;
import io.graphagent.protocol.v1.JobSpec;
import io.graphagent.protocol.v1.JobState;
import io.graphagent.protocol.v1.KHopRequest;
import io.graphagent.protocol.v1.LoadGraphReply;
import io.graphagent.protocol.v1.LoadGraphRequest;
import io.graphagent.protocol.v1.PathRequest;
import io.graphagent.protocol.v1.ResidentGraph;
import io.graphagent.protocol.v1.ResidentState;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code graphagent train-start-cache} (hidden): the launcher's training run for the start
 * caches of {@code local}'s coordinator and agents ({@link ChildStartCache}). Starts a local
 * cluster of {@value #AGENTS} agents as {@code local} does (same JVM options, mutual TLS, free
 * ports), runs PageRank and WCC on the bundled example graph and on a generated one of scale
 * 14 ({@link #RMAT}), loads that as a resident graph and asks a few hundred queries, then stops
 * the cluster. The coordinator and agent-1 run with
 * {@code -XX:AOTCacheOutput=}: as they exit each JVM writes its cache (the classes it loaded and
 * linked, and its methods' profiles), which takes seconds, so they get {@link #STOP_GRACE} to end.
 * One agent records, not both: their workloads are the same and each cache costs an assembly.
 */
@Command(name = "train-start-cache", hidden = true, mixinStandardHelpOptions = true,
        description = {
            "Make the JVM start-up caches of local's coordinator and agents (the launcher runs this once per build): "
                    + "a local cluster of 2 agents runs PageRank and WCC on the bundled example graph and an RMAT graph "
                    + "of scale 14, loads that as a resident graph and answers a few hundred queries, then stops; the coordinator and agent-1 write their "
                    + "caches (-XX:AOTCacheOutput=) as they exit. Exits 1 when a step fails or a cache is missing."})
final class TrainStartCacheCommand implements Callable<Integer> {
    static final int AGENTS = 2;
    /** The bundled graph trained on: DemoCommand's, extracted from the jar. */
    private static final String GRAPH = DemoCommand.GRAPH;
    /**
     * The generated graph trained on (16,384 vertices, 262,144 edges, unweighted): big enough
     * that the data plane's and the kernels' methods get hot and their profiles recorded (the
     * bundled graph's 10 vertices run each a few times), small enough for seconds of training.
     */
    static final RmatGenerator.Parameters RMAT = new RmatGenerator.Parameters(14, 16, 1, false);
    /** How long the recording processes get to write their caches once asked to stop (seconds each at a high load). */
    static final Duration STOP_GRACE = Duration.ofMinutes(3);
    private static final Duration QUERY_DEADLINE = Duration.ofSeconds(30);
    /** 2-hop count queries asked of the resident graph (the query bench's kind), one path query per 20. */
    private static final int QUERIES = 400;

    @Spec
    CommandSpec spec;

    @Option(names = "--state-dir", paramLabel = "DIR", required = true,
            description = "Where the training cluster's state, logs, graph and outputs go (a scratch directory).")
    Path stateDir;

    @Option(names = "--coordinator-cache", paramLabel = "FILE", required = true, description = "The coordinator's cache to write.")
    Path coordinatorCache;

    @Option(names = "--agent-cache", paramLabel = "FILE", required = true, description = "The agents' cache to write.")
    Path agentCache;

    @Option(names = "--start-timeout", paramLabel = "DURATION", defaultValue = "120s", converter = DurationConverter.class,
            description = "How long the cluster gets to come up. Default: ${DEFAULT-VALUE}.")
    Duration startTimeout;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Path dir = stateDir.toAbsolutePath();
        Path results = dir.resolve("results");
        Files.createDirectories(results);
        Path graph = dir.resolve(GRAPH);
        for (String suffix : new String[] {".v", ".e", ".properties"}) {
            DemoCommand.extract(GRAPH + suffix, dir.resolve(GRAPH + suffix));
        }
        Path rmat = dir.resolve("rmat-" + RMAT.scale());
        RmatGenerator.generate(RMAT, rmat, 2, RmatGenerator.Progress.NONE);
        Files.deleteIfExists(coordinatorCache);
        Files.deleteIfExists(agentCache);
        try (LocalCluster cluster = LocalCluster.prepare(new LocalState(dir.resolve("cluster")), AGENTS, 0, false, out,
                LocalCommand.jvmOptions())) {
            cluster.environment(Map.of(ConfigKeys.JOB_OUTPUT_ROOTS.envName(), results.toString()));
            cluster.processOptions(Map.of(
                    "coordinator", List.of("-XX:AOTCacheOutput=" + coordinatorCache.toAbsolutePath()),
                    "agent-1", List.of("-XX:AOTCacheOutput=" + agentCache.toAbsolutePath())));
            cluster.stopGrace(STOP_GRACE);
            cluster.startCoordinator(startTimeout);
            cluster.startAgents();
            cluster.awaitAlive(startTimeout);
            try (CoordinatorClient client = cluster.client()) {
                for (Path input : List.of(graph, rmat)) {
                    for (Algorithm a : List.of(Algorithm.PAGERANK, Algorithm.WCC)) {
                        JobProgress done = DemoCommand.runJob(client, JobSpec.newBuilder().setDirected(true), a, input,
                                results.resolve(input.getFileName() + "-" + a.graphalyticsName()));
                        if (done.getState() != JobState.SUCCEEDED) {
                            throw new JobFailedException("the training's " + a.cliName() + " job on " + input + " "
                                    + done.getState() + ": " + done.getMessage());
                        }
                    }
                }
                residentQueries(client, rmat);
            }
        }
        for (Path cache : List.of(coordinatorCache, agentCache)) {
            if (!Files.isRegularFile(cache) || Files.size(cache) == 0) {
                spec.commandLine().getErr().println("graphagent: train-start-cache: no cache " + cache
                        + " after the cluster stopped (see the logs in " + dir.resolve("cluster").resolve("logs") + ")");
                return FailureHandler.EXIT_FAILURE;
            }
        }
        out.println("graphagent: start caches written: " + coordinatorCache + ", " + agentCache);
        return 0;
    }

    /**
     * Loads the graph as a resident graph and asks 2-hop counts from a few hundred vertices and
     * a few paths (the query bench's kinds). One replica: replicas are copied after the load and
     * the training need not wait for them (nor meet a graph that stays DEGRADED: a second replica
     * of a weighted graph, the bundled one, fails "a weighted share needs weights").
     */
    private void residentQueries(CoordinatorClient client, Path graph) {
        String name = "train";
        LoadGraphReply reply = client.query("LoadGraph", CoordinatorClient.SUBMIT_DEADLINE, CoordinatorCallException.CallKind.UPDATE,
                s -> s.loadGraph(LoadGraphRequest.newBuilder().setName(name).setGraph(graph.toString()).setDirected(true).setReplicas(1)
                        .setClientName("train-start-cache").build()));
        if (reply.getErrorsCount() > 0) {
            throw new JobFailedException("the training's resident graph was refused: " + reply.getErrors(0).getMessage());
        }
        PollDeadline ready = PollDeadline.after(startTimeout);
        while (true) {
            Optional<ResidentGraph> now = GraphCommand.Load.find(client, name);
            if (now.isPresent() && now.get().getState() == ResidentState.GRAPH_READY) {
                break;
            }
            // Loading: wait; FAILED or gone: give up.
            if (now.isEmpty() || now.get().getState() == ResidentState.GRAPH_FAILED || ready.passed()) {
                throw new JobFailedException("the training's resident graph did not become READY: "
                        + now.map(g -> g.getState() + ": " + g.getMessage()).orElse("dropped"));
            }
            ready.pause();
        }
        int deadlineMs = (int) QUERY_DEADLINE.toMillis();
        for (long vertex = 0; vertex < QUERIES; vertex++) {
            KHopRequest khop = KHopRequest.newBuilder().setGraph(name).setVertex(vertex * 37).setK(2)
                    .setDirection(Direction.EDGES_OUT).setDeadlineMs(deadlineMs).build();
            client.query("KHop", QUERY_DEADLINE, s -> s.kHop(khop));
            if (vertex % 20 == 0) {
                PathRequest path = PathRequest.newBuilder().setGraph(name).setFrom(vertex * 37).setTo(vertex * 41 + 1)
                        .setDirection(Direction.EDGES_OUT).setDeadlineMs(deadlineMs).build();
                client.query("ShortestPath", QUERY_DEADLINE, s -> s.shortestPath(path));
            }
        }
    }
}
