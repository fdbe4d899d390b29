package io.graphagent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.graphagent.graph.kernels.Algorithm;
import io.graphagent.graph.kernels.KernelParameters;
import io.graphagent.protocol.v1.JobProgress;
import io.graphagent.protocol.v1.JobState;
import io.graphagent.protocol.v1.SubmitReply;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The promise for every kernel (PageRank has its own test, {@link AgentKilledMidJobTest}): on a
 * coordinator and three agents as real processes, an agent is SIGKILLed in the middle of the
 * job, right after a superstep's barrier while the next superstep runs; it is DEAD within a
 * second, the job recovers on the survivors and writes exactly the single-process engine's
 * result. The killed agent is started again (a new process, same name) before the next kernel,
 * so each kernel loses a different agent of a full cluster.
 */
class EveryKernelSurvivesSigkillTest {
    private static final Duration START = Duration.ofSeconds(120);
    private static final int PARTITIONS = 12;
    private static final int LAYERS = 60;

    @TempDir
    Path dir;

    /** A kernel, and the superstep after whose barrier the agent dies (well before the job's end). */
    private record Case(Algorithm algorithm, KernelParameters parameters, int killAfter) {
    }

    @Test
    @Timeout(400)
    void eachKernelLosesAnAgentMidSuperstepAndStillWritesTheFaultFreeResult() throws Exception {
        Path graph = KernelReference.layeredGraph(dir, LAYERS, 120, 11);
        // BFS, SSSP and WCC run about LAYERS supersteps on this graph; CDLP its 30 iterations;
        // LCC two supersteps, the second (counting triangles over ~1.4M messages) the long one.
        List<Case> cases = List.of(
                new Case(Algorithm.BFS, new KernelParameters(1, 0, 0), 10),
                new Case(Algorithm.WCC, new KernelParameters(-1, 0, 0), 10),
                new Case(Algorithm.SSSP, new KernelParameters(1, 0, 0), 10),
                new Case(Algorithm.CDLP, new KernelParameters(-1, 30, 0), 6),
                new Case(Algorithm.LCC, new KernelParameters(-1, 0, 0), 0));
        StringWriter log = new StringWriter();
        LocalState state = new LocalState(dir.resolve("state"));
        try (LocalCluster cluster = LocalCluster.prepare(state, 3, 0, false, new PrintWriter(log, true),
                LocalCommand.jvmOptions())) {
            cluster.startCoordinator(START);
            cluster.startAgents();
            cluster.awaitAlive(START);
            for (int i = 0; i < cases.size(); i++) {
                Case c = cases.get(i);
                String victim = "agent-" + (1 + i % 3);
                KernelReference reference = new KernelReference(graph, false, c.algorithm(), c.parameters(), PARTITIONS);
                Path output = dir.resolve(c.algorithm().cliName() + ".txt");
                Instant killedAt = null;
                String jobId;
                JobProgress last = null;
                int lastBeforeRecovery = -1;
                boolean recovering = false;
                try (CoordinatorClient client = cluster.client()) {
                    SubmitReply reply = client.submit(reference.request(output, 5));
                    assertThat(reply.getErrorsList()).as(c.algorithm().name()).isEmpty();
                    jobId = reply.getJobId();
                    Iterator<JobProgress> progress = client.watch(reply.getJobId());
                    while (progress.hasNext()) {
                        last = progress.next();
                        recovering |= last.getState() == JobState.RECOVERING;
                        if (last.getState() == JobState.RECOVERING && !last.getMessage().isEmpty()) {
                            System.out.println("kernel=" + c.algorithm().cliName() + " recovering: " + last.getMessage());
                        }
                        if (last.getState() == JobState.RUNNING && !recovering) {
                            lastBeforeRecovery = last.getSuperstep();
                        }
                        if (killedAt == null && last.getState() == JobState.RUNNING && last.getSuperstep() >= c.killAfter()
                                && last.getMessages() > 0 && (!structure(c) || firstCheckpointDone(client, jobId))) {
                            killedAt = Instant.now();
                            ProcessHandle.of(cluster.child(victim).orElseThrow().pid()).orElseThrow().destroyForcibly();
                        }
                    }
                }
                assertThat(killedAt).as(c.algorithm() + ": " + victim + " killed mid-job").isNotNull();
                assertThat(last.getState()).as(c.algorithm() + ": " + last.getMessage() + "\n" + log).isEqualTo(JobState.SUCCEEDED);
                assertThat(last.getSummary().getRecoveries()).as(c.algorithm() + " recoveries").isGreaterThanOrEqualTo(1);
                assertThat(last.getSummary().getAgents()).as(c.algorithm() + " agents at the end").isEqualTo(2);
                // LCC's job can end within the exit probe's ~250 ms after the kill: wait for the DEAD it brings.
                CoordinatorEvents events = CoordinatorEvents.awaitDead(state, victim, killedAt, Duration.ofSeconds(10));
                CoordinatorEvents.Event dead = events.deadAfter(victim, killedAt);
                assertThat(dead.cause()).as(c.algorithm() + events.describe()).isEqualTo("process_exited");
                assertThat(Duration.between(killedAt, dead.time())).as(c.algorithm() + " detection latency")
                        .isLessThan(Duration.ofSeconds(1));
                reference.assertEngineWrites(output);
                // Once the first checkpoint (after superstep 4) is complete the lost partitions come from their structure
                // files; before it (LCC, killed in superstep 0) there are none yet and the input is loaded again.
                boolean structure = structure(c);
                assertThat(events.all(e -> e.jobBecame("RUNNING") && e.detail().startsWith(jobId + ": ")
                        && e.detail().contains("partitions rebuilt from their structure files")))
                        .as(c.algorithm() + " resumed on structure files" + events.describe()).hasSize(structure ? 1 : 0);
                FaultFigures.ofLoss("SIGKILL an agent mid-superstep, " + c.algorithm().name() + " on a " + LAYERS
                        + "-layer graph (checkpoint every 5)", events, dead, killedAt, lastBeforeRecovery,
                        "DEAD by process_exited, " + last.getSummary().getRecoveries() + " recoveries, "
                                + last.getSuperstep() + " supersteps").record();
                try (var left = Files.list(state.dir().resolve("checkpoints"))) {
                    assertThat(left).as(c.algorithm() + ": checkpoints removed after the job").isEmpty();
                }
                // The next kernel starts on a full cluster again: the victim comes back as a new process
                // (after the last kernel nothing runs on it, so no start is spent there).
                if (i < cases.size() - 1) {
                    cluster.startAgent(victim, cluster.coordinatorAddress());
                    cluster.awaitAlive(START);
                }
            }
        }
    }

    /** Whether the agent dies after the first checkpoint (after superstep 4), so the recovery has structure files. */
    private static boolean structure(Case c) {
        return c.killAfter() >= 5;
    }

    /**
     * Whether the first checkpoint is complete: the agents write it while the next supersteps run,
     * and the coordinator counts it once every writer answered, a few supersteps later on a loaded machine.
     */
    private static boolean firstCheckpointDone(CoordinatorClient client, String jobId) {
        return client.status(false).getJobsList().stream()
                .anyMatch(j -> j.getJobId().equals(jobId) && j.hasLastCheckpointSuperstep());
    }
}
