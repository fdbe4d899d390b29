package io.graphagent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.graphagent.graph.csr.Graph;
import io.graphagent.graph.generate.RmatGenerator;
import io.graphagent.graph.kernels.Algorithm;
import io.graphagent.graph.kernels.KernelParameters;
import io.graphagent.graph.load.GraphLoader;
import io.graphagent.graph.load.GraphSource;
import io.graphagent.graph.load.LoadProgress;
import io.graphagent.graph.output.ResultComparator;
import io.graphagent.graph.pregel.EngineOptions;
import io.graphagent.graph.pregel.ProgressListener;
import io.graphagent.protocol.v1.JobProgress;
import io.graphagent.protocol.v1.JobSpec;
import io.graphagent.protocol.v1.JobState;
import io.graphagent.protocol.v1.SubmitReply;
import io.graphagent.protocol.v1.SubmitRequest;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The promise: a coordinator and three agents as real processes; one agent is SIGKILLed in
 * the middle of a PageRank job; the job recovers from its last checkpoint on the two
 * survivors and writes exactly the fault-free result.
 */
class AgentKilledMidJobTest {
    private static final Duration START = Duration.ofSeconds(120);
    private static final int PARTITIONS = 12;
    private static final int ITERATIONS = 60;

    @TempDir
    Path dir;

    @Test
    @Timeout(300)
    void sigkilledAgentCostsOnlyTimeAndTheResultEqualsTheFaultFreeOne() throws Exception {
        Path prefix = dir.resolve("rmat-12");
        RmatGenerator.generate(new RmatGenerator.Parameters(12, 16, 7, false), prefix, 2, RmatGenerator.Progress.NONE);
        Path output = dir.resolve("pr.txt");
        StringWriter log = new StringWriter();
        long killedPid = -1;
        JobProgress last = null;
        try (LocalCluster cluster = LocalCluster.prepare(new LocalState(dir.resolve("state")), 3, 0, false,
                new PrintWriter(log, true), LocalCommand.jvmOptions())) {
            cluster.startCoordinator(START);
            cluster.startAgents();
            cluster.awaitAlive(START);
            try (CoordinatorClient client = cluster.client()) {
                SubmitReply reply = client.submit(SubmitRequest.newBuilder().setJob(JobSpec.newBuilder()
                        .setAlgorithm(io.graphagent.protocol.v1.Algorithm.PAGERANK).setGraph(prefix.toString())
                        .setDirected(true).setIterations(ITERATIONS).setDamping(0.85).setPartitions(PARTITIONS)
                        .setCheckpointEvery(5).setOutputPath(output.toString())).build());
                assertThat(reply.getErrorsList()).isEmpty();
                Iterator<JobProgress> progress = client.watch(reply.getJobId());
                while (progress.hasNext()) {
                    last = progress.next();
                    if (killedPid < 0 && last.getState() == JobState.RUNNING && last.getSuperstep() >= 12) {
                        ChildProcess victim = cluster.child("agent-2").orElseThrow();
                        killedPid = victim.pid();
                        ProcessHandle.of(killedPid).orElseThrow().destroyForcibly();
                    }
                }
            }
        }
        assertThat(killedPid).as("the agent was killed mid-job").isPositive();
        assertThat(last.getState()).as(last.getMessage() + "\n" + log).isEqualTo(JobState.SUCCEEDED);
        assertThat(last.getSummary().getRecoveries()).isGreaterThanOrEqualTo(1);
        assertThat(last.getSummary().getAgents()).isEqualTo(2);

        Graph graph = GraphLoader.load(GraphSource.graphalytics(prefix, true, false), 2, LoadProgress.NONE);
        Path single = dir.resolve("pr-engine.txt");
        KernelJob.run(graph, prefix + ".v", Algorithm.PAGERANK, new KernelParameters(-1, ITERATIONS, 0.85),
                new EngineOptions(2, PARTITIONS), ProgressListener.NONE, single);
        assertThat(ResultComparator.read(output)).isEqualTo(ResultComparator.read(single));
        assertThat(Files.list(dir.resolve("state").resolve("checkpoints"))).as("checkpoints removed after the job").isEmpty();
    }
}
