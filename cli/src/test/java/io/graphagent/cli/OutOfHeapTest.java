package io.graphagent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.graphagent.protocol.v1.AgentState;
import io.graphagent.protocol.v1.JobFailureKind;
import io.graphagent.protocol.v1.JobProgress;
import io.graphagent.protocol.v1.JobState;
import io.graphagent.protocol.v1.SubmitReply;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Agents of a small heap (real processes, -Xmx64m) get ever bigger graphs until one does not
 * fit: that job fails with a message naming the agent, the bytes it needs against its heap and
 * the fix, not a bare OutOfMemoryError; the agents stay ALIVE and the next job runs.
 */
class OutOfHeapTest {
    private static final Duration START = Duration.ofSeconds(120);
    /** The agents' session.lease-ttl in a local cluster. */
    private static final Duration LEASE = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    @Test
    @Timeout(400)
    void aGraphTooBigForTheAgentsFailsItsJobWithTheNeedTheHeapAndTheFixAndTheAgentsLiveOn() throws Exception {
        List<String> jvm = new ArrayList<>(LocalCommand.jvmOptions());
        jvm.add("-Xmx64m");
        StringWriter log = new StringWriter();
        try (LocalCluster cluster = LocalCluster.prepare(new LocalState(dir.resolve("state")), 2, 0, false,
                new PrintWriter(log, true), jvm)) {
            cluster.startCoordinator(START);
            cluster.startAgents();
            cluster.awaitAlive(START);
            try (CoordinatorClient client = cluster.client()) {
                JobProgress failed = null;
                for (int scale = 15; scale <= 20 && failed == null; scale++) {
                    PageRankReference graph = PageRankReference.rmat(dir, scale, 2, 4);
                    JobProgress last = run(client, graph.request(dir.resolve("pr-" + scale + ".txt"), 0).toBuilder()
                            .build().getJob());
                    if (last.getState() == JobState.FAILED) {
                        failed = last;
                    } else {
                        assertThat(last.getState()).as(last.getMessage() + "\n" + log).isEqualTo(JobState.SUCCEEDED);
                    }
                }
                assertThat(failed).as("a graph too big for 64 MB agents\n" + log).isNotNull();
                assertThat(failed.getMessage()).as(failed.getMessage())
                        .containsPattern("agent agent-\\d (needs about \\d+ MB more heap|ran out of heap)")
                        .contains("MB maximum").contains("Fix: give the agents more heap").contains("run more agents");
                assertThat(failed.getMessage()).doesNotContain("java.lang.OutOfMemoryError");
                assertThat(failed.getFailureKind()).isEqualTo(JobFailureKind.CLUSTER_FAILURE);

                assertThat(client.status(false).getAgentsList()).as("the agents live on")
                        .allSatisfy(a -> assertThat(a.getState()).isEqualTo(AgentState.ALIVE));
                // Every agent lets go of the failed job at once, the one still parsing its share too (it stops
                // at the Abort instead of parsing on into back-to-back full collections): the heap in use
                // its heartbeats report comes back under half the maximum, as before the job.
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(client.status(false).getAgentsList())
                        .allSatisfy(a -> assertThat(a.getHeapUsedBytes()).as(a.getAgentId() + "'s heap in use (MB "
                                + (a.getHeapUsedBytes() >> 20) + ")\n" + log).isLessThan(a.getMaxHeapBytes() / 2)));
                PageRankReference small = PageRankReference.rmat(dir, 10, 2, 4);
                Path output = dir.resolve("after.txt");
                JobProgress next = run(client, small.request(output, 0).getJob());
                assertThat(next.getState()).as(next.getMessage() + "\n" + log).isEqualTo(JobState.SUCCEEDED);
                small.assertEngineWrites(output);
                // And their heartbeats go on: for longer than a lease, each stays ALIVE in its first session,
                // heard from within three quarters of a lease (a heartbeat task that died with an OutOfMemoryError goes quiet).
                await().during(LEASE.plusSeconds(1)).atMost(LEASE.plusSeconds(30)).untilAsserted(() ->
                        assertThat(client.status(false).getAgentsList()).allSatisfy(a -> {
                            assertThat(a.getState()).isEqualTo(AgentState.ALIVE);
                            assertThat(a.getReconnects()).isZero();
                            assertThat(a.getLastHeartbeatAgeMs()).isLessThan(LEASE.toMillis() * 3 / 4);
                        }));
            } catch (AssertionError | RuntimeException e) {
                // The state directory goes with the test: keep what the agents logged in the failure.
                e.addSuppressed(new AssertionError("the agents' last log lines:\n" + agentLogTails(dir.resolve("state"))));
                throw e;
            }
        }
    }

    private static String agentLogTails(Path state) {
        StringBuilder out = new StringBuilder();
        try (var logs = java.nio.file.Files.list(state.resolve("logs"))) {
            for (Path file : logs.filter(f -> f.getFileName().toString().startsWith("agent")).sorted().toList()) {
                List<String> lines = java.nio.file.Files.readAllLines(file);
                out.append("== ").append(file.getFileName()).append('\n');
                lines.subList(Math.max(0, lines.size() - 80), lines.size()).forEach(l -> out.append(l).append('\n'));
            }
        } catch (java.io.IOException e) {
            out.append("(cannot read the agents' logs: ").append(e.getMessage()).append(')');
        }
        return out.toString();
    }

    private static JobProgress run(CoordinatorClient client, io.graphagent.protocol.v1.JobSpec spec) {
        SubmitReply reply = client.submit(io.graphagent.protocol.v1.SubmitRequest.newBuilder().setJob(spec)
                .setClientName("test").build());
        assertThat(reply.getErrorsList()).isEmpty();
        Iterator<JobProgress> progress = client.watch(reply.getJobId());
        JobProgress last = null;
        while (progress.hasNext()) {
            last = progress.next();
        }
        return last;
    }
}
