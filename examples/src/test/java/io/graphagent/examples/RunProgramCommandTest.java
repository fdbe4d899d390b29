package io.graphagent.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.graphagent.cli.Main;
import io.graphagent.graph.csr.Graph;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code graphagent run --program examples.jar --class ...}, in-process through the real command
 * line: the examples packed into a jar as a user's build would, then run, and the ways a user
 * can get it wrong refused with a one-line message naming what is wrong.
 */
class RunProgramCommandTest {
    private static final String UNDIRECTED = Graphs.graphalytics("example-undirected").toString();

    @TempDir
    static Path dir;
    static Path jar;

    @BeforeAll
    static void packExamples() throws IOException {
        Path classes = Path.of(Hits.class.getProtectionDomain().getCodeSource().getLocation().getPath());
        jar = dir.resolve("examples.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
             Stream<Path> files = Files.walk(classes)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(file).toString().replace('\\', '/')));
                Files.copy(file, out);
                out.closeEntry();
            }
        }
    }

    record Outcome(int code, String out, String err) {
    }

    private static Outcome graphagent(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cmd = Main.commandLine(args);
        cmd.setOut(new PrintWriter(out));
        cmd.setErr(new PrintWriter(err));
        int code = cmd.execute(args);
        return new Outcome(code, out.toString(), err.toString());
    }

    @Test
    void kCoreFromAJarWritesTheCorenessTheEngineComputes() throws Exception {
        Path output = dir.resolve("kcore.txt");
        Outcome run = graphagent("run", "--program", jar.toString(), "--class", KCore.class.getName(), "--graph", UNDIRECTED,
                "--undirected", "--threads", "2", "--output", output.toString());
        assertThat(run.err()).isEmpty();
        assertThat(run.code()).isZero();
        assertThat(run.out()).startsWith("algo=" + KCore.class.getName() + " ").contains("output=" + output);

        Graph graph = Graphs.load(Path.of(UNDIRECTED), false);
        var program = new KCore();
        io.graphagent.graph.kernels.ProgramRegistry.configure(program,
                new io.graphagent.graph.kernels.ParameterMap(java.util.Map.of()), "KCore");
        long[] coreness = io.graphagent.graph.pregel.PregelEngine.run(graph, program,
                new io.graphagent.graph.pregel.EngineOptions(1, 1), io.graphagent.graph.pregel.ProgressListener.NONE).longs()[0];
        List<String> expected = new ArrayList<>();
        for (int v = 0; v < graph.numVertices(); v++) {
            expected.add(graph.originalId(v) + " " + coreness[v]);
        }
        assertThat(Files.readAllLines(output)).containsExactlyElementsOf(expected);
    }

    @Test
    void hitsTakesItsParameterAndPrintsTwoValuesPerVertex() throws Exception {
        Path output = dir.resolve("hits.txt");
        Outcome run = graphagent("run", "--program", jar.toString(), "--class", Hits.class.getName(), "--param", "iterations=3",
                "--graph", UNDIRECTED, "--undirected", "--output", output.toString());
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out()).contains(" supersteps=8 ");
        assertThat(Files.readAllLines(output)).allMatch(line -> line.split(" ").length == 3);
    }

    @Test
    void maxSuperstepsCapsAProgram() {
        Outcome run = graphagent("run", "--program", jar.toString(), "--class", Hits.class.getName(), "--max-supersteps", "3",
                "--graph", UNDIRECTED, "--undirected", "--output", dir.resolve("capped.txt").toString());
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out()).contains(" supersteps=3 ");
    }

    @Test
    void aFileThatIsNotAJarIsRefusedNamingIt() throws IOException {
        Path notJar = Files.writeString(dir.resolve("program.jar"), "not a zip");
        assertRefused(graphagent("run", "--program", notJar.toString(), "--class", KCore.class.getName(), "--graph", UNDIRECTED,
                "--undirected", "--output", dir.resolve("x.txt").toString()), notJar + " is not a jar");
    }

    @Test
    void programFlagsThatDoNotGoTogetherAreRefusedBeforeAnythingIsRead() {
        String out = dir.resolve("x.txt").toString();
        assertRefused(graphagent("run", "--algorithm", "pagerank", "--program", jar.toString(), "--class", KCore.class.getName(),
                "--graph", UNDIRECTED, "--undirected", "--output", out), "--algorithm and --program both given");
        assertRefused(graphagent("run", "--program", jar.toString(), "--graph", UNDIRECTED, "--undirected", "--output", out),
                "--program needs --class");
        assertRefused(graphagent("run", "--program", jar.toString(), "--class", KCore.class.getName(), "--iterations", "3",
                "--graph", UNDIRECTED, "--undirected", "--output", out),
                "--source, --iterations and --damping are flags of the built-in kernels");
    }

    @Test
    void aMissingClassIsRefusedNamingIt() {
        assertRefused(graphagent("run", "--program", jar.toString(), "--class", "io.graphagent.examples.NoSuch", "--graph",
                UNDIRECTED, "--undirected", "--output", dir.resolve("x.txt").toString()),
                "class io.graphagent.examples.NoSuch is not in " + jar);
    }

    @Test
    void aClassOnlyOnGraphagentsOwnClassPathIsNotTakenForOneInTheJar() throws IOException {
        Path failing = failingJar();
        assertRefused(graphagent("run", "--program", failing.toString(), "--class", Hits.class.getName(), "--graph",
                UNDIRECTED, "--undirected", "--output", dir.resolve("x.txt").toString()),
                "class " + Hits.class.getName() + " is not in " + failing);
    }

    @Test
    void aClassThatIsNotAProgramIsRefusedNamingIt() {
        assertRefused(graphagent("run", "--program", jar.toString(), "--class", Neighbours.class.getName(), "--graph",
                UNDIRECTED, "--undirected", "--output", dir.resolve("x.txt").toString()),
                "class " + Neighbours.class.getName() + " in " + jar + " does not implement io.graphagent.api.VertexProgram");
    }

    @Test
    void anIllTypedParameterIsRefusedNamingTheKey() {
        assertRefused(graphagent("run", "--program", jar.toString(), "--class", Hits.class.getName(), "--param",
                "iterations=many", "--graph", UNDIRECTED, "--undirected", "--output", dir.resolve("x.txt").toString()),
                "parameter 'iterations' = 'many' is not a whole number");
    }

    @Test
    void anUnknownParameterIsRefusedNamingTheKey() {
        assertRefused(graphagent("run", "--program", jar.toString(), "--class", KCore.class.getName(), "--param", "k=3",
                "--graph", UNDIRECTED, "--undirected", "--output", dir.resolve("x.txt").toString()),
                "parameter 'k' is not one " + KCore.class.getName() + " reads");
    }

    @Test
    void aMissingRequiredParameterIsRefusedNamingTheKey() throws IOException {
        assertRefused(graphagent("run", "--program", failingJar().toString(), "--class", FailingProgram.class.getName(),
                "--graph", UNDIRECTED, "--undirected", "--output", dir.resolve("x.txt").toString()),
                "parameter 'at' is required but not given: pass --param at=VALUE");
    }

    @Test
    void anExceptionInComputeFailsTheRunWithItsMessageAndNoStackTrace() throws IOException {
        Path output = dir.resolve("failed.txt");
        Outcome run = graphagent("run", "--program", failingJar().toString(), "--class", FailingProgram.class.getName(),
                "--param", "at=1", "--graph", UNDIRECTED, "--undirected", "--output", output.toString());
        assertThat(run.code()).isEqualTo(1);
        assertThat(run.err().strip()).matches("graphagent: program " + FailingProgram.class.getName().replace(".", "\\.")
                + " failed at vertex \\d+ in superstep 1: java\\.lang\\.IllegalStateException: boom in superstep 1");
        assertThat(output).doesNotExist();
    }

    /** A jar holding only {@link FailingProgram}, from the test classes. */
    private static Path failingJar() throws IOException {
        Path classes = Path.of(FailingProgram.class.getProtectionDomain().getCodeSource().getLocation().getPath());
        Path failing = dir.resolve("failing.jar");
        String entry = FailingProgram.class.getName().replace('.', '/') + ".class";
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(failing))) {
            out.putNextEntry(new JarEntry(entry));
            Files.copy(classes.resolve(entry), out);
            out.closeEntry();
        }
        return failing;
    }

    private static void assertRefused(Outcome run, String message) {
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).startsWith("graphagent: ").contains(message).doesNotContain("\tat ").doesNotContain("Exception");
        assertThat(run.err().strip().lines().count()).isEqualTo(1);
    }
}
