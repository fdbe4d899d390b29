package io.graphagent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.graphagent.graph.output.ResultComparator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class RunCommandTest {
    @TempDir
    Path dir;

    /** Every NAME-KERNEL expected output under ../shared/datasets/graphalytics. */
    static Stream<String> graphalyticsCases() throws IOException {
        try (Stream<Path> files = Files.list(Cli.graphalytics())) {
            List<String> cases = files.map(p -> p.getFileName().toString())
                    .filter(n -> n.matches(".+-(BFS|PR|WCC|CDLP|LCC|SSSP)"))
                    .sorted()
                    .toList();
            assertThat(cases).hasSizeGreaterThanOrEqualTo(18);
            return cases.stream();
        }
    }

    @ParameterizedTest
    @MethodSource("graphalyticsCases")
    void graphalyticsCaseMatchesTheExpectedOutput(String name) throws IOException {
        int dash = name.lastIndexOf('-');
        String graph = name.substring(0, dash);
        String kernel = name.substring(dash + 1);
        Path out = dir.resolve("out");

        Cli.Result r = Cli.run("run", "--algorithm", kernel, "--graph", Cli.graphalytics().resolve(graph).toString(),
                "--threads", "2", "--output", out.toString());

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(ResultComparator.compare(Cli.graphalytics().resolve(name), out, ResultComparator.Rule.forKernel(kernel))).isEmpty();
        assertThat(r.out()).startsWith("algo=").contains(" vertices=", " edges=", " threads=2 ", " load_s=", " compute_s=",
                " supersteps=", " load_edges_per_s=", " output=" + out);
        assertThat(r.err()).isEmpty();
    }

    @Test
    void memoryFiguresAreLeftOutUnlessAskedFor() {
        Cli.Result r = Cli.run("run", "-a", "wcc", "-g", Cli.graphalytics().resolve("example-directed").toString(),
                "-o", dir.resolve("wcc").toString());

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).contains(" load_edges_per_s=", " output=").doesNotContain("bytes_per_edge");
    }

    @Test
    void memoryFiguresFlagAddsHeapAndResidentBytesPerEdge() {
        Cli.Result r = Cli.run("run", "--memory-figures", "-a", "wcc", "-g",
                Cli.graphalytics().resolve("example-directed").toString(), "-o", dir.resolve("wcc").toString());

        assertThat(r.exitCode()).as(r.toString()).isZero();
        // On Linux the resident set comes from /proc/self/status: a number, never n/a.
        assertThat(r.out()).containsPattern(" load_edges_per_s=\\d+ heap_bytes_per_edge=\\d+\\.\\d\\d "
                + "rss_bytes_per_edge=\\d+\\.\\d\\d output=");
    }

    @Test
    void summaryIsOneParsableKeyValueLine() {
        Cli.Result r = Cli.run("run", "-a", "pr", "-g", Cli.graphalytics().resolve("pr-directed").toString(), "-o", dir.resolve("pr").toString());

        assertThat(r.out().lines()).hasSize(1);
        for (String pair : r.out().strip().split(" ")) {
            assertThat(pair).matches("[a-z_]+=\\S+");
        }
        assertThat(r.out()).contains("algo=pagerank ", "vertices=50 ", "edges=246 ", "supersteps=15 ");
    }

    @Test
    void snapEdgeListWithCommentsAndTabsIsRead() throws IOException {
        Path edges = Files.writeString(dir.resolve("edges.txt"), "# FromNodeId\tToNodeId\n% another comment\n1\t2\n2 3\n10\t1\n");
        Path out = dir.resolve("bfs");

        Cli.Result r = Cli.run("run", "-a", "bfs", "-g", edges.toString(), "--directed", "--source", "1", "-o", out.toString());

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(Files.readAllLines(out)).containsExactly("1 0", "2 1", "3 2", "10 9223372036854775807");
    }

    @Test
    void commandLineOptionsOverrideTheProperties() throws IOException {
        Path out = dir.resolve("bfs");

        Cli.Result r = Cli.run("run", "-a", "bfs", "-g", Cli.graphalytics().resolve("example-directed").toString(),
                "--source", "2", "--undirected", "-o", out.toString());

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(Files.readAllLines(out)).contains("2 0", "1 2");
    }

    // ---- bad input: exit 2, one line naming the file/line/option and the fix, no output file ----

    private Path graph(String name, String vertices, String edges) throws IOException {
        if (vertices != null) {
            Files.writeString(dir.resolve(name + ".v"), vertices);
        }
        if (edges != null) {
            Files.writeString(dir.resolve(name + ".e"), edges);
        }
        return dir.resolve(name);
    }

    /** Runs the command and checks the rules every bad input must follow; returns the message line. */
    private String badInput(String... args) throws IOException {
        List<String> before = filesIn(dir);
        Cli.Result r = Cli.run(args);
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
        assertThat(r.errLines()).as(r.toString()).hasSize(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).startsWith("graphagent: ").doesNotContain("Exception", "\tat ");
        assertThat(filesIn(dir)).as("no output or temporary file is left").isEqualTo(before);
        return r.err().strip();
    }

    private String badRun(Path graph, String algorithm, String... extra) throws IOException {
        String[] base = {"run", "-a", algorithm, "-g", graph.toString(), "-o", dir.resolve("out").toString()};
        String[] args = Stream.concat(Stream.of(base), Stream.of(extra)).toArray(String[]::new);
        return badInput(args);
    }

    @Test
    void missingGraphFilesAreNamed() throws IOException {
        assertThat(badRun(dir.resolve("nothing"), "bfs", "--directed", "--source", "1"))
                .contains("nothing.e", "Fix:");
        Path noVertices = graph("nov", null, "1 2\n");
        assertThat(badRun(noVertices, "bfs", "--directed", "--source", "1")).contains("nov.v", "not found", "Fix:");
        Path noEdges = graph("noe", "1\n2\n", null);
        assertThat(badRun(noEdges, "bfs", "--directed", "--source", "1")).contains("noe.e", "not found", "Fix:");
    }

    @Test
    void anEmptyVertexFileIsRefusedButAGraphOfVerticesOnlyIsValid() throws IOException {
        assertThat(badRun(graph("empty-v", "", "1 2\n"), "bfs", "--directed", "--source", "1")).contains("empty-v.v", "Fix:");
        Path out = dir.resolve("wcc");
        Cli.Result r = Cli.run("run", "-a", "wcc", "-g", graph("empty-e", "1\n2\n", "").toString(), "--directed",
                "-o", out.toString());
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(Files.readAllLines(out)).containsExactly("1 1", "2 2");
        Path edgeList = Files.writeString(dir.resolve("none.txt"), "# no edges\n");
        assertThat(badInput("run", "-a", "wcc", "-g", edgeList.toString(), "--directed", "-o", out.toString() + "2"))
                .contains("no edges", "Fix:");
    }

    @Test
    void aFourthColumnIsRefusedNotIgnored() throws IOException {
        assertThat(badRun(graph("g", "1\n2\n3\n", "1 2\n2 3 0.5 7\n"), "bfs", "--directed", "--source", "1"))
                .contains("g.e:2:", "more than 3 fields", "Fix:");
        Path out = dir.resolve("bfs");
        Cli.Result weightsUnused = Cli.run("run", "-a", "bfs", "-g", graph("w", "1\n2\n", "1 2 0.5\n").toString(),
                "--directed", "--source", "1", "-o", out.toString());
        assertThat(weightsUnused.exitCode()).as("a weight column is fine for bfs: " + weightsUnused).isZero();
    }

    @Test
    void ssspOnAGraphWhosePropertiesDeclareNoWeightsIsRefused() throws IOException {
        Path g = graph("nw", "1\n2\n", "1 2 0.5\n");
        Files.writeString(dir.resolve("nw.properties"), "graph.nw.directed = true\n");
        assertThat(badRun(g, "sssp", "--source", "1")).contains("sssp needs edge weights, but", "nw.properties declares"
                + " none (graph.nw.edge-properties.names)", "Fix:");
    }

    @Test
    void nonNumericIdNamesFileAndLine() throws IOException {
        assertThat(badRun(graph("g", "1\n2\n3\n", "1 2\nx 3\n"), "bfs", "--directed", "--source", "1"))
                .contains("g.e:2:", "'x'", "Fix:");
    }

    @Test
    void negativeIdNamesFileAndLine() throws IOException {
        assertThat(badRun(graph("g", "1\n-2\n3\n", "1 3\n"), "bfs", "--directed", "--source", "1"))
                .contains("g.v:2:", "negative", "Fix:");
        assertThat(badRun(graph("h", "1\n2\n", "1 -2\n"), "bfs", "--directed", "--source", "1"))
                .contains("h.e:1:", "negative", "Fix:");
    }

    @Test
    void missingColumnNamesFileAndLine() throws IOException {
        assertThat(badRun(graph("g", "1\n2\n3\n", "1 2\n3\n"), "bfs", "--directed", "--source", "1"))
                .contains("g.e:2:", "missing", "Fix:");
    }

    @ParameterizedTest
    @ValueSource(strings = {"NaN", "-0.5", "Infinity", "inf"})
    void badSsspWeightNamesFileAndLine(String weight) throws IOException {
        assertThat(badRun(graph("w", "1\n2\n3\n", "1 2 0.5\n2 3 " + weight + "\n"), "sssp", "--directed", "--source", "1"))
                .contains("w.e:2:", weight, "Fix:");
    }

    @Test
    void missingWeightForSsspNamesFileAndLine() throws IOException {
        assertThat(badRun(graph("w", "1\n2\n3\n", "1 2 0.5\n2 3\n"), "sssp", "--directed", "--source", "1"))
                .contains("w.e:2:", "weight", "Fix:");
    }

    @Test
    void edgeNamingAVertexAbsentFromTheVertexFile() throws IOException {
        assertThat(badRun(graph("g", "1\n2\n", "1 2\n2 9\n"), "bfs", "--directed", "--source", "1"))
                .contains("g.e:2:", "9", "g.v", "Fix:");
    }

    @Test
    void unknownAlgorithmListsTheChoices() throws IOException {
        assertThat(badRun(graph("g", "1\n2\n", "1 2\n"), "pagerankk", "--directed"))
                .contains("--algorithm", "pagerankk", "bfs, pagerank, wcc, cdlp, lcc, sssp");
    }

    @Test
    void sourceVertexNotInTheGraph() throws IOException {
        assertThat(badRun(graph("g", "1\n2\n", "1 2\n"), "bfs", "--directed", "--source", "99"))
                .contains("source vertex 99", "g.v", "Fix:");
    }

    @Test
    void missingSourceAsksForSource() throws IOException {
        assertThat(badRun(graph("g", "1\n2\n", "1 2\n"), "sssp", "--directed")).contains("--source", "Fix:");
    }

    @Test
    void missingDirectednessAsksForTheOption() throws IOException {
        Path edges = Files.writeString(dir.resolve("edges.txt"), "1 2\n");
        assertThat(badRun(edges, "wcc")).contains("--directed or --undirected");
    }

    @Test
    void outputDirectoryThatIsAFileIsRefusedBeforeLoading() throws IOException {
        Path g = graph("g", "1\n2\n", "1 2\n");
        Files.writeString(dir.resolve("plain"), "x");
        String message = badInput("run", "-a", "wcc", "-g", g.toString(), "--directed", "-o", dir.resolve("plain/out").toString());
        assertThat(message).contains(dir.resolve("plain").toString(), "not a directory", "Fix:");
    }

    @Test
    void missingOutputDirectoryIsNamed() throws IOException {
        Path g = graph("g", "1\n2\n", "1 2\n");
        String message = badInput("run", "-a", "wcc", "-g", g.toString(), "--directed", "-o", dir.resolve("nodir/out").toString());
        assertThat(message).contains(dir.resolve("nodir").toString(), "does not exist", "mkdir -p");
    }

    @Test
    void outputDirectoryWithoutWritePermissionIsRefused() throws IOException {
        assumeFalse("root".equals(System.getProperty("user.name")), "root writes through permission bits; see the regular-file case");
        Path g = graph("g", "1\n2\n", "1 2\n");
        Path locked = Files.createDirectory(dir.resolve("locked"));
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            String message = badInput("run", "-a", "wcc", "-g", g.toString(), "--directed", "-o", locked.resolve("out").toString());
            assertThat(message).contains(locked.toString(), "not writable", "Fix:");
        } finally {
            Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @Test
    void anExistingOutputIsKeptWithoutOverwriteAndReplacedWithIt() throws IOException {
        Path g = graph("g", "1\n2\n", "1 2\n");
        Path out = Files.writeString(dir.resolve("out"), "earlier result\n");

        String message = badInput("run", "-a", "wcc", "-g", g.toString(), "--directed", "-o", out.toString());

        assertThat(message).isEqualTo("graphagent: " + out + ": already exists. Fix: pass --overwrite to replace it,"
                + " or choose another output path");
        assertThat(Files.readString(out)).isEqualTo("earlier result\n");
        Cli.Result r = Cli.run("run", "-a", "wcc", "-g", g.toString(), "--directed", "-o", out.toString(), "--overwrite");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(Files.readAllLines(out)).containsExactly("1 1", "2 1");
    }

    @Test
    void theGraphsOwnFileIsNeverAnOutputEvenWithOverwrite() throws IOException {
        Path g = graph("g", "1\n2\n", "1 2\n");

        String message = badInput("run", "-a", "wcc", "-g", g.toString(), "--directed", "-o", dir.resolve("g.e").toString(),
                "--overwrite");

        assertThat(message).contains("g.e: is an input of the same job", "Fix:");
        assertThat(Files.readString(dir.resolve("g.e"))).isEqualTo("1 2\n");
    }

    @Test
    void aFifoAsOutputIsRefusedAndStaysAFifo() throws Exception {
        Path g = graph("g", "1\n2\n", "1 2\n");
        Path fifo = dir.resolve("pipe");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();

        String message = badInput("run", "-a", "wcc", "-g", g.toString(), "--directed", "-o", fifo.toString(), "--overwrite");

        assertThat(message).contains("pipe: is a FIFO (named pipe), not a regular file", "Fix:");
        assertThat(Files.isRegularFile(fifo)).isFalse();
    }

    @Test
    void partitionsAndIterationsPastTheirBoundsAreRefusedBeforeLoading() throws IOException {
        Path g = graph("g", "1\n2\n", "1 2\n");
        assertThat(badInput("run", "-a", "pr", "-g", g.toString(), "--directed", "--partitions", "2000000000", "-o",
                dir.resolve("out").toString())).isEqualTo("graphagent: --partitions 2000000000 is more than the 1024 a graph"
                        + " is cut into. Fix: pass --partitions 1024 or fewer");
        assertThat(badInput("run", "-a", "pr", "-g", g.toString(), "--directed", "--iterations", "2000000000", "-o",
                dir.resolve("out").toString())).contains("--iterations 2000000000 is more than the 100000 iterations");
    }

    @Test
    void optionThatDoesNotApplyIsRefused() throws IOException {
        assertThat(badRun(graph("g", "1\n2\n", "1 2\n"), "wcc", "--directed", "--source", "1")).contains("--source", "wcc");
    }

    @Test
    void debugAddsTheStackTrace() throws IOException {
        Path g = graph("g", "1\n2\n", "1 x\n");
        Cli.Result r = Cli.run("run", "--debug", "-a", "wcc", "-g", g.toString(), "--directed", "-o", dir.resolve("out").toString());

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).startsWith("graphagent: ").contains("GraphInputException", "\tat ");
    }

    @Test
    void bareGraphagentIsBadUsageAndVersionAndExitCodesAreEverywhere() {
        Cli.Result bare = Cli.run();
        assertThat(bare.exitCode()).isEqualTo(2);
        assertThat(bare.err()).contains("Usage: graphagent", "graphagent: no command given");

        Cli.Result version = Cli.run("run", "--version");
        assertThat(version.exitCode()).isZero();
        assertThat(version.out()).startsWith("graphagent ");

        assertThat(Cli.run("--help").out()).contains("Exit codes:", "  3   cluster commands only");
        assertThat(Cli.run("log-level", "--help").out()).containsOnlyOnce("xit codes");
    }

    @Test
    void everyCommandHasHelpWithExitCodes() {
        for (String[] command : List.of(new String[] {}, new String[] {"run"}, new String[] {"generate"},
                new String[] {"generate", "rmat"}, new String[] {"demo"})) {
            String[] args = Stream.concat(Stream.of(command), Stream.of("--help")).toArray(String[]::new);
            Cli.Result r = Cli.run(args);
            assertThat(r.exitCode()).as(String.join(" ", args)).isZero();
            assertThat(r.out()).contains("Usage: graphagent", "Exit codes:", "0   ok", "1   failure while running", "2   bad usage or bad input");
        }
    }

    static List<String> filesIn(Path d) throws IOException {
        try (Stream<Path> s = Files.walk(d)) {
            return s.map(p -> d.relativize(p).toString()).sorted().toList();
        }
    }
}
