package io.graphagent.agent.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.graphagent.config.GraphagentConfig;
import io.graphagent.protocol.v1.JobProgress;
import io.graphagent.protocol.v1.JobSpec;
import io.graphagent.protocol.v1.JobState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job that needs more agents than are ALIVE ({@code job.min-agents}) waits for them up to
 * {@code job.agent-wait}, then fails with a message that names both
 * keys and the fix, and no output file.
 */
class TooFewAgentsTest {
    @TempDir
    Path dir;

    @Test
    void jobWithFewerAgentsThanItNeedsFailsAfterTheWaitAndWritesNothing() throws Exception {
        Path graph = Path.of(System.getProperty("graphagent.shared", "/work/shared"), "datasets", "graphalytics", "example-directed");
        Path output = dir.resolve("pr.txt");
        try (InProcessCluster cluster = InProcessCluster.start(dir, 1, c -> new GraphagentConfig(c.profile(), c.cluster(),
                c.coordinator(), c.agent(), c.session(), c.grpc(), c.tls(), c.network(),
                c.job().withAgents(2, Duration.ofSeconds(1)), c.admin()))) {
            long t0 = System.nanoTime();
            JobProgress last = cluster.submitAndWait(JobSpec.newBuilder()
                    .setAlgorithm(io.graphagent.protocol.v1.Algorithm.PAGERANK).setGraph(graph.toString())
                    .setOutputPath(output.toString()).build());
            assertThat(last.getState()).isEqualTo(JobState.FAILED);
            assertThat(last.getMessage()).contains("1 agent is ALIVE")
                    .contains("at least 2 (job.min-agents)").contains("within 1s (job.agent-wait)")
                    .contains("start more agents, or lower job.min-agents");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("waited for agents first").isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        }
        assertThat(Files.exists(output)).as("no output file").isFalse();
    }
}
