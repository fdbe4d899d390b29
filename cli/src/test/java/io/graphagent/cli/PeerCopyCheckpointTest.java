package io.graphagent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.graphagent.protocol.v1.JobProgress;
import io.graphagent.protocol.v1.JobState;
import io.graphagent.protocol.v1.SubmitReply;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoints that survive the loss of the agent that wrote them without a shared disk
 * ({@code job.checkpoint-storage: peer-copy}): a coordinator and three agent processes, each
 * agent with its own work directory; agent-2 is SIGKILLed mid-job and its work directory
 * deleted (the disk is gone). The survivors fetch agent-2's partitions from the copies their
 * peers keep, and the job writes exactly the single-process result.
 */
class PeerCopyCheckpointTest {
    private static final java.time.Duration START = java.time.Duration.ofSeconds(120);
    private static final int PARTITIONS = 12;
    private static final int ITERATIONS = 20;
    private static final int CHECKPOINT_EVERY = 5;

    @TempDir
    Path dir;

    @Test
    @Timeout(240)
    void aKilledAgentWhoseDiskIsGoneIsRestoredFromThePeersCopies() throws Exception {
        LocalState state = new LocalState(dir.resolve("state"));
        PageRankReference reference = PageRankReference.rmat(dir, 12, ITERATIONS, PARTITIONS);
        Path output = dir.resolve("pr.txt");
        StringWriter log = new StringWriter();
        JobProgress last = null;
        String jobId;
        boolean killed = false;
        java.time.Instant killedAt = null;
        int killedAfter = -1;
        boolean hadLocalCheckpoints = false;
        try (LocalCluster cluster = LocalCluster.prepare(state, 3, 0, false, new PrintWriter(log, true),
                LocalCommand.jvmOptions())) {
            cluster.environment(Map.of("GRAPHAGENT_JOB_CHECKPOINT_STORAGE", "peer-copy"));
            cluster.startCoordinator(START);
            cluster.startAgents();
            cluster.awaitAlive(START);
            try (CoordinatorClient client = cluster.client()) {
                SubmitReply reply = client.submit(reference.request(output, CHECKPOINT_EVERY));
                assertThat(reply.getErrorsList()).isEmpty();
                jobId = reply.getJobId();
                Iterator<JobProgress> progress = client.watch(jobId);
                while (progress.hasNext()) {
                    last = progress.next();
                    if (!killed && last.getState() == JobState.RUNNING && last.getSuperstep() >= 10) {
                        killed = true;
                        killedAt = java.time.Instant.now();
                        killedAfter = last.getSuperstep();
                        ProcessHandle victim = ProcessHandle.of(cluster.child("agent-2").orElseThrow().pid()).orElseThrow();
                        victim.destroyForcibly();
                        victim.onExit().get(30, TimeUnit.SECONDS);
                        Path disk = state.agentDir("agent-2");
                        hadLocalCheckpoints = Files.isDirectory(disk.resolve("checkpoints").resolve("agent-2").resolve(jobId));
                        deleteRecursively(disk);
                    }
                }
            }
        }
        assertThat(killed).as("agent-2 was killed mid-job").isTrue();
        assertThat(last.getState()).as(last.getMessage() + "\n" + log).isEqualTo(JobState.SUCCEEDED);
        assertThat(last.getSummary().getRecoveries()).isGreaterThanOrEqualTo(1);
        assertThat(last.getSummary().getAgents()).isEqualTo(2);
        reference.assertEngineWrites(output);

        assertThat(hadLocalCheckpoints).as("agent-2 wrote its checkpoints in its own work directory").isTrue();
        String coordinator = read(state.log("coordinator"));
        assertThat(coordinator).contains("event=checkpoint_complete job=" + jobId).contains("storage=peer-copy");
        assertThat(coordinator).as("rolled back to a checkpoint, not to superstep 0")
                .containsPattern("event=job_recovered job=" + jobId + " epoch=\\d+ resume_superstep=[1-9]");
        String survivors = read(state.log("agent-1")) + read(state.log("agent-3"));
        assertThat(survivors).contains("event=checkpoint_copied job=" + jobId);
        assertThat(survivors).as("a survivor fetched agent-2's partitions from the peer that kept the copy")
                .contains("event=checkpoint_fetched job=" + jobId);
        assertThat(coordinator).as("the lost partitions were built from the structure copies on the survivors")
                .containsPattern("event=job_recovered job=" + jobId + " .* recovery_source=structure")
                .doesNotContain("event=structure_unavailable");
        assertThat(survivors).as("a survivor fetched agent-2's structure files from the peer that kept the copy")
                .containsPattern("event=checkpoint_fetched job=" + jobId + " superstep=2147483647")
                .contains("event=job_rebuilt job=" + jobId + " source=structure");
        assertThat(state.checkpoints()).as("nothing in the shared directory").doesNotExist();
        for (String agent : new String[] {"agent-1", "agent-3"}) {
            assertThat(state.agentDir(agent).resolve("checkpoints").resolve(agent).resolve(jobId))
                    .as(agent + "'s checkpoints and copies removed at the end of the job").doesNotExist();
        }
        CoordinatorEvents events = CoordinatorEvents.read(state);
        java.time.Instant from = killedAt;
        FaultFigures.ofLoss("SIGKILL an agent and delete its disk, peer-copy checkpoints, PageRank RMAT-12", events,
                events.deadAfter("agent-2", from), from, killedAfter, "restored from the copies on its peers").record();
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8);
    }

    private static void deleteRecursively(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
