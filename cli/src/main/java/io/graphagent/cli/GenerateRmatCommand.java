package io.graphagent.cli;

import io.graphagent.graph.generate.RmatGenerator;
import io.graphagent.graph.generate.RmatGenerator.Generated;
import io.graphagent.graph.generate.RmatGenerator.Parameters;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code graphagent generate rmat}: a Graph500 Kronecker graph, the same bytes for the same seed. */
@Command(name = "rmat", mixinStandardHelpOptions = true,
        description = {
            "Generate a Graph500 Kronecker (R-MAT) graph: 2^scale vertices and edge-factor * 2^scale directed "
                    + "edges, initiator A=0.57 B=0.19 C=0.19 D=0.05, vertex ids permuted by a seeded shuffle and "
                    + "written as 0..2^scale-1. Duplicate edges and self-loops are kept, as Graph500 does.",
            "",
            "--weighted adds a weight uniform in (0, 1], printed with nine decimals. The output depends only on "
                    + "the parameters and the seed, not on --threads. Writes PREFIX.v and PREFIX.e, each "
                    + "atomically, and prints one key=value summary line.",
            ""},
        footerHeading = "%nExample:%n",
        footer = "  graphagent generate rmat --scale 20 --output /tmp/rmat20   # 1M vertices, 16M edges, ~240 MB")
final class GenerateRmatCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--scale", required = true, paramLabel = "S", description = "log2 of the number of vertices, 1..30.")
    int scale;

    @Option(names = "--edge-factor", paramLabel = "N", defaultValue = "16", description = "Edges per vertex. Default: ${DEFAULT-VALUE}.")
    int edgeFactor;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1", description = "Random seed. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--weighted", description = "Add a weight column (uniform in (0, 1]).")
    boolean weighted;

    @Option(names = "--threads", paramLabel = "N", description = "Generator threads. Default: the number of cores.")
    Integer threads;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "PREFIX",
            description = "Writes PREFIX.v and PREFIX.e; the directory must exist.")
    Path output;

    @Override
    public Integer call() throws Exception {
        Parameters p;
        try {
            p = new Parameters(scale, edgeFactor, seed, weighted);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage(), "see graphagent generate rmat --help");
        }
        int threadCount = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        if (threadCount < 1) {
            throw new BadInputException("--threads must be at least 1, got " + threadCount, "pass e.g. --threads 2");
        }
        ThrottledProgress progress = new ThrottledProgress(spec.commandLine().getErr(), System::nanoTime);
        long start = System.nanoTime();
        Generated g = RmatGenerator.generate(p, output, threadCount,
                (done, total) -> progress.report(() -> "generating: " + ThrottledProgress.percent(done, total) + " of " + total + " edges"));
        double seconds = (System.nanoTime() - start) / 1e9;
        spec.commandLine().getOut().println(String.format(Locale.ROOT,
                "generated=rmat scale=%d edge_factor=%d seed=%d weighted=%b vertices=%d edges=%d seconds=%.3f vertex_file=%s edge_file=%s",
                scale, edgeFactor, seed, weighted, g.vertices(), g.edges(), seconds, g.vertexFile(), g.edgeFile()));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
