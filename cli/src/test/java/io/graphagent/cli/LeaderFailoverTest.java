package io.graphagent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.graphagent.config.HostPort;
import io.graphagent.protocol.v1.AgentState;
import io.graphagent.protocol.v1.AgentStatus;
import io.graphagent.protocol.v1.JobProgress;
import io.graphagent.protocol.v1.JobState;
import io.graphagent.protocol.v1.StatusReply;
import io.graphagent.protocol.v1.SubmitReply;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fault scenarios of the etcd store, with real processes and a real etcd: two coordinators
 * and three agents; the leader is SIGKILLed mid-PageRank after a checkpoint. The standby leads
 * within the election TTL (plus the time to notice), the agents carry their sessions over (same
 * epochs, none DEAD on the new leader), and the job ends with the single-process engine's result.
 * Then the killed coordinator comes back as a standby, the new leader is SIGSTOPped for twice the
 * TTL: the standby takes over with the next term, and the woken leader steps down without
 * commanding anyone.
 */
class LeaderFailoverTest {
    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration TTL = Duration.ofSeconds(2);
    private static final int PARTITIONS = 12;
    private static final int ITERATIONS = 30;

    @TempDir
    Path dir;

    @Test
    @Timeout(240)
    void aKilledLeaderIsReplacedWithinTheTtlTheSessionsCarryOverAndAPausedLeaderStepsDown() throws Exception {
        PageRankReference reference = PageRankReference.rmat(dir, 12, ITERATIONS, PARTITIONS);
        Path output = dir.resolve("pr.txt");
        LocalState state = new LocalState(dir.resolve("state"));
        StringWriter log = new StringWriter();
        try (LocalCluster cluster = LocalCluster.prepare(state, 3, 0, false, new PrintWriter(log, true),
                LocalCommand.jvmOptions())) {
            run(cluster, state, reference, output, log);
        } finally {
            keepLogs(state);
        }
    }

    /** The processes' logs go to target/leader-failover-logs, for a failure's post-mortem. */
    private static void keepLogs(LocalState state) throws java.io.IOException {
        Path kept = Path.of("target", "leader-failover-logs");
        Files.createDirectories(kept);
        try (var logs = Files.list(state.logs())) {
            for (Path p : logs.toList()) {
                Files.copy(p, kept.resolve(p.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    private void run(LocalCluster cluster, LocalState state, PageRankReference reference, Path output, StringWriter log)
            throws Exception {
        {
            cluster.environment(Map.of("GRAPHAGENT_SESSION_RECONNECT_MAX", "1s",
                    "GRAPHAGENT_COORDINATOR_ETCD_ELECTION_TTL", TTL.toSeconds() + "s"));
            cluster.useEtcd("auto", 2);
            cluster.startCoordinator(START);
            cluster.startAgents();
            cluster.awaitAlive(START);
            HostPort first = cluster.awaitLeader(START);
            int leaderNumber = cluster.coordinatorAddresses().indexOf(first) + 1;
            int standbyNumber = 3 - leaderNumber;
            HostPort second = cluster.coordinatorAddresses().get(standbyNumber - 1);

            String jobId;
            Map<String, Long> epochsBefore;
            int checkpointBefore;
            try (CoordinatorClient client = cluster.client()) {
                SubmitReply reply = client.submit(reference.request(output, 5));
                assertThat(reply.getErrorsList()).isEmpty();
                jobId = reply.getJobId();
                Awaitility.await().atMost(START).pollInterval(Duration.ofMillis(50)).until(() ->
                        client.status(false).getJobsList().stream().anyMatch(j -> j.getState() == JobState.RUNNING
                                && j.getSuperstep() >= 12));
                StatusReply before = client.status(false);
                epochsBefore = before.getAgentsList().stream()
                        .collect(Collectors.toMap(AgentStatus::getAgentId, AgentStatus::getEpoch));
                checkpointBefore = before.getJobs(0).getLastCheckpointSuperstep();
            }
            assertThat(checkpointBefore).as("a checkpoint was complete before the kill").isGreaterThanOrEqualTo(9);

            // SIGKILL the leader.
            ChildProcess leader = cluster.child("coordinator-" + leaderNumber).orElseThrow();
            Instant killed = Instant.now();
            leader.process().destroyForcibly().waitFor();
            Awaitility.await().atMost(TTL.plusSeconds(10)).pollInterval(Duration.ofMillis(20))
                    .until(() -> cluster.currentLeader().filter(second::equals).isPresent());
            Duration failover = Duration.between(killed, Instant.now());
            cluster.awaitLeader(START);

            JobProgress last = null;
            Instant allAlive;
            try (CoordinatorClient client = cluster.client()) {
                Awaitility.await().atMost(START).pollInterval(Duration.ofMillis(50)).ignoreExceptions().until(() -> client.status(false)
                        .getAgentsList().stream().filter(a -> a.getState() == AgentState.ALIVE).count() == 3);
                allAlive = Instant.now();
                StatusReply after = client.status(false);
                for (AgentStatus agent : after.getAgentsList()) {
                    assertThat(agent.getEpoch()).as("%s carried its session over", agent.getAgentId())
                            .isEqualTo(epochsBefore.get(agent.getAgentId()));
                }
                assertThat(after.getCoordinator().getControlPlane().getLeaderTerm()).isEqualTo(2);
                for (Iterator<JobProgress> progress = client.watch(jobId); progress.hasNext(); ) {
                    last = progress.next();
                }
            }
            assertThat(last).isNotNull();
            assertThat(last.getState()).as(last.getMessage() + "\n" + log).isEqualTo(JobState.SUCCEEDED);
            reference.assertEngineWrites(output);
            CoordinatorEvents events = CoordinatorEvents.read(state.dir().resolve("coordinator-" + standbyNumber)
                    .resolve("events.jsonl"));
            assertThat(events.all(e -> e.anyAgentBecame("DEAD"))).as("no agent DEAD on the new leader" + events.describe())
                    .isEmpty();
            CoordinatorEvents.Event resumed = events.all(e -> e.kind().equals("job_resumed")).stream().findFirst()
                    .orElseThrow(() -> new AssertionError("no job_resumed:" + events.describe()));
            new FaultFigures("SIGKILL the leading coordinator (etcd store, election TTL 2s) mid-job, PageRank RMAT-12",
                    Optional.of(failover), Optional.of(Duration.between(killed, resumed.time())),
                    0, "detection = kill to the standby's leader key; recovery = kill to job_resumed; all 3 agents ALIVE on"
                    + " the new leader " + Duration.between(killed, allAlive).toMillis() + " ms after the kill, same epochs, none DEAD")
                    .record();
            assertThat(failover).as("the standby leads within the TTL plus the time to notice").isLessThan(TTL.plusSeconds(5));

            // The killed coordinator comes back as a standby; the leader is paused for 2 x TTL.
            cluster.startEtcdCoordinator(leaderNumber, START);
            ChildProcess paused = cluster.child("coordinator-" + standbyNumber).orElseThrow();
            Signals.send("STOP", paused.pid());
            Instant stopped = Instant.now();
            try {
                Awaitility.await().atMost(TTL.plusSeconds(10)).pollInterval(Duration.ofMillis(20))
                        .until(() -> cluster.currentLeader().filter(first::equals).isPresent());
                Duration takeover = Duration.between(stopped, Instant.now());
                Awaitility.await().atLeast(Duration.ZERO).pollDelay(TTL.multipliedBy(2).minus(takeover).isNegative()
                        ? Duration.ZERO : TTL.multipliedBy(2).minus(takeover)).until(() -> true);
                new FaultFigures("SIGSTOP the leading coordinator (etcd store) for 2 x TTL, then SIGCONT",
                        Optional.of(takeover), Optional.empty(), 0, "detection = stop to the standby's leader key;"
                        + " the woken leader steps down, nothing it sends is accepted").record();
            } finally {
                Signals.send("CONT", paused.pid());
            }
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> Files.readString(paused.log(),
                    StandardCharsets.UTF_8).contains("event=standing_by"));
            String pausedLog = Files.readString(paused.log(), StandardCharsets.UTF_8);
            assertThat(pausedLog).contains("event=leader_deposed");
            cluster.awaitLeader(START);
            try (CoordinatorClient client = cluster.client()) {
                Awaitility.await().atMost(START).ignoreExceptions().until(() -> client.status(false).getAgentsList().stream()
                        .filter(a -> a.getState() == AgentState.ALIVE).count() == 3);
                StatusReply now = client.status(false);
                assertThat(now.getCoordinator().getControlPlane().getLeaderTerm()).as("a term after the paused leader's")
                        .isGreaterThanOrEqualTo(3);
                assertThat(now.getCoordinator().getControlPlane().getMembersList()).hasSize(2);
                for (AgentStatus agent : now.getAgentsList()) {
                    assertThat(agent.getEpoch()).as("%s carried its session over again", agent.getAgentId())
                            .isEqualTo(epochsBefore.get(agent.getAgentId()));
                }
            }
            for (int n = 1; n <= 3; n++) {
                String agentLog = Files.readString(state.log("agent-" + n), StandardCharsets.UTF_8);
                assertThat(agentLog).as("agent-%d obeyed no command of the deposed leader", n)
                        .doesNotContain("event=session_open agent=agent-" + n + " epoch=" + epochsBefore.get("agent-" + n)
                                + " resumed=true coordinator=" + second + " protocol=1 coordinator_build=dev heartbeat_interval_ms=1000"
                                + " lease_ttl_ms=5000 attempt=0 leader_term=2 after");
            }
        }
    }
}
