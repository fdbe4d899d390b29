package io.graphagent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.graphagent.protocol.v1.JobProgress;
import io.graphagent.protocol.v1.JobState;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The promise: a coordinator and three agents as real processes; one agent is SIGKILLed (or
 * SIGSTOPped until its lease runs out) in the middle of a PageRank job; the job recovers from
 * its last checkpoint on the two survivors and writes exactly the fault-free result. Both
 * scenarios run on one cluster (started once for the class): each begins by starting again any
 * agent an earlier scenario killed, so it loses an agent of a full cluster of three.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AgentKilledMidJobTest {
    private static final Duration START = Duration.ofSeconds(120);
    private static final int PARTITIONS = 12;
    private static final int ITERATIONS = 60;

    /** One directory for the class: the shared cluster lives across methods. */
    @TempDir
    static Path dir;
    /** The three-agent cluster the SIGKILL and SIGSTOP scenarios share, started by the first that runs. */
    private LocalCluster shared;
    private LocalState sharedState;
    private final StringWriter sharedLog = new StringWriter();
    private int jobs;

    @AfterAll
    void stopSharedCluster() {
        if (shared != null) {
            shared.close();
        }
    }

    @Test
    @Timeout(300)
    void sigkilledAgentCostsOnlyTimeAndTheResultEqualsTheFaultFreeOne() throws Exception {
        long[] victim = {-1};
        java.time.Instant[] killedAt = {null};
        WatchedJob outcome = runPageRankWith((cluster, progress) -> {
            if (victim[0] < 0 && progress.getSuperstep() >= 12) {
                victim[0] = cluster.child("agent-2").orElseThrow().pid();
                killedAt[0] = java.time.Instant.now();
                ProcessHandle.of(victim[0]).orElseThrow().destroyForcibly();
            }
        }, cluster -> { });
        assertThat(victim[0]).as("the agent was killed mid-job").isPositive();
        assertThat(outcome.last().getSummary().getAgents()).isEqualTo(2);
        // A dead process is DEAD within a second (its data port refuses the exit probe), not at lease end.
        CoordinatorEvents events = sharedEvents();
        CoordinatorEvents.Event dead = events.deadAfter("agent-2", killedAt[0]);
        assertThat(dead.cause()).as(events.describe()).isEqualTo("process_exited");
        assertThat(Duration.between(killedAt[0], dead.time())).as("detection latency").isLessThan(Duration.ofSeconds(1));
        // The lost partitions came from their structure files: the input was read once, by the first load.
        assertThat(events.all(e -> e.jobBecame("RUNNING") && e.detail().contains("after losing agent-2; partitions rebuilt"
                + " from their structure files)"))).as(events.describe()).hasSize(1);
        long input = Files.size(dir.resolve("rmat-12.v")) + Files.size(dir.resolve("rmat-12.e"));
        assertThat(outcome.last().getSummary().getInputBytesRead()).as("input bytes read over the job").isEqualTo(input);
        FaultFigures.ofLoss("SIGKILL an agent mid-superstep, PageRank RMAT-12 (checkpoint every 5)", events, dead,
                killedAt[0], outcome.lastBeforeRecovery(), "DEAD by process_exited").record();
    }

    @Test
    @Timeout(300)
    void pausedAgentIsDeclaredDeadAndTheJobGoesOnWithoutItsStaleState() throws Exception {
        long[] paused = {-1};
        java.time.Instant[] pausedAt = {null};
        WatchedJob outcome = runPageRankWith((cluster, progress) -> {
            if (paused[0] < 0 && progress.getSuperstep() >= 12) {
                paused[0] = cluster.child("agent-3").orElseThrow().pid();
                pausedAt[0] = java.time.Instant.now();
                Signals.send("STOP", paused[0]);
            }
        }, cluster -> {
            // Woken after its lease ran out, the agent learns it is fenced and joins again as new.
            Signals.send("CONT", paused[0]);
            try (CoordinatorClient client = cluster.client()) {
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> client.status(false)
                        .getAgentsList().stream().anyMatch(a -> a.getAgentId().equals("agent-3")
                                && a.getState() == io.graphagent.protocol.v1.AgentState.ALIVE));
            }
        });
        assertThat(paused[0]).as("the agent was paused mid-job").isPositive();
        assertThat(outcome.last().getSummary().getAgents()).isEqualTo(2);
        CoordinatorEvents events = sharedEvents();
        CoordinatorEvents.Event dead = events.deadAfter("agent-3", pausedAt[0]);
        assertThat(dead.cause()).as(events.describe()).isEqualTo("lease_expired");
        FaultFigures.ofLoss("SIGSTOP an agent for 2 x lease, then SIGCONT, PageRank RMAT-12 (lease 5 s)", events, dead,
                pausedAt[0], outcome.lastBeforeRecovery(), "fenced on waking, rejoined as new").record();
    }

    /**
     * A job that needs two agents ({@code job.min-agents: 2}) loses one of its two: no agent
     * joins within {@code job.agent-wait}, so the job fails with a message naming the keys,
     * leaves no output file and removes its checkpoints.
     */
    @Test
    @Timeout(300)
    void jobLeftWithFewerAgentsThanItNeedsFailsCleanlyAfterTheWait() throws Exception {
        boolean[] killed = {false};
        Run run = runPageRank(2, java.util.Map.of("GRAPHAGENT_JOB_MIN_AGENTS", "2", "GRAPHAGENT_JOB_AGENT_WAIT", "2s"),
                (cluster, progress) -> {
                    if (!killed[0] && progress.getSuperstep() >= 6) {
                        killed[0] = true;
                        ProcessHandle.of(cluster.child("agent-2").orElseThrow().pid()).orElseThrow().destroyForcibly();
                    }
                }, cluster -> { });
        JobProgress last = run.outcome().last();
        Path output = run.output();
        assertThat(killed[0]).as("an agent was killed mid-job").isTrue();
        assertThat(last.getState()).as(run.log()).isEqualTo(JobState.FAILED);
        assertThat(last.getMessage()).contains("needs at least 2 (job.min-agents)").contains("(job.agent-wait)");
        assertThat(Files.exists(output)).as("no output file").isFalse();
        try (var left = Files.list(dir.resolve("state-min-agents").resolve("checkpoints"))) {
            assertThat(left).as("checkpoints removed after the job").isEmpty();
        }
    }

    /** What the test does to the cluster each time the job reports progress. */
    @FunctionalInterface
    private interface Fault {
        void onProgress(LocalCluster cluster, JobProgress progress) throws Exception;
    }

    /** What the test does once the job has ended, before the cluster stops. */
    @FunctionalInterface
    private interface After {
        void afterJob(LocalCluster cluster) throws Exception;
    }

    /**
     * Runs PageRank on the shared cluster of 3 agent processes (checkpoint every 5 supersteps),
     * applying {@code fault} while it runs; asserts the job succeeded after at least one
     * recovery and that its output equals the single-process engine's.
     */
    private WatchedJob runPageRankWith(Fault fault, After after) throws Exception {
        LocalCluster cluster = sharedCluster();
        PageRankReference reference = PageRankReference.rmat(dir, 12, ITERATIONS, PARTITIONS);
        Path output = dir.resolve("pr-" + ++jobs + ".txt");
        WatchedJob outcome = runJob(cluster, reference, output, fault);
        after.afterJob(cluster);
        JobProgress last = outcome.last();
        assertThat(last.getState()).as(last.getMessage() + "\n" + sharedLog).isEqualTo(JobState.SUCCEEDED);
        assertThat(last.getSummary().getRecoveries()).isGreaterThanOrEqualTo(1);
        reference.assertEngineWrites(output);
        try (var left = Files.list(sharedState.dir().resolve("checkpoints"))) {
            assertThat(left).as("checkpoints removed after the job").isEmpty();
        }
        return outcome;
    }

    /**
     * The shared cluster with all three agents ALIVE: started at the first call; an agent an
     * earlier scenario killed is started again (a new process, same name).
     */
    private LocalCluster sharedCluster() throws Exception {
        if (shared == null) {
            sharedState = new LocalState(dir.resolve("state"));
            shared = LocalCluster.prepare(sharedState, 3, 0, false, new PrintWriter(sharedLog, true),
                    LocalCommand.jvmOptions());
            shared.startCoordinator(START);
            shared.startAgents();
        } else {
            for (int n = 1; n <= 3; n++) {
                String name = "agent-" + n;
                if (shared.child(name).map(c -> !c.alive()).orElse(true)) {
                    shared.startAgent(name, shared.coordinatorAddress());
                }
            }
        }
        shared.awaitAlive(START);
        return shared;
    }

    /** The shared cluster's event log as it is now. */
    private CoordinatorEvents sharedEvents() {
        return CoordinatorEvents.read(sharedState);
    }

    /** What {@link #runPageRank} ran and saw: the job's reference and output file, its outcome, and the cluster's log. */
    private record Run(PageRankReference reference, Path output, WatchedJob outcome, String log) {
    }

    /**
     * Runs PageRank (checkpoint every 5 supersteps) on a local cluster of {@code agents} agent
     * processes of its own (beside the shared one) with {@code env} for every process, applying {@code fault} at each
     * RUNNING progress, then {@code after}; asserts nothing of the job's end.
     */
    private Run runPageRank(int agents, java.util.Map<String, String> env, Fault fault, After after) throws Exception {
        PageRankReference reference = PageRankReference.rmat(dir, 12, ITERATIONS, PARTITIONS);
        Path output = dir.resolve("pr-min-agents.txt");
        StringWriter log = new StringWriter();
        WatchedJob outcome;
        // A state directory of its own: the shared cluster may hold "state" meanwhile.
        try (LocalCluster cluster = LocalCluster.prepare(new LocalState(dir.resolve("state-min-agents")), agents, 0, false,
                new PrintWriter(log, true), LocalCommand.jvmOptions())) {
            cluster.environment(env);
            cluster.startCoordinator(START);
            cluster.startAgents();
            cluster.awaitAlive(START);
            outcome = runJob(cluster, reference, output, fault);
            after.afterJob(cluster);
        }
        return new Run(reference, output, outcome, log.toString());
    }

    /** Submits {@code reference}'s job to {@code cluster} and follows it to its end, applying {@code fault} at each RUNNING progress. */
    private static WatchedJob runJob(LocalCluster cluster, PageRankReference reference, Path output, Fault fault) throws Exception {
        try (CoordinatorClient client = cluster.client()) {
            return WatchedJob.follow(client, reference.request(output, 5), progress -> fault.onProgress(cluster, progress));
        }
    }
}
