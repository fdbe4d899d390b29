package io.graphagent.cli;

import io.graphagent.graph.csr.Graph;
import io.graphagent.graph.kernels.Algorithm;
import io.graphagent.graph.kernels.KernelParameters;
import io.graphagent.graph.kernels.KernelSettings;
import io.graphagent.graph.kernels.ParameterMap;
import io.graphagent.graph.load.GraphInput;
import io.graphagent.graph.load.GraphLoader;
import io.graphagent.graph.output.AtomicFile;
import io.graphagent.graph.partition.Partitioning;
import io.graphagent.graph.output.Existing;
import io.graphagent.graph.pregel.EngineOptions;
import io.graphagent.graph.pregel.ProgressListener;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code graphagent run}: loads a graph, runs one kernel on the single-process engine,
 * writes the Graphalytics output and prints one {@code key=value} summary line that bench
 * scripts parse. Checks everything it can before the (possibly long) load.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {
            "Run one Graphalytics kernel, or your own vertex program from a jar, on a graph and write one "
                    + "'vertexId value...' line per vertex.",
            "",
            "--program FILE.jar --class NAME runs a class implementing io.graphagent.api.VertexProgram (see "
                    + "docs/programming-guide.md) with its --param key=value parameters; a file that is not a jar, a "
                    + "missing class, a class that is not a program or a missing or ill-typed parameter is refused "
                    + "before the graph is read. Its output is the program's OutputFormat.",
            "",
            "--graph PREFIX reads PREFIX.v and PREFIX.e (and PREFIX.properties when present). When there is no "
                    + "PREFIX.e but PREFIX is a file, it is read as an edge list: 'src dst [weight]' per line, "
                    + "tabs or spaces, comment lines starting with # or %%.",
            "",
            "Options not given come from PREFIX.properties: directed, bfs/sssp source-vertex, pr damping-factor "
                    + "and num-iterations, cdlp max-iterations. SSSP reads the weight column (third column).",
            "",
            "Prints one summary line on stdout: algo= vertices= edges= threads= load_s= compute_s= supersteps= "
                    + "load_edges_per_s= output=, with --memory-figures also heap_bytes_per_edge= rss_bytes_per_edge= "
                    + "before output=. Progress goes to stderr for work longer than two seconds.",
            ""},
        footerHeading = "%nExamples:%n",
        footer = {
            "  graphagent run --algorithm pagerank --output pr.txt \\",
            "      --graph ../shared/datasets/graphalytics/example-directed",
            "  graphagent run --algorithm bfs --graph edges.txt --directed --source 1 --output bfs.txt",
            "  graphagent run --program examples/target/graphagent-examples-0.1.0-SNAPSHOT.jar \\",
            "      --class io.graphagent.examples.KCore --graph edges.txt --undirected --output kcore.txt"})
final class RunCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = {"-a", "--algorithm"}, paramLabel = "ALGO", converter = AlgorithmConverter.class,
            description = "bfs, pagerank (or pr), wcc, cdlp, lcc or sssp. Either this or --program.")
    Algorithm algorithm;

    @Option(names = "--program", paramLabel = "FILE.jar",
            description = "A jar holding your vertex program (with --class). Either this or --algorithm.")
    Path program;

    @Option(names = "--class", paramLabel = "NAME",
            description = "The fully qualified name of the program class in --program.")
    String programClass;

    @Option(names = "--param", paramLabel = "KEY=VALUE",
            description = "A parameter of the --program, read by its configure(Parameters); repeatable.")
    List<String> params = List.of();

    @Option(names = "--max-supersteps", paramLabel = "N",
            description = "Stop after N supersteps at most (with the program's own cap, the lesser wins). Default: no cap"
                    + " beyond the program's.")
    Integer maxSupersteps;

    @Option(names = {"-g", "--graph"}, required = true, paramLabel = "PREFIX",
            description = "Graphalytics prefix (PREFIX.v, PREFIX.e, optional PREFIX.properties) or an edge-list file.")
    Path graph;

    @ArgGroup(exclusive = true)
    Directedness directedness;

    @Option(names = "--source", paramLabel = "ID",
            description = "Source vertex (original id) of bfs and sssp. Default: bfs.source-vertex / sssp.source-vertex from the properties.")
    Long source;

    @Option(names = "--iterations", paramLabel = "N",
            description = "Iterations of pagerank (default: pr.num-iterations, else " + KernelSettings.DEFAULT_PR_ITERATIONS
                    + ") or cdlp (default: cdlp.max-iterations, else " + KernelSettings.DEFAULT_CDLP_ITERATIONS + ").")
    Integer iterations;

    @Option(names = "--damping", paramLabel = "D",
            description = "PageRank damping factor in [0, 1]. Default: pr.damping-factor, else " + KernelSettings.DEFAULT_DAMPING + ".")
    Double damping;

    @Option(names = "--threads", paramLabel = "N",
            description = "Threads for loading and computing. Default: the number of cores.")
    Integer threads;

    @Option(names = "--partitions", paramLabel = "N",
            description = "Hash partitions of the vertices (the unit of work of a thread). Default: "
                    + EngineOptions.PARTITIONS_PER_THREAD + " per thread. Results depend on it only in the last bits of real numbers (summation order).")
    Integer partitions;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE",
            description = "Output file, written atomically (no partial file on failure). Its directory must exist; "
                    + "an existing file is refused without --overwrite, and anything but a regular file always.")
    Path output;

    @Option(names = "--overwrite", description = "Replace an existing output file (a regular file only, never an input "
            + "of the job; its permission bits are kept).")
    boolean overwrite;

    @Option(names = "--memory-figures",
            description = "After loading, measure the heap (after a full GC) and the resident set (once the JVM has "
                    + "returned freed heap to the OS: up to a few seconds) and add heap_bytes_per_edge= and "
                    + "rss_bytes_per_edge= to the summary line. Off by default: the measurement costs at least half a "
                    + "second.")
    boolean memoryFigures;

    /** --directed or --undirected; at most one. */
    static final class Directedness {
        @Option(names = "--directed", required = true, description = "Treat edges as directed (overrides the properties).")
        boolean directed;

        @Option(names = "--undirected", required = true, description = "Treat every edge as going both ways (overrides the properties).")
        boolean undirected;
    }

    @Override
    public Integer call() throws Exception {
        int threadCount = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        if (threadCount < 1) {
            throw new BadInputException("--threads must be at least 1, got " + threadCount, "pass e.g. --threads 2");
        }
        if (threadCount > Partitioning.MAX_PARTITIONS) {
            throw new BadInputException("--threads " + threadCount + " is more than " + Partitioning.MAX_PARTITIONS,
                    "pass at most the number of cores, e.g. --threads " + Runtime.getRuntime().availableProcessors());
        }
        if (partitions != null && partitions < 1) {
            throw new BadInputException("--partitions must be at least 1, got " + partitions, "pass e.g. --partitions 8");
        }
        if (partitions != null && partitions > Partitioning.MAX_PARTITIONS) {
            throw new BadInputException("--partitions " + partitions + " is more than the " + Partitioning.MAX_PARTITIONS
                    + " a graph is cut into", "pass --partitions " + Partitioning.MAX_PARTITIONS + " or fewer");
        }
        EngineOptions engine = partitions != null ? new EngineOptions(threadCount, partitions) : EngineOptions.defaults(threadCount);
        if (maxSupersteps != null && maxSupersteps < 1) {
            throw new BadInputException("--max-supersteps must be at least 1, got " + maxSupersteps, "pass e.g. --max-supersteps 100");
        }
        int cap = maxSupersteps == null ? Integer.MAX_VALUE : maxSupersteps;
        if (program != null || programClass != null) {
            return runProgram(engine, threadCount, cap);
        }
        if (algorithm == null) {
            throw new BadInputException("no program to run", "pass --algorithm ALGO, or --program FILE.jar --class NAME");
        }
        if (!params.isEmpty()) {
            throw new BadInputException("--param applies to --program only",
                    "pass the kernel's own options (--source, --iterations, --damping)");
        }

        GraphInput input = GraphInput.locate(graph);
        boolean directed = directed(input);
        KernelParameters parameters;
        try {
            parameters = KernelSettings.resolve(algorithm, source, iterations, damping, input);
        } catch (KernelSettings.ParameterException e) {
            throw new BadInputException(e.getMessage());
        }
        Existing existing = overwrite ? Existing.REPLACE : Existing.REFUSE;
        AtomicFile.checkWritable(output, existing);
        input.checkNotOverwrittenBy(output);

        try {
            return loadAndRun(input, directed, parameters, engine, existing, threadCount, cap);
        } catch (OutOfMemoryError e) {
            throw new RunOutOfHeapException(HeapEstimate.outOfHeap(input.name(), input.source(directed,
                    algorithm.needsWeights())));
        }
    }

    /** {@code run --program}: the program is loaded and configured before the graph is read. */
    private int runProgram(EngineOptions engine, int threadCount, int cap) throws Exception {
        ProgramFlags.check(algorithm != null, program, programClass, source != null || iterations != null || damping != null);
        ParameterMap parameters;
        try {
            parameters = ParameterMap.parse(params);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage());
        }
        try (ProgramJob job = ProgramJob.open(program, programClass, parameters)) {
            GraphInput input = GraphInput.locate(graph);
            boolean directed = directed(input);
            Existing existing = overwrite ? Existing.REPLACE : Existing.REFUSE;
            AtomicFile.checkWritable(output, existing);
            input.checkNotOverwrittenBy(output);
            boolean weighted = input.hasPropertiesFile() && input.properties().weighted();
            ThrottledProgress progress = new ThrottledProgress(spec.commandLine().getErr(), System::nanoTime);
            long loadStart = System.nanoTime();
            Graph g = GraphLoader.load(input.source(directed, weighted), threadCount, (done, total) -> progress.report(
                    () -> "loading " + input.name() + ": " + ThrottledProgress.percent(done, total) + " of " + (total >> 20) + " MB"));
            double loadSeconds = (System.nanoTime() - loadStart) / 1e9;
            String name = job.name();
            ProgressListener listener = (step, active, messages) ->
                    progress.report(() -> name + ": superstep " + step + " done (active vertices " + active + ", messages " + messages + ")");
            long start = System.nanoTime();
            var result = job.run(g, engine, listener, cap, output, existing);
            double computeSeconds = (System.nanoTime() - start) / 1e9;
            spec.commandLine().getOut().println(String.format(Locale.ROOT,
                    "algo=%s vertices=%d edges=%d threads=%d load_s=%.3f compute_s=%.3f supersteps=%d load_edges_per_s=%.0f"
                            + " output=%s",
                    name, g.numVertices(), g.numEdges(), threadCount, loadSeconds, computeSeconds, result.supersteps(),
                    g.numEdges() / Math.max(loadSeconds, 1e-9), output));
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    private int loadAndRun(GraphInput input, boolean directed, KernelParameters parameters, EngineOptions engine,
                           Existing existing, int threadCount, int cap) throws Exception {
        ThrottledProgress progress = new ThrottledProgress(spec.commandLine().getErr(), System::nanoTime);
        long loadStart = System.nanoTime();
        Graph g = GraphLoader.load(input.source(directed, algorithm.needsWeights()), threadCount,
                (done, total) -> progress.report(() -> "loading " + input.name() + ": " + ThrottledProgress.percent(done, total)
                        + " of " + (total >> 20) + " MB"));
        double loadSeconds = (System.nanoTime() - loadStart) / 1e9;
        String memory = memoryFigures ? memoryFigures(g.numEdges()) : "";

        String name = algorithm.cliName();
        ProgressListener listener = (step, active, messages) ->
                progress.report(() -> name + ": superstep " + step + " done (active vertices " + active + ", messages " + messages + ")");
        KernelJob job = KernelJob.run(g, input.vertexSet(), algorithm, parameters, engine, listener, output, existing, cap);

        spec.commandLine().getOut().println(String.format(Locale.ROOT,
                "algo=%s vertices=%d edges=%d threads=%d load_s=%.3f compute_s=%.3f supersteps=%d load_edges_per_s=%.0f"
                        + "%s output=%s",
                name, g.numVertices(), g.numEdges(), threadCount, loadSeconds, job.computeSeconds(), job.result().supersteps(),
                g.numEdges() / Math.max(loadSeconds, 1e-9), memory, output));
        spec.commandLine().getOut().flush();
        return 0;
    }

    /** A run whose graph did not fit its heap; the message names the estimate, the heap and the fix. */
    static final class RunOutOfHeapException extends Exception {
        private static final long serialVersionUID = 1L;

        RunOutOfHeapException(String message) {
            super(message);
        }
    }

    /** The summary's memory fields (with a leading space) for a loaded graph of {@code edges} edges. */
    private static String memoryFigures(long edges) throws InterruptedException {
        long heap = MemoryUse.heapAfterGc();
        long rss = MemoryUse.residentBytesSettled();
        double perEdge = Math.max(1, edges);
        return String.format(Locale.ROOT, " heap_bytes_per_edge=%.2f rss_bytes_per_edge=%s", heap / perEdge,
                rss < 0 ? "n/a" : String.format(Locale.ROOT, "%.2f", rss / perEdge));
    }

    private boolean directed(GraphInput input) {
        if (directedness != null) {
            return directedness.directed;
        }
        return input.properties().directed().orElseThrow(() -> new BadInputException(
                "directedness unknown: " + input.propertiesHint() + " (directed)", "pass --directed or --undirected"));
    }

    /** Algorithm names as {@link Algorithm#parse} reads them, with its message on a bad one. */
    static final class AlgorithmConverter implements ITypeConverter<Algorithm> {
        @Override
        public Algorithm convert(String value) {
            try {
                return Algorithm.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
