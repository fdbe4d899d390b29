package io.graphagent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.graphagent.examples.FailingProgram;
import io.graphagent.examples.Hits;
import io.graphagent.examples.NeverHalts;
import io.graphagent.graph.generate.RmatGenerator;
import io.graphagent.graph.program.JarStore;
import io.graphagent.protocol.v1.AgentState;
import io.graphagent.protocol.v1.AgentStatus;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * User programs on a cluster of real processes (a coordinator and 3 agents, one start for the
 * class): {@code graphagent submit --program} with the examples jar writes exactly what
 * {@code graphagent run --program} writes (HITS: two doubles per vertex); a second job with the
 * same jar fetches nothing; a program that throws fails its job with PROGRAM_ERROR, the vertex,
 * the superstep and its own frames, while every agent stays ALIVE and runs the next job; a
 * program that never halts ends at --max-supersteps; and what cannot run is refused at Submit,
 * before any agent sees it. KCore and TriangleCount on the cluster equal independent references
 * (JGraphT's Coreness, a plain triangle count), as they do on the engine (ExampleProgramsTest).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class UserProgramsOnClusterTest {
    private static final Duration START = Duration.ofSeconds(120);
    private static final int AGENTS = 3;
    private static final String PARTITIONS = "4";

    private Path dir;
    private Path state;
    private LocalCluster cluster;
    private final StringWriter log = new StringWriter();
    private Path graph;
    private Path examplesJar;
    private Path testJar;

    @BeforeAll
    void startCluster(@TempDir Path tmp) throws Exception {
        dir = tmp;
        graph = dir.resolve("rmat-9");
        RmatGenerator.generate(new RmatGenerator.Parameters(9, 8, 5, false), graph, 1, RmatGenerator.Progress.NONE);
        examplesJar = jarOf(Hits.class, dir.resolve("examples.jar"), null);
        testJar = jarOf(FailingProgram.class, dir.resolve("test-programs.jar"),
                List.of(FailingProgram.class.getName(), NeverHalts.class.getName()));
        state = dir.resolve("state");
        cluster = LocalCluster.prepare(new LocalState(state), AGENTS, 0, false, new PrintWriter(log, true),
                LocalCommand.jvmOptions());
        cluster.startCoordinator(START);
        cluster.startAgents();
        cluster.awaitAlive(START);
    }

    @AfterAll
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    @Timeout(180)
    void hitsOnTheClusterWritesExactlyWhatRunWritesAndEveryAgentFetchesTheJarOnce() throws Exception {
        Path clusterOut = dir.resolve("hits-cluster.txt");
        Outcome submit = submitHits(clusterOut);
        assertThat(submit.code()).as(submit + "\n" + log).isZero();
        assertThat(submit.out()).startsWith("algo=" + Hits.class.getName() + " ");
        assertThat(submit.err()).contains("sha256=" + JarStore.sha256(examplesJar) + " uploaded");

        Path engineOut = dir.resolve("hits-run.txt");
        Outcome run = graphagent("run", "--program", examplesJar.toString(), "--class", Hits.class.getName(),
                "--param", "iterations=6", "--graph", graph.toString(), "--directed", "--threads", "2",
                "--partitions", PARTITIONS, "--output", engineOut.toString());
        assertThat(run.code()).as(run.toString()).isZero();
        List<String> engine = sorted(engineOut);
        assertThat(engine).hasSize(1 << 9);
        assertThat(engine.get(0)).matches("\\d+ \\S+ \\S+");
        assertThat(sorted(clusterOut)).as("the cluster's HITS output, line by line, vs run --program's")
                .containsExactlyElementsOf(engine);

        String sha = JarStore.sha256(examplesJar);
        assertThat(count(coordinatorLog(), "event=program_sent job=\\S+ sha256=" + sha)).as("one fetch per agent")
                .isEqualTo(AGENTS);
        assertThat(coordinatorLog()).contains("event=program_stored sha256=" + sha);
        for (int a = 1; a <= AGENTS; a++) {
            assertThat(agentLog(a)).contains("event=program_fetched");
            assertThat(agentLog(a)).contains("event=program_unloaded");
        }
    }

    @Test
    @Order(2)
    @Timeout(180)
    void aSecondJobWithTheSameJarFetchesNothing() throws Exception {
        String sha = JarStore.sha256(examplesJar);
        Outcome again = submitHits(dir.resolve("hits-again.txt"));
        assertThat(again.code()).as(again + "\n" + log).isZero();
        assertThat(again.err()).contains("sha256=" + sha + " (the coordinator held it already)");
        assertThat(sorted(dir.resolve("hits-again.txt"))).containsExactlyElementsOf(sorted(dir.resolve("hits-cluster.txt")));
        assertThat(count(coordinatorLog(), "event=program_sent job=\\S+ sha256=" + sha)).as("no agent fetched it again")
                .isEqualTo(AGENTS);
        for (int a = 1; a <= AGENTS; a++) {
            assertThat(count(agentLog(a), "event=program_cache_hit job=\\S+ sha256=" + sha)).isEqualTo(1);
        }
    }

    @Test
    @Order(3)
    @Timeout(180)
    void whatCannotRunIsRefusedAtSubmitBeforeAnyAgentSeesIt() throws Exception {
        Path notAJar = Files.writeString(dir.resolve("notes.jar"), "not a zip");
        assertRefused(submit(notAJar, Hits.class.getName()), "program jar " + notAJar + " is not a jar");
        assertRefused(submit(examplesJar, "com.example.Missing"),
                "job refused: program: class com.example.Missing is not in ");
        assertRefused(submit(examplesJar, "io.graphagent.examples.Neighbours"),
                "job refused: program: class io.graphagent.examples.Neighbours in ");
        assertRefused(submit(examplesJar, Hits.class.getName(), "--param", "iterations=many"),
                "job refused: parameters: parameter 'iterations' = 'many' is not a whole number (long)");
        assertRefused(submit(examplesJar, Hits.class.getName(), "--param", "iterations=0"),
                "job refused: parameters: iterations must be 1..1000000, got 0");
        assertRefused(submit(testJar, FailingProgram.class.getName()),
                "job refused: parameters: parameter 'at' is required but not given: pass --param at=VALUE");
        assertRefused(submit(examplesJar, Hits.class.getName(), "--param", "iterationz=3"),
                "job refused: parameters: parameter 'iterationz' is not one " + Hits.class.getName() + " reads");
        for (int a = 1; a <= AGENTS; a++) {
            assertThat(agentLog(a)).doesNotContain("com.example.Missing").doesNotContain("iterationz");
        }
    }

    @Test
    @Order(4)
    @Timeout(180)
    void aProgramThatThrowsFailsItsJobNotTheAgentsAndTheNextJobRuns() throws Exception {
        Path out = dir.resolve("failing.txt");
        Outcome failed = submit(testJar, FailingProgram.class.getName(), "--param", "at=2", "--output", out.toString());
        assertThat(failed.code()).as(failed + "\n" + log).isEqualTo(1);
        assertThat(failed.err())
                .containsPattern("FAILED: PROGRAM_ERROR: agent agent-\\d: vertex program threw at vertex \\d+ in superstep 2 on"
                        + " agent agent-\\d:")
                .contains("java.lang.IllegalStateException: boom in superstep 2")
                .containsPattern("\n\tat (graphagent-program//)?" + Pattern.quote(FailingProgram.class.getName())
                        + "\\.compute\\(FailingProgram\\.java:\\d+\\)\n")
                .doesNotContain("io.graphagent.graph.pregel.ComputeLoop");
        assertThat(out).doesNotExist();

        Outcome events = graphagent("events", "--state-dir", state.toString());
        assertThat(events.code()).as(events.toString()).isZero();
        assertThat(events.out()).contains("PROGRAM_ERROR").contains("boom in superstep 2");

        try (CoordinatorClient client = cluster.client()) {
            List<AgentStatus> agents = client.status(false).getAgentsList();
            assertThat(agents).hasSize(AGENTS).allSatisfy(s -> assertThat(s.getState()).isEqualTo(AgentState.ALIVE));
        }
        Outcome next = submitHits(dir.resolve("hits-after-failure.txt"));
        assertThat(next.code()).as(next + "\n" + log).isZero();
        assertThat(sorted(dir.resolve("hits-after-failure.txt"))).containsExactlyElementsOf(sorted(dir.resolve("hits-cluster.txt")));
    }

    @Test
    @Order(5)
    @Timeout(180)
    void aProgramThatNeverHaltsEndsAtMaxSupersteps() throws Exception {
        Path out = dir.resolve("never.txt");
        Outcome capped = submit(testJar, NeverHalts.class.getName(), "--max-supersteps", "7", "--output", out.toString());
        assertThat(capped.code()).as(capped + "\n" + log).isZero();
        assertThat(capped.out()).contains(" supersteps=7 ");
        assertThat(Files.readAllLines(out)).hasSize(1 << 9).allSatisfy(line -> assertThat(line).endsWith(" 6"));
    }

    @Test
    @Order(5)
    @Timeout(180)
    void aProgramThatNeverHaltsIsEndedByCancel() throws Exception {
        io.graphagent.protocol.v1.JobSpec job = io.graphagent.protocol.v1.JobSpec.newBuilder()
                .setProgram(ProgramUpload.describe(testJar, NeverHalts.class.getName()))
                .setGraph(graph.toAbsolutePath().toString()).setDirected(true).setPartitions(Integer.parseInt(PARTITIONS))
                .setMaxSupersteps(1_000_000).setOutputPath(dir.resolve("never-cancelled.txt").toString()).build();
        io.graphagent.protocol.v1.JobProgress last = null;
        try (CoordinatorClient client = cluster.client()) {
            var reply = client.submit(io.graphagent.protocol.v1.SubmitRequest.newBuilder().setJob(job).build());
            assertThat(reply.getErrorsList()).isEmpty();
            boolean cancelled = false;
            for (var progress = client.watch(reply.getJobId()); progress.hasNext(); ) {
                last = progress.next();
                if (!cancelled && last.getState() == io.graphagent.protocol.v1.JobState.RUNNING && last.getSuperstep() >= 3) {
                    cancelled = true;
                    Outcome cancel = graphagent("cancel", "--state-dir", state.toString(), reply.getJobId());
                    assertThat(cancel.code()).as(cancel.toString()).isZero();
                }
            }
        }
        assertThat(last.getState()).as(last.getMessage()).isEqualTo(io.graphagent.protocol.v1.JobState.CANCELLED);
        assertThat(dir.resolve("never-cancelled.txt")).doesNotExist();
    }

    @Test
    @Order(6)
    @Timeout(300)
    void anAgentKilledUnderHitsIsRecoveredFromCheckpointsOfBothFieldsToTheSameResult() throws Exception {
        int iterations = 150;
        Path out = dir.resolve("hits-recovered.txt");
        io.graphagent.protocol.v1.JobSpec job = io.graphagent.protocol.v1.JobSpec.newBuilder()
                .setProgram(ProgramUpload.describe(examplesJar, Hits.class.getName()))
                .putProgramParameters("iterations", Integer.toString(iterations))
                .setGraph(graph.toAbsolutePath().toString()).setDirected(true).setPartitions(Integer.parseInt(PARTITIONS))
                .setCheckpointEvery(4).setOutputPath(out.toAbsolutePath().toString()).build();
        io.graphagent.protocol.v1.JobProgress last = ClusterRuns.killingUnder(cluster, job, "agent-3", 20);
        assertThat(last.getState()).as(last.getMessage() + "\n" + log).isEqualTo(io.graphagent.protocol.v1.JobState.SUCCEEDED);
        assertThat(last.getSummary().getRecoveries()).isGreaterThanOrEqualTo(1);
        assertThat(coordinatorLog()).containsPattern("event=job_recovered job=\\S+ epoch=\\d+ resume_superstep=[1-9]")
                .as("the lost partitions were rebuilt from their structure files with the program reopened, not reloaded")
                .containsPattern("event=job_recovered job=\\S+ .*recovery_source=structure");

        Path engineOut = dir.resolve("hits-recovered-run.txt");
        Outcome run = graphagent("run", "--program", examplesJar.toString(), "--class", Hits.class.getName(),
                "--param", "iterations=" + iterations, "--graph", graph.toString(), "--directed", "--threads", "2",
                "--partitions", PARTITIONS, "--output", engineOut.toString());
        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(sorted(out)).as("hub and authority of every vertex after the rollback").containsExactlyElementsOf(sorted(engineOut));
    }

    @Test
    @Order(8)
    @Timeout(240)
    void kCoreAndTriangleCountOnTheClusterEqualIndependentReferences() throws Exception {
        io.graphagent.graph.csr.Graph g = io.graphagent.examples.Graphs.load(graph, false);
        List<java.util.TreeSet<Integer>> adj = io.graphagent.examples.Graphs.simpleUndirected(g);
        org.jgrapht.graph.SimpleGraph<Integer, org.jgrapht.graph.DefaultEdge> reference =
                new org.jgrapht.graph.SimpleGraph<>(org.jgrapht.graph.DefaultEdge.class);
        for (int v = 0; v < adj.size(); v++) {
            reference.addVertex(v);
        }
        long[] triangles = new long[adj.size()];
        for (int u = 0; u < adj.size(); u++) {
            for (int v : adj.get(u).tailSet(u, false)) {
                reference.addEdge(u, v);
                for (int w : adj.get(v).tailSet(v, false)) {
                    if (adj.get(u).contains(w)) {
                        triangles[u]++;
                        triangles[v]++;
                        triangles[w]++;
                    }
                }
            }
        }
        java.util.Map<Integer, Integer> coreness = new org.jgrapht.alg.scoring.Coreness<>(reference).getScores();
        List<String> expectedCores = new java.util.ArrayList<>();
        List<String> expectedTriangles = new java.util.ArrayList<>();
        for (int v = 0; v < g.numVertices(); v++) {
            expectedCores.add(g.originalId(v) + " " + coreness.get(v));
            expectedTriangles.add(g.originalId(v) + " " + triangles[v]);
        }
        assertThat(coreness.values()).as("the graph has a core beyond 2").anyMatch(k -> k > 2);
        assertThat(java.util.Arrays.stream(triangles).sum()).as("the graph has triangles").isPositive();

        for (var program : List.of(java.util.Map.entry(io.graphagent.examples.KCore.class, expectedCores),
                java.util.Map.entry(io.graphagent.examples.TriangleCount.class, expectedTriangles))) {
            Path out = dir.resolve(program.getKey().getSimpleName() + "-cluster.txt");
            Outcome submit = graphagent("submit", "--state-dir", state.toString(), "--program", examplesJar.toString(),
                    "--class", program.getKey().getName(), "--graph", graph.toString(), "--undirected", "--partitions",
                    PARTITIONS, "--output", out.toString());
            assertThat(submit.code()).as(submit + "\n" + log).isZero();
            assertThat(sorted(out)).as("%s on the cluster against the independent reference", program.getKey().getSimpleName())
                    .containsExactlyElementsOf(program.getValue().stream().sorted().toList());
        }
    }

    private Outcome submitHits(Path output) {
        return submit(examplesJar, Hits.class.getName(), "--param", "iterations=6", "--output", output.toString());
    }

    private Outcome submit(Path jar, String className, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("submit", "--state-dir", state.toString(), "--program",
                jar.toString(), "--class", className, "--graph", graph.toString(), "--directed", "--partitions", PARTITIONS));
        args.addAll(List.of(more));
        if (!args.contains("--output")) {
            args.addAll(List.of("--output", dir.resolve("unused-" + System.nanoTime() + ".txt").toString()));
        }
        return graphagent(args.toArray(String[]::new));
    }

    private static void assertRefused(Outcome outcome, String message) {
        assertThat(outcome.code()).as(outcome.toString()).isEqualTo(2);
        assertThat(outcome.err()).as(outcome.toString()).contains(message).doesNotContain("submitted").doesNotContain("\tat ");
    }

    record Outcome(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\n--- out\n" + out + "--- err\n" + err;
        }
    }

    static Outcome graphagent(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cmd = Main.commandLine(args);
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        int code = cmd.execute(args);
        return new Outcome(code, out.toString(), err.toString());
    }

    private String coordinatorLog() throws IOException {
        return ClusterRuns.log(state, "coordinator");
    }

    private String agentLog(int agent) throws IOException {
        return ClusterRuns.log(state, "agent-" + agent);
    }

    private static int count(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    static List<String> sorted(Path file) throws IOException {
        return Files.readAllLines(file).stream().sorted().toList();
    }

    /** A jar of the classes under {@code of}'s class directory: all of them, or only {@code only}. */
    static Path jarOf(Class<?> of, Path jar, List<String> only) throws IOException {
        Path classes = Path.of(of.getProtectionDomain().getCodeSource().getLocation().getPath());
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
             Stream<Path> files = Files.walk(classes)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String entry = classes.relativize(file).toString().replace('\\', '/');
                if (only != null && only.stream().noneMatch(c -> entry.equals(c.replace('.', '/') + ".class"))) {
                    continue;
                }
                out.putNextEntry(new JarEntry(entry));
                Files.copy(file, out);
                out.closeEntry();
            }
        }
        return jar;
    }
}
