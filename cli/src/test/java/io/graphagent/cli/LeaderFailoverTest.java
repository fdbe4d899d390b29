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
 * The failover is timed from the kill to the standby's event=leader_serving. Then the killed
 * coordinator comes back as a standby and the new leader is SIGSTOPped for twice the TTL in the
 * middle of a second job: the standby takes over with the next term and finishes that job
 * exactly, the woken leader steps down without checkpointing, admitting or expiring anything,
 * and the agents open sessions only with the leader of the new term.
 */
class LeaderFailoverTest {
    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration TTL = Duration.ofSeconds(2);
    private static final int PARTITIONS = 12;
    private static final int ITERATIONS = 30;
    /** The job the leader is paused in: long enough to be mid-job when it is stopped (~0.1 s a superstep). */
    private static final int LONG_ITERATIONS = 60;
    /** Over "TTL + 1 s" for a kill-to-leading on a machine with a load average of 20. */
    private static final Duration SLACK = Duration.ofMillis(1500);

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
            PostMortemLogs.keep(state, "leader-failover-logs");
        }
    }

    /** When {@code log} says its coordinator serves as the leader of {@code term} (event=leader_serving), if it does. */
    private static Optional<Instant> leadingAt(Path log, long term) throws java.io.IOException {
        return Files.readAllLines(log, StandardCharsets.UTF_8).stream()
                .filter(l -> l.contains("event=leader_serving term=" + term + " "))
                .map(l -> Instant.parse(l.substring(0, l.indexOf(' '))))
                .findFirst();
    }

    /** The timestamped lines of {@code log} logged after {@code after}. */
    private static String linesAfter(Path log, Instant after) throws java.io.IOException {
        return Files.readAllLines(log, StandardCharsets.UTF_8).stream()
                .filter(l -> !l.isEmpty() && Character.isDigit(l.charAt(0)) && l.indexOf(' ') > 0)
                .filter(l -> Instant.parse(l.substring(0, l.indexOf(' '))).isAfter(after))
                .collect(Collectors.joining("\n"));
    }

    /** The agent's session lines (opened, lost, fenced, refused) logged after {@code after}, for a failure's message. */
    private static String sessionLines(Path log, Instant after) throws java.io.IOException {
        return linesAfter(log, after).lines().filter(l -> l.contains("event=session_")).collect(Collectors.joining("\n"));
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
            ChildProcess successor = cluster.child("coordinator-" + standbyNumber).orElseThrow();
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> leadingAt(successor.log(), 2).isPresent());
            Duration failover = Duration.between(killed, leadingAt(successor.log(), 2).orElseThrow());
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
                    0, "detection = kill to the standby serving as leader (its event=leader_serving); recovery = kill to job_resumed; all 3 agents ALIVE on"
                    + " the new leader " + Duration.between(killed, allAlive).toMillis() + " ms after the kill, same epochs, none DEAD")
                    .record();
            assertThat(failover).as("kill to the standby leading: within the TTL + 1 s, with %s of slack for a loaded machine",
                    SLACK).isLessThan(TTL.plusSeconds(1).plus(SLACK));

            // The killed coordinator comes back as a standby; a longer job runs on the leader of term 2, which is
            // SIGSTOPped mid-job for 2 x TTL: the standby takes over with term 3 and finishes the job exactly.
            cluster.startEtcdCoordinator(leaderNumber, START);
            PageRankReference longer = new PageRankReference(reference.prefix(), LONG_ITERATIONS, PARTITIONS);
            Path longOutput = dir.resolve("pr-long.txt");
            ChildProcess paused = cluster.child("coordinator-" + standbyNumber).orElseThrow();
            String longJob;
            try (CoordinatorClient client = cluster.client()) {
                SubmitReply reply = client.submit(longer.request(longOutput, 5));
                assertThat(reply.getErrorsList()).isEmpty();
                longJob = reply.getJobId();
                Awaitility.await().atMost(START).pollInterval(Duration.ofMillis(50)).until(() ->
                        client.status(false).getJobsList().stream().anyMatch(j -> j.getJobId().equals(longJob)
                                && j.getState() == JobState.RUNNING && j.getLastCheckpointSuperstep() >= 10));
            }
            Signals.send("STOP", paused.pid());
            Instant stopped = Instant.now();
            try {
                Awaitility.await().atMost(TTL.plusSeconds(10)).pollInterval(Duration.ofMillis(20))
                        .until(() -> cluster.currentLeader().filter(first::equals).isPresent());
                Duration takeover = Duration.between(stopped, Instant.now());
                Awaitility.await().atLeast(Duration.ZERO).pollDelay(TTL.multipliedBy(2).minus(takeover).isNegative()
                        ? Duration.ZERO : TTL.multipliedBy(2).minus(takeover)).until(() -> true);
                new FaultFigures("SIGSTOP the leading coordinator (etcd store) mid-job for 2 x TTL, then SIGCONT",
                        Optional.of(takeover), Optional.empty(), 0, "detection = stop to the standby's leader key;"
                        + " the woken leader steps down, commands nobody and writes nothing; the job ends exact on the next"
                        + " leader").record();
            } finally {
                Signals.send("CONT", paused.pid());
            }
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> Files.readString(paused.log(),
                    StandardCharsets.UTF_8).contains("event=standing_by"));
            cluster.awaitLeader(START);
            JobProgress end = null;
            try (CoordinatorClient client = cluster.client()) {
                for (Iterator<JobProgress> progress = client.watch(longJob); progress.hasNext(); ) {
                    end = progress.next();
                }
                Awaitility.await().atMost(START).ignoreExceptions().until(() -> client.status(false).getAgentsList().stream()
                        .filter(a -> a.getState() == AgentState.ALIVE).count() == 3);
                StatusReply now = client.status(false);
                assertThat(now.getCoordinator().getControlPlane().getLeaderTerm()).as("a term after the paused leader's")
                        .isGreaterThanOrEqualTo(3);
                assertThat(now.getCoordinator().getControlPlane().getMembersList()).hasSize(2);
                for (AgentStatus agent : now.getAgentsList()) {
                    assertThat(agent.getEpoch()).as("%s carried its session over again; its session lines since the stop:%n%s",
                                    agent.getAgentId(), sessionLines(state.log(agent.getAgentId()), stopped))
                            .isEqualTo(epochsBefore.get(agent.getAgentId()));
                }
            }
            assertThat(end).isNotNull();
            assertThat(end.getState()).as(end.getMessage() + "\n" + log).isEqualTo(JobState.SUCCEEDED);
            longer.assertEngineWrites(longOutput);

            // Whatever the paused leader logged once awake (it was frozen from the stop for at least 2 x TTL):
            // it learnt it was deposed, and it checkpointed, admitted and expired nothing.
            Instant awake = stopped.plus(TTL);
            String woke = linesAfter(paused.log(), awake);
            assertThat(woke).as("the woken leader's log").contains("event=leader_deposed coordinator=coordinator-"
                    + standbyNumber + " term=2").contains("event=standing_by")
                    .doesNotContain("event=checkpoint_complete").doesNotContain("event=session_opened")
                    .doesNotContain("to=DEAD").doesNotContain("state=SUCCEEDED");
            for (int n = 1; n <= 3; n++) {
                String agentAfter = linesAfter(state.log("agent-" + n), stopped);
                assertThat(agentAfter).as("agent-%d opened its session only with the leader of term 3", n)
                        .contains("event=session_open agent=agent-" + n).doesNotContain("leader_term=2")
                        .doesNotContain("leader_term=1");
            }
        }
    }
}
