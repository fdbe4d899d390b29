package io.graphagent.coordinator.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.graphagent.config.CheckpointStorage;
import io.graphagent.config.GraphagentConfig;
import io.graphagent.config.JobConfig;
import io.graphagent.coordinator.store.JobStore;
import io.graphagent.net.testing.FakeClock;
import io.graphagent.protocol.v1.Algorithm;
import io.graphagent.protocol.v1.CancelJobRequest;
import io.graphagent.protocol.v1.Command;
import io.graphagent.protocol.v1.JobSpec;
import io.graphagent.protocol.v1.JobState;
import io.graphagent.protocol.v1.JobStatus;
import io.graphagent.protocol.v1.StoredCheckpoint;
import io.graphagent.protocol.v1.StoredJob;
import io.graphagent.protocol.v1.SubmitReply;
import io.graphagent.protocol.v1.SubmitRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How a job ends on the coordinator, whatever state it is in: an error on the driver thread
 * (an {@code Error} included) fails the job with its cause and the next job runs; {@code cancel}
 * ends a job queued, waiting for agents, loading or recovering after a restart; a finished
 * job's elapsed time stops and survives a restart; a job cancelled while agents write a
 * checkpoint leaves no checkpoint behind.
 */
class JobEndingTest {

    @TempDir
    Path dir;

    private final FakeClock clock = new FakeClock();

    @Test
    void anOutOfMemoryErrorOnTheDriverFailsTheJobWithItsCauseAndTheNextJobRuns() throws Exception {
        ScriptedAgents agents = ScriptedAgents.alive(1);
        agents.aliveFails = new OutOfMemoryError("Java heap space");
        try (JobScheduler scheduler = new JobScheduler(agents, config(0), clock)) {
            String first = submit(scheduler);
            String second = submit(scheduler);

            await().atMost(ScriptedAgents.WAIT).until(() -> state(scheduler, first) == JobState.FAILED);
            assertThat(status(scheduler, first).getMessage())
                    .startsWith("the coordinator ran out of memory driving this job (java.lang.OutOfMemoryError: Java heap space)");
            ScriptedAgents.Sent load = agents.next();
            assertThat(load.command().getJobId()).as("the driver went on with the next job").isEqualTo(second);
            assertThat(load.command().getKindCase()).isEqualTo(Command.KindCase.LOAD_PARTITIONS);
        }
    }

    @Test
    void aReloadedJobWhoseDriverHitsAnErrorFailsWithTheReasonRecordedInsteadOfStayingRecovering() throws Exception {
        JobStore store = JobStore.open(dir.resolve("state"));
        StoredJob running = StoredJob.newBuilder().setJobId("job-3").setState(JobState.RUNNING).setSpec(spec())
                .setJobEpoch(2).setPartitions(4).addParticipants("agent-1").build();
        ScriptedAgents agents = ScriptedAgents.alive(1);
        agents.aliveFails = new StackOverflowError();
        try (JobScheduler scheduler = new JobScheduler(agents, config(0), clock, store, List.of(running), Set.of("agent-1"))) {
            assertThat(scheduler.resumeStoredJobs()).containsExactly("job-3");

            await().atMost(ScriptedAgents.WAIT).until(() -> state(scheduler, "job-3") == JobState.FAILED);
            assertThat(status(scheduler, "job-3").getMessage())
                    .isEqualTo("internal error in the coordinator: java.lang.StackOverflowError");
        }
        StoredJob recorded = store.load().getFirst();
        assertThat(recorded.getState()).as("a restart does not resume it again").isEqualTo(JobState.FAILED);
        assertThat(recorded.getMessage()).contains("StackOverflowError");
    }

    @Test
    void cancelEndsAQueuedJobAtOnceAndALoadingJobAtItsNextWait() throws Exception {
        ScriptedAgents agents = ScriptedAgents.alive(1);
        try (JobScheduler scheduler = new JobScheduler(agents, config(0), clock)) {
            String loading = submit(scheduler);
            assertThat(agents.next().command().getKindCase()).isEqualTo(Command.KindCase.LOAD_PARTITIONS);
            String queued = submit(scheduler);
            assertThat(state(scheduler, queued)).isEqualTo(JobState.QUEUED);

            scheduler.cancel(CancelJobRequest.newBuilder().setJobId(queued).build());
            assertThat(state(scheduler, queued)).as("at once, while the driver loads the other job").isEqualTo(JobState.CANCELLED);
            assertThat(state(scheduler, loading)).isEqualTo(JobState.LOADING);

            scheduler.cancel(CancelJobRequest.newBuilder().setJobId(loading).build());
            await().atMost(ScriptedAgents.WAIT).until(() -> state(scheduler, loading) == JobState.CANCELLED);
            assertThat(agents.next().command().getKindCase()).as("the agent drops the job").isEqualTo(Command.KindCase.ABORT);
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> agents.pending().isEmpty());
        }
    }

    @Test
    void cancelEndsAJobWaitingForAgents() throws Exception {
        ScriptedAgents nobody = new ScriptedAgents();
        try (JobScheduler scheduler = new JobScheduler(nobody, config(0), clock)) {
            String id = submit(scheduler);
            await().atMost(ScriptedAgents.WAIT).until(() -> nobody.aliveCalls.get() > 1);

            scheduler.cancel(CancelJobRequest.newBuilder().setJobId(id).build());

            await().atMost(ScriptedAgents.WAIT).until(() -> state(scheduler, id) == JobState.CANCELLED);
            assertThat(status(scheduler, id).getMessage()).startsWith("cancelled");
        }
    }

    @Test
    void cancelEndsAReloadedJobWaitingForItsAgentsToRejoinAndDeletesItsCheckpoint() throws Exception {
        JobStore store = JobStore.open(dir.resolve("state"));
        Path checkpoint = Files.createDirectories(dir.resolve("cp/job-7/step-9"));
        StoredJob running = StoredJob.newBuilder().setJobId("job-7").setState(JobState.RUNNING).setSpec(spec())
                .setJobEpoch(2).setPartitions(4).addParticipants("agent-1").setSuperstep(10)
                .setCheckpoint(StoredCheckpoint.newBuilder().setSuperstep(9).setDirectory(checkpoint.toString())).build();
        ScriptedAgents nobody = new ScriptedAgents();
        try (JobScheduler scheduler = new JobScheduler(nobody, config(0), clock, store, List.of(running), Set.of("agent-1"))) {
            scheduler.resumeStoredJobs();
            await().atMost(ScriptedAgents.WAIT).until(() -> nobody.aliveCalls.get() > 1);
            assertThat(state(scheduler, "job-7")).isEqualTo(JobState.RECOVERING);

            scheduler.cancel(CancelJobRequest.newBuilder().setJobId("job-7").build());

            await().atMost(ScriptedAgents.WAIT).until(() -> state(scheduler, "job-7") == JobState.CANCELLED);
        }
        assertThat(store.load().getFirst().getState()).isEqualTo(JobState.CANCELLED);
        assertThat(dir.resolve("cp/job-7")).doesNotExist();
    }

    @Test
    void aFinishedJobsElapsedTimeStopsAndSurvivesARestart() throws Exception {
        JobStore store = JobStore.open(dir.resolve("state"));
        ScriptedAgents agents = ScriptedAgents.alive(1);
        String id;
        try (JobScheduler scheduler = new JobScheduler(agents, config(0), clock, store, List.of(), Set.of())) {
            id = submit(scheduler);
            agents.next();
            clock.advance(Duration.ofSeconds(5));
            scheduler.cancel(CancelJobRequest.newBuilder().setJobId(id).build());
            await().atMost(ScriptedAgents.WAIT).until(() -> state(scheduler, id) == JobState.CANCELLED);

            clock.advance(Duration.ofHours(1));
            assertThat(status(scheduler, id).getElapsedMs()).isEqualTo(5_000);
        }
        try (JobScheduler restarted = new JobScheduler(agents, config(0), clock, store, store.load(), Set.of())) {
            assertThat(status(restarted, id).getElapsedMs()).isEqualTo(5_000);
        }
    }

    @Test
    void aJobCancelledWhileAgentsWriteACheckpointLeavesNoCheckpointBehind() throws Exception {
        ScriptedAgents agents = ScriptedAgents.alive(1);
        try (JobScheduler scheduler = new JobScheduler(agents, config(1), clock)) {
            String id = submit(scheduler);
            ScriptedAgents.Sent checkpoint = agents.nextOfKind(Command.KindCase.CHECKPOINT, scheduler);
            Path step = Path.of(checkpoint.command().getCheckpoint().getDirectory());

            // The next superstep runs while the checkpoint is written: the cancel comes during it.
            assertThat(agents.next().command().getKindCase()).isEqualTo(Command.KindCase.START_SUPERSTEP);
            scheduler.cancel(CancelJobRequest.newBuilder().setJobId(id).build());
            assertThat(agents.next().command().getKindCase()).isEqualTo(Command.KindCase.ABORT);
            await("the coordinator waits for the writer before it deletes").during(Duration.ofMillis(300))
                    .atMost(Duration.ofSeconds(2)).until(() -> state(scheduler, id) != JobState.CANCELLED);
            // The agent finishes the write it had begun (its Abort waits behind it), then answers.
            Files.createDirectories(step);
            Files.writeString(step.resolve("partition-0.ckpt"), "values");
            ScriptedAgents.answer(scheduler, checkpoint, ScriptedAgents.ok(checkpoint.command()));

            await().atMost(ScriptedAgents.WAIT).until(() -> state(scheduler, id) == JobState.CANCELLED);
            assertThat(step.getParent()).as("the job's checkpoints").doesNotExist();
        }
    }

    private String submit(JobScheduler scheduler) throws Exception {
        SubmitReply reply = scheduler.submit(SubmitRequest.newBuilder().setJob(spec()).build());
        assertThat(reply.getErrorsList()).isEmpty();
        return reply.getJobId();
    }

    private JobSpec spec() throws Exception {
        Path edges = dir.resolve("tiny.e");
        if (!Files.exists(edges)) {
            Files.writeString(edges, "1 2\n2 3\n3 1\n3 4\n");
        }
        return JobSpec.newBuilder().setAlgorithm(Algorithm.PAGERANK).setGraph(edges.toString()).setDirected(true)
                .setIterations(20).setPartitions(2).setOutputPath(dir.resolve("out.txt").toString()).build();
    }

    /** The test profile with checkpoints every {@code every} supersteps under dir/cp, and a job waiting 30 s for agents. */
    private GraphagentConfig config(int every) {
        return TestConfigs.withJob(job -> new JobConfig(every, dir.resolve("cp"), CheckpointStorage.SHARED, 2, 1,
                Duration.ofSeconds(30)));
    }

    private static JobStatus status(JobScheduler scheduler, String id) {
        return scheduler.jobs(true).stream().filter(j -> j.getJobId().equals(id)).findFirst().orElseThrow();
    }

    private static JobState state(JobScheduler scheduler, String id) {
        return status(scheduler, id).getState();
    }
}
