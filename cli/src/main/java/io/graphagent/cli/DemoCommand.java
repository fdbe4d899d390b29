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
import io.graphagent.graph.output.OutputException;
import io.graphagent.graph.output.ResultComparator;
import io.graphagent.graph.output.ResultComparator.Mismatch;
import io.graphagent.graph.pregel.EngineOptions;
import io.graphagent.graph.pregel.ProgressListener;
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
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code graphagent demo}: the six kernels on a bundled LDBC Graphalytics graph, each
 * checked against the benchmark's expected output, then on a generated Graph500 graph of
 * scale {@value #RMAT_SCALE}. Shows a fresh clone working end to end in seconds.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {
            "Run the six kernels (BFS, PR, WCC, CDLP, LCC, SSSP) on a bundled LDBC Graphalytics graph "
                    + "(example-directed) and check each result against the expected output Graphalytics publishes; "
                    + "then generate a weighted Graph500 graph of scale " + DemoCommand.RMAT_SCALE
                    + " and run the six kernels on it.",
            "",
            "Prints a summary table and where the graphs and outputs are. Exits 1 if any result does not match.",
            ""})
final class DemoCommand implements Callable<Integer> {
    static final String GRAPH = "example-directed";
    static final int RMAT_SCALE = 14;
    static final long RMAT_SEED = 1;
    private static final String[] KERNELS = {"BFS", "PR", "WCC", "CDLP", "LCC", "SSSP"};

    @Spec
    CommandSpec spec;

    @Option(names = "--output-dir", paramLabel = "DIR", defaultValue = "demo-output",
            description = "Where the graphs, reference outputs and results go (created if missing). Default: ${DEFAULT-VALUE}.")
    Path outputDir;

    @Option(names = "--threads", paramLabel = "N", description = "Threads. Default: the number of cores.")
    Integer threads;

    /** One row of the summary table; {@code matches} is null when there is no reference. */
    private record Row(String graph, Algorithm algorithm, int supersteps, double seconds, Boolean matches, Path output) {
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int threadCount = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        if (threadCount < 1) {
            throw new BadInputException("--threads must be at least 1, got " + threadCount, "pass e.g. --threads 2");
        }
        EngineOptions engine = EngineOptions.defaults(threadCount);
        Path results = outputDir.resolve("results");
        Path reference = outputDir.resolve("reference");
        createDirectories(results);
        createDirectories(reference);

        List<Row> rows = new ArrayList<>();
        boolean allMatch = true;

        Path prefix = outputDir.resolve(GRAPH);
        for (String suffix : new String[] {".v", ".e", ".properties"}) {
            extract(GRAPH + suffix, outputDir.resolve(GRAPH + suffix));
        }
        for (String kernel : KERNELS) {
            extract(GRAPH + "-" + kernel, reference.resolve(GRAPH + "-" + kernel));
        }
        GraphInput example = GraphInput.locate(prefix);
        boolean directed = example.properties().directed().orElse(true);
        Graph exampleGraph = GraphLoader.load(GraphSource.graphalytics(prefix, directed, true), threadCount, LoadProgress.NONE);
        for (Algorithm a : Algorithm.values()) {
            KernelParameters p = KernelSettings.resolve(a, null, null, null, example);
            Path output = results.resolve(GRAPH + "-" + a.graphalyticsName());
            KernelJob job = KernelJob.run(exampleGraph, example.vertexSet(), a, p, engine, ProgressListener.NONE, output);
            Path expected = reference.resolve(GRAPH + "-" + a.graphalyticsName());
            List<Mismatch> mismatches = ResultComparator.compare(expected, output,
                    ResultComparator.Rule.forKernel(a.graphalyticsName()));
            for (Mismatch m : mismatches.subList(0, Math.min(5, mismatches.size()))) {
                err.println("graphagent: " + a.graphalyticsName() + " on " + GRAPH + " differs from " + expected + ": " + m);
            }
            allMatch &= mismatches.isEmpty();
            rows.add(new Row(GRAPH, a, job.result().supersteps(), job.computeSeconds(), mismatches.isEmpty(), output));
        }

        String rmat = "rmat-" + RMAT_SCALE;
        Path rmatPrefix = outputDir.resolve(rmat);
        RmatGenerator.generate(new RmatGenerator.Parameters(RMAT_SCALE, 16, RMAT_SEED, true), rmatPrefix, threadCount,
                RmatGenerator.Progress.NONE);
        Graph rmatGraph = GraphLoader.load(GraphSource.graphalytics(rmatPrefix, true, true), threadCount, LoadProgress.NONE);
        long source = smallestVertexWithOutEdges(rmatGraph);
        for (Algorithm a : Algorithm.values()) {
            KernelParameters p = switch (a) {
                case BFS, SSSP -> new KernelParameters(source, 0, 0);
                case PAGERANK -> new KernelParameters(-1, KernelSettings.DEFAULT_PR_ITERATIONS, KernelSettings.DEFAULT_DAMPING);
                case CDLP -> new KernelParameters(-1, KernelSettings.DEFAULT_CDLP_ITERATIONS, 0);
                case WCC, LCC -> new KernelParameters(-1, 0, 0);
            };
            Path output = results.resolve(rmat + "-" + a.graphalyticsName());
            KernelJob job = KernelJob.run(rmatGraph, rmatPrefix + ".v", a, p, engine, ProgressListener.NONE, output);
            rows.add(new Row(rmat, a, job.result().supersteps(), job.computeSeconds(), null, output));
        }

        printTable(out, rows);
        out.println();
        out.println("graphs:    " + prefix + ".{v,e,properties} (LDBC Graphalytics example), " + rmatPrefix + ".{v,e} ("
                + rmatGraph.numVertices() + " vertices, " + rmatGraph.numEdges() + " edges, seed " + RMAT_SEED
                + ", BFS/SSSP source " + source + ")");
        out.println("reference: " + reference + " (expected outputs published by LDBC Graphalytics)");
        out.println("results:   " + results);
        out.println(allMatch ? "all six kernels match the Graphalytics reference outputs"
                : "MISMATCH: some kernels differ from the Graphalytics reference outputs (details on stderr)");
        out.flush();
        return allMatch ? 0 : FailureHandler.EXIT_FAILURE;
    }

    private static void printTable(PrintWriter out, List<Row> rows) {
        String format = "%-18s %-6s %10s %9s %-9s %s%n";
        out.printf(Locale.ROOT, format, "graph", "kernel", "supersteps", "time_s", "matches", "output");
        for (Row r : rows) {
            String matches = r.matches() == null ? "n/a" : r.matches() ? "yes" : "NO";
            out.printf(Locale.ROOT, format, r.graph(), r.algorithm().graphalyticsName(), r.supersteps(),
                    String.format(Locale.ROOT, "%.3f", r.seconds()), matches, r.output());
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

    private static void extract(String resource, Path target) throws IOException {
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
