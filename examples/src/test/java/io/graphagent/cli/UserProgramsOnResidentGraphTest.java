package io.graphagent.cli;

import static io.graphagent.cli.UserProgramsOnClusterTest.graphagent;
import static io.graphagent.cli.UserProgramsOnClusterTest.jarOf;
import static io.graphagent.cli.UserProgramsOnClusterTest.sorted;
import static org.assertj.core.api.Assertions.assertThat;

import io.graphagent.cli.UserProgramsOnClusterTest.Outcome;
import io.graphagent.examples.AddsWeights;
import io.graphagent.examples.Hits;
import io.graphagent.graph.generate.RmatGenerator;
import io.graphagent.protocol.v1.JobProgress;
import io.graphagent.protocol.v1.JobSpec;
import io.graphagent.protocol.v1.JobState;
import io.graphagent.protocol.v1.JobStatus;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
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
 * User programs on a resident graph over a real cluster (a coordinator and 3 agents, one start
 * for the class; the graph loaded once with 2 replicas of each of 6 partitions):
 * {@code submit --program --graph-name} attaches the resident partitions, reads no input and
 * writes exactly what {@code run --program} writes (HITS); a program that needs edge weights is
 * refused at Submit on the unweighted graph, naming it and the fix; an agent killed mid-job
 * makes the job attach its partitions on their other live replicas and roll back to a
 * checkpoint, and the result is still exact; the coordinator SIGKILLed mid-job and started again
 * on its state directory reloads the job, which waits for the graph to restore, attaches its
 * partitions again and ends exact, the user's {@code submit} following it through the restart.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class UserProgramsOnResidentGraphTest {
    /** Bound on the cluster's start: agents took over 2 minutes to join on a machine at load 60-80. */
    private static final Duration START = Duration.ofMinutes(5);
    private static final String NAME = "rmat";
    private static final String PARTITIONS = "6";

    private Path dir;
    private Path state;
    private LocalCluster cluster;
    private final StringWriter log = new StringWriter();
    private Path graph;
    private Path examplesJar;
    private Path weightsJar;

    @BeforeAll
    void startClusterAndLoad(@TempDir Path tmp) throws Exception {
        dir = tmp;
        graph = dir.resolve("rmat-9");
        RmatGenerator.generate(new RmatGenerator.Parameters(9, 8, 7, false), graph, 1, RmatGenerator.Progress.NONE);
        examplesJar = jarOf(Hits.class, dir.resolve("examples.jar"), null);
        weightsJar = jarOf(AddsWeights.class, dir.resolve("weights.jar"), List.of(AddsWeights.class.getName()));
        state = dir.resolve("state");
        cluster = LocalCluster.prepare(new LocalState(state), 3, 0, false, new PrintWriter(log, true),
                LocalCommand.jvmOptions());
        // Agents retry at least every second while the coordinator is away (lan: up to 10 s), as in CoordinatorRestartTest.
        cluster.environment(Map.of("GRAPHAGENT_SESSION_RECONNECT_MAX", "1s"));
        cluster.startCoordinator(START);
        cluster.startAgents();
        cluster.awaitAlive(START);
        Outcome load = graphagent("graph", "load", "--state-dir", state.toString(), "--name", NAME, "--graph",
                graph.toString(), "--directed", "--replicas", "2", "--partitions", PARTITIONS, "--timeout", "2m");
        assertThat(load.code()).as(load + "\n" + log).isZero();
        assertThat(load.out()).contains(NAME, "READY");
    }

    @AfterAll
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    @Timeout(240)
    void hitsOnTheResidentGraphReadsNoInputAndWritesExactlyWhatRunWrites() throws Exception {
        // The input moved away while the job runs: a job that read it would fail.
        Path moved = Files.createDirectories(dir.resolve("moved"));
        List<String> files = List.of(".v", ".e");
        Path out = dir.resolve("hits-resident.txt");
        Outcome submit;
        try {
            for (String ext : files) {
                Files.move(input(ext), moved.resolve(graph.getFileName() + ext));
            }
            submit = graphagent("submit", "--state-dir", state.toString(), "--program", examplesJar.toString(),
                    "--class", Hits.class.getName(), "--param", "iterations=6", "--graph-name", NAME,
                    "--output", out.toString());
        } finally {
            for (String ext : files) {
                Files.move(moved.resolve(graph.getFileName() + ext), input(ext));
            }
        }
        assertThat(submit.code()).as(submit + "\n" + log).isZero();
        assertThat(submit.out()).startsWith("algo=" + Hits.class.getName() + " ")
                .contains("input_bytes_read=0 ", "partitions=" + PARTITIONS + " ", "edges_shipped=0 ");
        assertThat(ClusterRuns.log(state, "coordinator")).containsPattern("event=graph_attached job=\\S+ graph=" + NAME + " ");

        List<String> engine = engineHits(6, dir.resolve("hits-run.txt"));
        assertThat(engine).hasSize(1 << 9);
        assertThat(sorted(out)).as("HITS on the resident graph, line by line, vs run --program's").containsExactlyElementsOf(engine);
        for (int a = 1; a <= 3; a++) {
            assertThat(ClusterRuns.log(state, "agent-" + a)).as("agent-%d opened the program for the attached job and closed it after", a)
                    .contains("event=program_loaded", "event=program_unloaded");
        }
    }

    @Test
    @Order(2)
    @Timeout(120)
    void aProgramNeedingEdgeWeightsIsRefusedOnTheUnweightedGraphNamingItAndTheFix() throws Exception {
        Outcome refused = graphagent("submit", "--state-dir", state.toString(), "--program", weightsJar.toString(),
                "--class", AddsWeights.class.getName(), "--graph-name", NAME,
                "--output", dir.resolve("never.txt").toString());
        assertThat(refused.code()).as(refused.toString()).isEqualTo(2);
        assertThat(refused.err()).as(refused.toString())
                .contains("graph_name: the resident graph " + NAME + " holds no edge weights, which "
                        + AddsWeights.class.getName() + " needs")
                .contains("EdgeTransform.ADD_WEIGHT")
                .contains("Fix: load a graph whose properties name a weight")
                .doesNotContain("submitted");
        assertThat(dir.resolve("never.txt")).doesNotExist();
        for (int a = 1; a <= 3; a++) {
            assertThat(ClusterRuns.log(state, "agent-" + a)).as("no agent saw the refused job").doesNotContain(AddsWeights.class.getName());
        }
    }

    @Test
    @Order(3)
    @Timeout(300)
    void anAgentKilledMidJobIsRecoveredOnTheOtherReplicasToTheSameResult() throws Exception {
        int iterations = 150;
        Path out = dir.resolve("hits-recovered.txt");
        JobSpec job = JobSpec.newBuilder().setProgram(ProgramUpload.describe(examplesJar, Hits.class.getName()))
                .putProgramParameters("iterations", Integer.toString(iterations)).setGraphName(NAME)
                .setCheckpointEvery(4).setOutputPath(out.toAbsolutePath().toString()).build();
        JobProgress last = ClusterRuns.killingUnder(cluster, job, "agent-3", 20);
        String jobId = last.getJobId();
        assertThat(last.getState()).as(last.getMessage() + "\n" + log).isEqualTo(JobState.SUCCEEDED);
        assertThat(last.getSummary().getRecoveries()).isGreaterThanOrEqualTo(1);
        assertThat(last.getSummary().getInputBytesRead()).as("recovered without reading the input").isZero();
        String coordinator = ClusterRuns.log(state, "coordinator");
        assertThat(coordinator).containsPattern("event=job_recovered job=" + jobId + " epoch=\\d+ resume_superstep=[1-9]");
        assertThat(Pattern.compile("event=graph_attached job=" + jobId + " ").matcher(coordinator).results().count())
                .as("attached again after the loss, on the survivors' replicas").isGreaterThanOrEqualTo(2);

        assertThat(sorted(out)).as("hub and authority of every vertex after the rollback")
                .containsExactlyElementsOf(engineHits(iterations, dir.resolve("hits-recovered-run.txt")));
    }

    @Test
    @Order(4)
    @Timeout(300)
    void aCoordinatorRestartedMidJobReloadsTheJobWhichAttachesAgainAndEndsExact() throws Exception {
        // 82 supersteps: the restart comes at superstep 10 or later, well before the end.
        int iterations = 40;
        Path out = dir.resolve("hits-restarted.txt");
        // `graphagent submit` as a user runs it: it must follow the job through the restart.
        ExecutorService submitter = Executors.newSingleThreadExecutor();
        Future<Outcome> submit = submitter.submit(() -> graphagent("submit", "--state-dir", state.toString(),
                "--program", examplesJar.toString(), "--class", Hits.class.getName(), "--param", "iterations=" + iterations,
                "--graph-name", NAME, "--checkpoint-every", "4", "--output", out.toString()));
        submitter.shutdown();
        String jobId;
        try (CoordinatorClient client = cluster.client()) {
            // Superstep 10 running: the checkpoint of superstep 7 at least is recorded.
            jobId = Awaitility.await().atMost(START).pollInterval(Duration.ofMillis(50)).until(() -> {
                assertThat(submit).as("submit ended early").isNotDone();
                return client.status(false).getJobsList().stream().filter(j -> j.getSpec().getGraphName().equals(NAME)
                        && j.getState() == JobState.RUNNING && j.getSuperstep() >= 10).map(JobStatus::getJobId).findFirst();
            }, Optional::isPresent).orElseThrow();
        }
        Process coordinator = cluster.child("coordinator").orElseThrow().process();
        coordinator.destroyForcibly();
        assertThat(coordinator.waitFor(30, TimeUnit.SECONDS)).as("coordinator killed").isTrue();
        cluster.restartCoordinator(START);

        Outcome submitted = submit.get(START.toSeconds(), TimeUnit.SECONDS);
        assertThat(submitted.code()).as(submitted + "\n" + log).isZero();
        assertThat(submitted.err()).contains("lost the coordinator while watching job " + jobId);
        assertThat(submitted.out()).as(submitted.toString()).contains("job=" + jobId, "input_bytes_read=0 ",
                "edges_shipped=0 ").containsPattern(" recoveries=[1-9]");
        assertThat(ClusterRuns.log(state, "coordinator")).as("the restarted coordinator's log")
                .containsPattern("event=graph_attached job=" + jobId + " graph=" + NAME + " ");
        assertThat(sorted(out)).as("HITS across the coordinator's restart, line by line, vs run --program's")
                .containsExactlyElementsOf(engineHits(iterations, dir.resolve("hits-restarted-run.txt")));
    }

    /** HITS by the single-process engine ({@code run --program}) on the same graph and cut, sorted. */
    private List<String> engineHits(int iterations, Path output) throws IOException {
        Outcome run = graphagent("run", "--program", examplesJar.toString(), "--class", Hits.class.getName(),
                "--param", "iterations=" + iterations, "--graph", graph.toString(), "--directed", "--threads", "2",
                "--partitions", PARTITIONS, "--output", output.toString());
        assertThat(run.code()).as(run.toString()).isZero();
        return sorted(output);
    }

    private Path input(String ext) {
        return graph.resolveSibling(graph.getFileName() + ext);
    }
}
