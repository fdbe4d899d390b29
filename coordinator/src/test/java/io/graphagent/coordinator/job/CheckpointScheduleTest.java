package io.graphagent.coordinator.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.graphagent.config.GraphagentConfig;
import io.graphagent.net.testing.FakeClock;
import io.graphagent.protocol.v1.Algorithm;
import io.graphagent.protocol.v1.CancelJobRequest;
import io.graphagent.protocol.v1.Command;
import io.graphagent.protocol.v1.JobSpec;
import io.graphagent.protocol.v1.JobState;
import io.graphagent.protocol.v1.Report;
import io.graphagent.protocol.v1.SubmitRequest;
import io.graphagent.protocol.v1.SuperstepDone;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which superstep boundaries take a checkpoint: every k-th, but none that only a job already ending could use. */
class CheckpointScheduleTest {

    @TempDir
    Path dir;

    @Test
    void everyKthBoundaryTakesOneUnlessTheNextSuperstepIsTheLastOrThereIsNone() {
        CheckpointSchedule every10 = new CheckpointSchedule(10);
        // PageRank, 20 iterations: supersteps 0..20 (cap 21).
        assertThat(every10.dueBefore(10, 21, false)).as("after superstep 9").isTrue();
        assertThat(every10.dueBefore(20, 21, false)).as("after 19: only the last superstep, 20, is left").isFalse();
        assertThat(every10.dueBefore(20, 22, false)).as("after 19 of 21 iterations: 20 and 21 are left").isTrue();
        assertThat(every10.dueBefore(20, 20, false)).as("past the cap: the job has ended").isFalse();
        assertThat(every10.dueBefore(11, 21, false)).as("not a 10th boundary").isFalse();
        assertThat(every10.dueBefore(10, Integer.MAX_VALUE, false)).as("unbounded kernel").isTrue();
        assertThat(every10.dueBefore(10, Integer.MAX_VALUE, true)).as("the coordinator knows the job halts").isFalse();
        assertThat(new CheckpointSchedule(0).dueBefore(10, 21, false)).as("checkpoint-every 0: never").isFalse();
    }

    @Test
    void aFixedIterationJobSkipsTheCheckpointBeforeItsLastSuperstep() throws Exception {
        // 6 iterations: supersteps 0..6; every 2 would checkpoint after 1, 3 and 5, but only superstep 6 follows 5.
        assertThat(checkpointsOfAJob(6, Integer.MAX_VALUE)).containsExactly(1, 3);
        // 7 iterations: supersteps 6 and 7 follow 5, so that one is taken.
        assertThat(checkpointsOfAJob(7, Integer.MAX_VALUE)).containsExactly(1, 3, 5);
    }

    @Test
    void aJobTheCoordinatorKnowsHaltsTakesNoCheckpointAfterItsLastSuperstep() throws Exception {
        // 20 iterations, but nothing is active or sent after superstep 5: the boundary after 5 halts the job.
        assertThat(checkpointsOfAJob(20, 5)).containsExactly(1, 3);
    }

    /**
     * Runs PageRank ({@code iterations}, checkpoint every 2) on one scripted agent until the
     * output is asked for, the agent reporting nothing active and nothing sent at superstep
     * {@code quietAt}; returns the supersteps of the checkpoints ordered.
     */
    private List<Integer> checkpointsOfAJob(int iterations, int quietAt) throws Exception {
        Files.writeString(dir.resolve("g.e"), "1 2\n2 3\n3 1\n");
        ScriptedAgents agents = ScriptedAgents.alive(1);
        GraphagentConfig config = TestConfigs.withJob(job -> job.withCheckpointEvery(2).withCheckpointDir(dir.resolve("cp")));
        List<Integer> checkpoints = new ArrayList<>();
        try (JobScheduler scheduler = new JobScheduler(agents, config, new FakeClock())) {
            String id = scheduler.submit(SubmitRequest.newBuilder().setJob(JobSpec.newBuilder().setAlgorithm(Algorithm.PAGERANK)
                    .setGraph(dir.resolve("g.e").toString()).setDirected(true).setIterations(iterations).setPartitions(2)
                    .setOutputPath(dir.resolve("out.txt").toString())).build()).getJobId();
            for (ScriptedAgents.Sent s = agents.next(); !s.command().hasWriteOutput(); s = agents.next()) {
                Command c = s.command();
                Report.Builder answer = ScriptedAgents.ok(c);
                if (c.hasCheckpoint()) {
                    checkpoints.add(c.getCheckpoint().getSuperstep());
                } else if (c.hasStartSuperstep() && c.getStartSuperstep().getSuperstep() == quietAt) {
                    answer = Report.newBuilder().setSuperstepDone(SuperstepDone.newBuilder().setSuperstep(quietAt));
                }
                ScriptedAgents.answer(scheduler, s, answer);
            }
            scheduler.cancel(CancelJobRequest.newBuilder().setJobId(id).build());
            await().atMost(ScriptedAgents.WAIT).until(() -> scheduler.jobs(true).getFirst().getState() == JobState.CANCELLED);
        }
        return checkpoints;
    }
}
