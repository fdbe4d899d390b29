package io.graphagent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.graphagent.protocol.v1.AgentStatus;
import io.graphagent.protocol.v1.JobProgress;
import io.graphagent.protocol.v1.JobState;
import io.graphagent.protocol.v1.JobStatus;
import io.graphagent.protocol.v1.StatusReply;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fault scenario "kill the coordinator mid-job and restart it": a coordinator and three
 * agents as real processes; the coordinator is SIGKILLed after a checkpoint of a PageRank job and
 * started again on the same state directory and ports. The agents reconnect as new sessions (with
 * epochs above every old one), the job resumes from its last checkpoint, and its output equals the
 * single-process engine's line by line; `graphagent submit`, started before the kill, follows the job
 * through the restart to its summary.
 */
class CoordinatorRestartTest {
    private static final Duration START = Duration.ofSeconds(60);
    private static final int PARTITIONS = 12;
    private static final int ITERATIONS = 30;
    private static final int CHECKPOINT_EVERY = 5;
    private static final Pattern RESUMED_AT = Pattern.compile("resumed at superstep (\\d+)");

    @TempDir
    Path dir;

    @Test
    @Timeout(180)
    void sigkilledCoordinatorRestartsAndTheJobResumesFromItsLastCheckpoint() throws Exception {
        PageRankReference reference = PageRankReference.rmat(dir, 12, ITERATIONS, PARTITIONS);
        Path output = dir.resolve("pr.txt");
        LocalState state = new LocalState(dir.resolve("state"));
        StringWriter log = new StringWriter();
        JobProgress last = null;
        int checkpointReloaded;
        int superstepBefore;
        java.time.Instant killedAt;
        try (LocalCluster cluster = LocalCluster.prepare(state, 3, 0, false, new PrintWriter(log, true),
                LocalCommand.jvmOptions())) {
            // Agents retry at least every second while the coordinator is away (lan: up to 10 s), so they
            // are back soon after it restarts; everything else is the lan profile.
            cluster.environment(Map.of("GRAPHAGENT_SESSION_RECONNECT_MAX", "1s"));
            cluster.startCoordinator(START);
            cluster.startAgents();
            cluster.awaitAlive(START);

            // `graphagent submit` as a user runs it: it must follow the job through the restart.
            String jobId = "job-1";
            ExecutorService submitter = Executors.newSingleThreadExecutor();
            Future<Cli.Result> submit = submitter.submit(() -> Cli.run("submit", "--state-dir", state.dir().toString(),
                    "--algorithm", "pagerank", "--graph", reference.prefix().toString(), "--directed",
                    "--iterations", Integer.toString(ITERATIONS), "--damping", Double.toString(PageRankReference.DAMPING),
                    "--partitions", Integer.toString(PARTITIONS), "--checkpoint-every", Integer.toString(CHECKPOINT_EVERY),
                    "--output", output.toString()));
            submitter.shutdown();
            Map<String, Long> epochsBefore;
            int checkpointBefore;
            try (CoordinatorClient client = cluster.client()) {
                // Superstep 12 done: the checkpoint after superstep 9 is complete and recorded.
                Awaitility.await().atMost(START).pollInterval(Duration.ofMillis(50)).until(() -> {
                    assertThat(submit).as("submit ended early").isNotDone();
                    return client.status(false).getJobsList().stream().anyMatch(j -> j.getJobId().equals(jobId)
                            && j.getState() == JobState.RUNNING && j.getSuperstep() >= 12);
                });
                StatusReply before = client.status(true);
                epochsBefore = before.getAgentsList().stream()
                        .collect(Collectors.toMap(AgentStatus::getAgentId, AgentStatus::getEpoch));
                checkpointBefore = job(before, jobId).getLastCheckpointSuperstep();
                superstepBefore = job(before, jobId).getSuperstep();
            }
            assertThat(checkpointBefore).as("a checkpoint was complete before the kill").isGreaterThanOrEqualTo(9);

            Process coordinator = cluster.child("coordinator").orElseThrow().process();
            killedAt = java.time.Instant.now();
            coordinator.destroyForcibly();
            assertThat(coordinator.waitFor(10, TimeUnit.SECONDS)).as("coordinator killed").isTrue();
            cluster.restartCoordinator(START);

            try (CoordinatorClient client = cluster.client()) {
                // Reloaded from the state directory at once, before any agent is back.
                JobStatus reloaded = job(client.status(true), jobId);
                assertThat(reloaded.getState()).as(reloaded.getMessage()).isIn(JobState.RECOVERING, JobState.RUNNING,
                        JobState.WRITING_OUTPUT, JobState.SUCCEEDED);
                checkpointReloaded = reloaded.getLastCheckpointSuperstep();
                assertThat(checkpointReloaded).as("the recorded checkpoint").isGreaterThanOrEqualTo(checkpointBefore);

                Awaitility.await().atMost(START).until(() -> client.status(false).getAgentsList().stream()
                        .filter(a -> a.getState() == io.graphagent.protocol.v1.AgentState.ALIVE).count() == 3);
                for (AgentStatus agent : client.status(false).getAgentsList()) {
                    assertThat(agent.getEpoch()).as("epoch of %s after the restart", agent.getAgentId())
                            .isGreaterThan(epochsBefore.values().stream().mapToLong(Long::longValue).max().orElseThrow());
                }

                for (Iterator<JobProgress> progress = client.watch(jobId); progress.hasNext(); ) {
                    last = progress.next();
                }
            }
            Cli.Result submitted = submit.get(START.toSeconds(), TimeUnit.SECONDS);
            assertThat(submitted.exitCode()).as(submitted.toString()).isZero();
            assertThat(submitted.err()).as(submitted.toString())
                    .contains("graphagent: lost the coordinator while watching job " + jobId);
            assertThat(submitted.out()).as(submitted.toString()).contains("job=" + jobId).containsPattern(" recoveries=[1-9]");
        }
        assertThat(last).isNotNull();
        assertThat(last.getState()).as(last.getMessage() + "\n" + log).isEqualTo(JobState.SUCCEEDED);
        assertThat(last.getSummary().getRecoveries()).as("the restart counts as a recovery").isGreaterThanOrEqualTo(1);
        reference.assertEngineWrites(output);

        CoordinatorEvents events = CoordinatorEvents.read(state);
        assertThat(events.all(e -> e.kind().equals("coordinator_restarted"))).as(events.describe()).hasSize(1);
        CoordinatorEvents.Event resumed = events.all(e -> e.kind().equals("job_resumed")).stream().findFirst()
                .orElseThrow(() -> new AssertionError("no job_resumed event:" + events.describe()));
        Matcher at = RESUMED_AT.matcher(resumed.detail());
        assertThat(at.find()).as(resumed.detail()).isTrue();
        assertThat(Integer.parseInt(at.group(1))).as("resumed from a checkpoint, not from the start")
                .isGreaterThan(0).isEqualTo(checkpointReloaded + 1);
        try (var left = Files.list(state.checkpoints())) {
            assertThat(left).as("checkpoints removed after the job").isEmpty();
        }
        new FaultFigures("SIGKILL the coordinator mid-job, restart it on its state dir, PageRank RMAT-12", Optional.empty(),
                Optional.of(Duration.between(killedAt, resumed.time())), Math.max(0, superstepBefore - checkpointReloaded),
                "recovery = kill to job_resumed, incl. the new coordinator's JVM start and the agents' reconnect").record();
    }

    private static JobStatus job(StatusReply status, String jobId) {
        return status.getJobsList().stream().filter(j -> j.getJobId().equals(jobId)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + jobId + " in status: " + status.getJobsList()));
    }
}
