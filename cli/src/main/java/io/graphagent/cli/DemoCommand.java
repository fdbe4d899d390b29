package io.graphagent.cli;

import io.graphagent.graph.csr.Graph;
import io.graphagent.graph.generate.RmatGenerator;
import io.graphagent.graph.kernels.Algorithm;
import io.graphagent.graph.kernels.KernelParameters;
import io.graphagent.graph.kernels.KernelSettings;
import io.graphagent.graph.load.GraphInput;
import io.graphagent.graph.load.GraphLoader;
import io.graphagent.graph.load.GraphSource;
import io.graphagent.graph.load.LoadProgress;
import io.graphagent.config.ConfigKeys;
import io.graphagent.graph.output.Existing;
import io.graphagent.graph.output.OutputException;
import io.graphagent.graph.output.ResultComparator;
import io.graphagent.graph.output.ResultComparator.Mismatch;
import io.graphagent.graph.pregel.EngineOptions;
import io.graphagent.graph.pregel.ProgressListener;
import io.graphagent.protocol.v1.JobProgress;
import io.graphagent.protocol.v1.JobSpec;
import io.graphagent.protocol.v1.JobState;
import io.graphagent.protocol.v1.SubmitReply;
import io.graphagent.protocol.v1.SubmitRequest;
import java.time.Duration;
import java.util.Iterator;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code graphagent demo}: starts a local cluster (a coordinator and {@value #AGENTS} agents
 * as separate processes on 127.0.0.1, over mutual TLS), runs the six kernels on it on a
 * bundled LDBC Graphalytics graph, each checked against the benchmark's expected output,
 * then on a generated Graph500 graph of scale {@value #RMAT_SCALE}, each checked against the
 * single-process engine. Shows a fresh clone working end to end.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {
            "Start a local cluster (a coordinator and " + DemoCommand.AGENTS + " agents as separate processes on 127.0.0.1, "
                    + "mutual TLS), run the six kernels (BFS, PR, WCC, CDLP, LCC, SSSP) on it on a bundled LDBC Graphalytics "
                    + "graph (example-directed) and check each result against the expected output Graphalytics publishes; "
                    + "then generate a weighted Graph500 graph of scale " + DemoCommand.RMAT_SCALE
                    + ", run the six kernels on the cluster and check each against the single-process engine.",
            "",
            "Prints a summary table and where the graphs, outputs and cluster logs are; stops the cluster at the end. "
                    + "Exits 1 if any result does not match or a job fails.",
            ""})
final class DemoCommand implements Callable<Integer> {
    static final String GRAPH = "example-directed";
    static final int AGENTS = 3;
    /** Small enough that LCC (messages: the sum over vertices of degree x out-degree) stays quick. */
    static final int RMAT_SCALE = 11;
    static final long RMAT_SEED = 1;
    /** Partitions of every demo job, on the cluster and in the engine it is checked against. */
    static final int PARTITIONS = 12;
    private static final String[] KERNELS = {"BFS", "PR", "WCC", "CDLP", "LCC", "SSSP"};

    @Spec
    CommandSpec spec;

    @Option(names = "--output-dir", paramLabel = "DIR", defaultValue = "demo-output",
            description = "Where the graphs, reference outputs, results and the cluster's state and logs go "
                    + "(created if missing). Default: ${DEFAULT-VALUE}.")
    Path outputDir;

    @Option(names = "--threads", paramLabel = "N", description = "Threads of the single-process reference runs. Default: the number of cores.")
    Integer threads;

    @Option(names = "--start-timeout", paramLabel = "DURATION", defaultValue = "120s", converter = DurationConverter.class,
            description = "How long the cluster gets to come up. Default: ${DEFAULT-VALUE}.")
    Duration startTimeout;

    /** One row of the summary table. */
    private record Row(String graph, Algorithm algorithm, int supersteps, double seconds, String check, boolean ok, Path output) {
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int threadCount = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        if (threadCount < 1) {
            throw new BadInputException("--threads must be at least 1, got " + threadCount, "pass e.g. --threads 2");
        }
        Path dir = outputDir.toAbsolutePath();
        Path results = dir.resolve("results");
        Path reference = dir.resolve("reference");
        createDirectories(results);
        createDirectories(reference);

        Path prefix = dir.resolve(GRAPH);
        for (String suffix : new String[] {".v", ".e", ".properties"}) {
            extract(GRAPH + suffix, dir.resolve(GRAPH + suffix));
        }
        for (String kernel : KERNELS) {
            extract(GRAPH + "-" + kernel, reference.resolve(GRAPH + "-" + kernel));
        }
        String rmat = "rmat-" + RMAT_SCALE;
        Path rmatPrefix = dir.resolve(rmat);
        RmatGenerator.generate(new RmatGenerator.Parameters(RMAT_SCALE, 16, RMAT_SEED, true), rmatPrefix, threadCount,
                RmatGenerator.Progress.NONE);
        Graph rmatGraph = GraphLoader.load(GraphSource.graphalytics(rmatPrefix, true, true), threadCount, LoadProgress.NONE);
        long source = smallestVertexWithOutEdges(rmatGraph);

        List<Row> rows = new ArrayList<>();
        LocalState state = new LocalState(dir.resolve("cluster"));
        out.println("graphagent demo: starting a local cluster of " + AGENTS + " agents (state and logs in " + state.dir() + ")");
        out.flush();
        long started = System.nanoTime();
        try (LocalCluster cluster = LocalCluster.prepare(state, AGENTS, 0, false, out, LocalCommand.jvmOptions())) {
            // The results go under --output-dir, wherever it is: the coordinator may write there (job.output-roots).
            cluster.environment(Map.of(ConfigKeys.JOB_OUTPUT_ROOTS.envName(), results.toString()));
            cluster.startCoordinator(startTimeout);
            cluster.startAgents();
            cluster.awaitAlive(startTimeout);
            out.printf(Locale.ROOT, "graphagent demo: cluster up in %.1f s%n", (System.nanoTime() - started) / 1e9);
            out.println("dashboard: " + cluster.dashboardUrl() + "  (while the demo runs)");
            out.flush();
            try (CoordinatorClient client = cluster.client()) {
                for (Algorithm a : Algorithm.values()) {
                    Path output = results.resolve(GRAPH + "-" + a.graphalyticsName());
                    JobProgress done = runJob(client, JobSpec.newBuilder(), a, prefix, output);
                    Path expected = reference.resolve(GRAPH + "-" + a.graphalyticsName());
                    List<Mismatch> mismatches = done.getState() == JobState.SUCCEEDED
                            ? ResultComparator.compare(expected, output, ResultComparator.Rule.forKernel(a.graphalyticsName()))
                            : List.of();
                    for (Mismatch m : mismatches.subList(0, Math.min(5, mismatches.size()))) {
                        err.println("graphagent: " + a.graphalyticsName() + " on " + GRAPH + " differs from " + expected + ": " + m);
                    }
                    rows.add(row(GRAPH, a, done, "reference", mismatches.isEmpty(), output, err));
                }
                EngineOptions engine = new EngineOptions(threadCount, PARTITIONS);
                for (Algorithm a : Algorithm.values()) {
                    KernelParameters p = switch (a) {
                        case BFS, SSSP -> new KernelParameters(source, 0, 0);
                        case PAGERANK -> new KernelParameters(-1, KernelSettings.DEFAULT_PR_ITERATIONS, KernelSettings.DEFAULT_DAMPING);
                        case CDLP -> new KernelParameters(-1, KernelSettings.DEFAULT_CDLP_ITERATIONS, 0);
                        case WCC, LCC -> new KernelParameters(-1, 0, 0);
                    };
                    Path output = results.resolve(rmat + "-" + a.graphalyticsName());
                    JobSpec.Builder spec = JobSpec.newBuilder().setDirected(true);
                    if (a.needsSource()) {
                        spec.setSourceVertex(source);
                    }
                    JobProgress done = runJob(client, spec, a, rmatPrefix, output);
                    boolean equal = false;
                    if (done.getState() == JobState.SUCCEEDED) {
                        Path single = results.resolve(rmat + "-" + a.graphalyticsName() + ".engine");
                        KernelJob.run(rmatGraph, rmatPrefix + ".v", a, p, engine, ProgressListener.NONE, single, Existing.REPLACE);
                        equal = ResultComparator.read(single).equals(ResultComparator.read(output));
                        if (!equal) {
                            err.println("graphagent: " + a.graphalyticsName() + " on " + rmat + ": the cluster's " + output
                                    + " differs from the single-process engine's " + single);
                        }
                    }
                    rows.add(row(rmat, a, done, "engine", equal, output, err));
                }
            }
        }

        boolean allOk = rows.stream().allMatch(Row::ok);
        printTable(out, rows);
        out.println();
        out.println("cluster:   " + AGENTS + " agents and a coordinator on 127.0.0.1 over mutual TLS (stopped); logs in " + state.logs());
        out.println("graphs:    " + prefix + ".{v,e,properties} (LDBC Graphalytics example), " + rmatPrefix + ".{v,e} ("
                + rmatGraph.numVertices() + " vertices, " + rmatGraph.numEdges() + " edges, seed " + RMAT_SEED
                + ", BFS/SSSP source " + source + ")");
        out.println("reference: " + reference + " (expected outputs published by LDBC Graphalytics)");
        out.println("results:   " + results);
        out.println(allOk ? "all six kernels match the Graphalytics reference outputs on the cluster, and equal the single-process engine"
                : "MISMATCH or FAILURE: see the table and the details on stderr");
        out.flush();
        return allOk ? 0 : FailureHandler.EXIT_FAILURE;
    }

    /** Submits one job and follows it to its end; returns the last progress message. */
    static JobProgress runJob(CoordinatorClient client, JobSpec.Builder spec, Algorithm a, Path graph, Path output) {
        spec.setAlgorithm(io.graphagent.protocol.v1.Algorithm.valueOf(a.name())).setGraph(graph.toString())
                .setOutputPath(output.toString()).setPartitions(PARTITIONS).setOverwrite(true);
        SubmitReply reply = client.submit(SubmitRequest.newBuilder().setJob(spec).setClientName("demo").build());
        if (!reply.getErrorsList().isEmpty()) {
            throw new JobFailedException("the coordinator refused the demo's " + a.cliName() + " job: "
                    + reply.getErrors(0).getMessage());
        }
        JobProgress last = null;
        Iterator<JobProgress> progress = client.watch(reply.getJobId());
        while (progress.hasNext()) {
            last = progress.next();
        }
        if (last == null) {
            throw new JobFailedException("the coordinator sent no progress for job " + reply.getJobId());
        }
        return last;
    }

    private static Row row(String graph, Algorithm a, JobProgress done, String against, boolean equal, Path output, PrintWriter err) {
        boolean succeeded = done.getState() == JobState.SUCCEEDED;
        if (!succeeded) {
            err.println("graphagent: " + a.graphalyticsName() + " on " + graph + " " + done.getState() + ": " + done.getMessage());
        }
        String check = !succeeded ? done.getState().name() : (equal ? "yes" : "NO") + " (" + against + ")";
        return new Row(graph, a, done.getSummary().getSupersteps(), done.getSummary().getTotalTimeMs() / 1000.0, check,
                succeeded && equal, output);
    }

    private static void printTable(PrintWriter out, List<Row> rows) {
        String format = "%-18s %-6s %10s %9s %-16s %s%n";
        out.printf(Locale.ROOT, format, "graph", "kernel", "supersteps", "time_s", "matches", "output");
        for (Row r : rows) {
            out.printf(Locale.ROOT, format, r.graph(), r.algorithm().graphalyticsName(), r.supersteps(),
                    String.format(Locale.ROOT, "%.3f", r.seconds()), r.check(), r.output());
        }
    }

    /** The original id of the first vertex (in id order) that has an out-edge: a source that reaches something. */
    static long smallestVertexWithOutEdges(Graph g) {
        for (int v = 0; v < g.numVertices(); v++) {
            if (g.outDegree(v) > 0) {
                return g.originalId(v);
            }
        }
        return g.numVertices() > 0 ? g.originalId(0) : 0;
    }

    static void extract(String resource, Path target) throws IOException {
        try (InputStream in = DemoCommand.class.getResourceAsStream("/demo/" + resource)) {
            if (in == null) {
                throw new IOException("demo resource /demo/" + resource + " is missing from the jar; rebuild with bin/mvn package");
            }
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void createDirectories(Path dir) throws OutputException {
        try {
            Files.createDirectories(dir);
        } catch (FileSystemException e) {
            throw new OutputException(dir, "cannot create the directory (" + (e.getReason() != null ? e.getReason() : e.getClass().getSimpleName()) + ")",
                    "choose another --output-dir", e);
        } catch (IOException e) {
            throw new OutputException(dir, "cannot create the directory (" + e.getMessage() + ")", "choose another --output-dir", e);
        }
    }
}
