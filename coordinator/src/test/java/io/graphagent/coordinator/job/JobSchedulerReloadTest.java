package io.graphagent.coordinator.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.graphagent.config.GraphagentConfig;
import io.graphagent.config.CheckpointStorage;
import io.graphagent.config.JobConfig;
import io.graphagent.config.Profile;
import io.graphagent.coordinator.membership.AgentDirectory;
import io.graphagent.coordinator.membership.AgentView;
import io.graphagent.coordinator.store.JobStore;
import io.graphagent.net.testing.FakeClock;
import io.graphagent.protocol.v1.Algorithm;
import io.graphagent.protocol.v1.Command;
import io.graphagent.protocol.v1.JobFailureKind;
import io.graphagent.protocol.v1.JobProgress;
import io.graphagent.protocol.v1.JobSpec;
import io.graphagent.protocol.v1.JobState;
import io.graphagent.protocol.v1.JobStatus;
import io.graphagent.protocol.v1.JobSummary;
import io.graphagent.protocol.v1.StoredCheckpoint;
import io.graphagent.protocol.v1.StoredJob;
import io.graphagent.protocol.v1.SubmitReply;
import io.graphagent.protocol.v1.SubmitRequest;
import io.graphagent.protocol.v1.WatchJobRequest;
import io.grpc.stub.StreamObserver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a restarted coordinator's scheduler makes of the job records it finds, before any agent
 * is back: finished jobs shown as they ended, unfinished ones waiting to resume, job ids going on
 * above the highest recorded, and a job that can no longer run failed with the reason recorded.
 */
class JobSchedulerReloadTest {

    @TempDir
    Path dir;

    @Test
    void finishedJobsAreShownWithTheirSummaryAndUnfinishedOnesWaitToResume() throws Exception {
        JobStore store = JobStore.open(dir.resolve("state"));
        StoredJob done = record("job-1", JobState.SUCCEEDED, graph()).setMessage("done: 4 vertices")
                .setSummary(JobSummary.newBuilder().setVertices(4).setRecoveries(1)).build();
        StoredJob running = record("job-2", JobState.RUNNING, graph()).setJobEpoch(3).setRecoveries(1).setPartitions(4)
                .setSuperstep(12).setCheckpoint(StoredCheckpoint.newBuilder().setSuperstep(9).setDirectory(
                        dir.resolve("cp/job-2/step-9").toString())).addParticipants("agent-1").build();

        try (JobScheduler scheduler = scheduler(store, List.of(done, running))) {
            List<JobStatus> jobs = scheduler.jobs(true);

            assertThat(jobs).extracting(JobStatus::getJobId).containsExactly("job-1", "job-2");
            assertThat(jobs.get(0).getState()).isEqualTo(JobState.SUCCEEDED);
            assertThat(jobs.get(0).getSummary().getVertices()).isEqualTo(4);
            assertThat(jobs.get(1).getState()).isEqualTo(JobState.RECOVERING);
            assertThat(jobs.get(1).getMessage()).contains("coordinator restarted", "checkpoint of superstep 9");
            assertThat(jobs.get(1).getLastCheckpointSuperstep()).isEqualTo(9);
            assertThat(jobs.get(1).getRecoveries()).isEqualTo(1);
            assertThat(jobs.get(1).getJobEpoch()).as("above a recovery that may have begun unrecorded").isEqualTo(4);

            List<JobProgress> seen = new ArrayList<>();
            boolean[] completed = {false};
            scheduler.watch(WatchJobRequest.newBuilder().setJobId("job-1").build(), new StreamObserver<>() {
                @Override
                public void onNext(JobProgress value) {
                    seen.add(value);
                }

                @Override
                public void onError(Throwable t) {
                    throw new AssertionError(t);
                }

                @Override
                public void onCompleted() {
                    completed[0] = true;
                }
            });
            assertThat(seen).singleElement().satisfies(p -> assertThat(p.getSummary().getVertices()).isEqualTo(4));
            assertThat(completed[0]).as("a finished job's watch ends at once").isTrue();
        }
    }

    @Test
    void newJobsTakeIdsAboveTheHighestRecorded() throws Exception {
        JobStore store = JobStore.open(dir.resolve("state"));
        StoredJob old = record("job-41", JobState.FAILED, graph()).build();

        try (JobScheduler scheduler = scheduler(store, List.of(old))) {
            SubmitReply reply = scheduler.submit(SubmitRequest.newBuilder().setJob(spec(graph())).build());

            assertThat(reply.getErrorsList()).isEmpty();
            assertThat(reply.getJobId()).isEqualTo("job-42");
            assertThat(store.file("job-42")).as("recorded at submit").exists();
        }
    }

    @Test
    void aLaterCoordinatorNumbersItsCommandsAboveEveryIdOfAnEarlierOne() throws Exception {
        FakeClock clock = new FakeClock();
        long firstOfEarlier = JobScheduler.firstCommandId(clock);
        // The earlier coordinator lived one second and sent 999,999 commands: 1,000 a millisecond less one.
        long lastOfEarlier = firstOfEarlier + 999_999;
        clock.advance(java.time.Duration.ofSeconds(1));
        assertThat(JobScheduler.firstCommandId(clock)).isGreaterThan(lastOfEarlier);
        try (JobScheduler scheduler = scheduler(JobStore.open(dir.resolve("state")), List.of())) {
            assertThat(scheduler.commandIds().get()).as("started from the clock, not from 0").isPositive();
        }
    }

    @Test
    void anUnfinishedJobWhoseGraphIsGoneFailsWithTheReasonRecorded() throws Exception {
        JobStore store = JobStore.open(dir.resolve("state"));
        StoredJob running = record("job-5", JobState.RUNNING, dir.resolve("gone.e")).setPartitions(4).build();

        try (JobScheduler scheduler = scheduler(store, List.of(running))) {
            assertThat(scheduler.resumeStoredJobs()).isEmpty();
            JobStatus status = scheduler.jobs(true).getFirst();
            assertThat(status.getState()).isEqualTo(JobState.FAILED);
            assertThat(status.getMessage()).startsWith("cannot resume after the coordinator restarted: graph: ");
            assertThat(status.getFailureKind()).as("the job's input is gone").isEqualTo(JobFailureKind.BAD_INPUT);
        }
        StoredJob recorded = store.load().getFirst();
        assertThat(recorded.getState()).isEqualTo(JobState.FAILED);
        assertThat(recorded.getFailureKind()).isEqualTo(JobFailureKind.BAD_INPUT);
        assertThat(recorded.getMessage()).contains("cannot resume");
    }

    @Test
    void anUnfinishedJobOnAResidentGraphIsReloadedOnceTheResidentGraphsAreKnownInItsPlace() throws Exception {
        JobStore store = JobStore.open(dir.resolve("state"));
        StoredJob onGraph = StoredJob.newBuilder().setJobId("job-2").setState(JobState.RUNNING).setJobEpoch(2)
                .setPartitions(4).addParticipants("agent-1").setSpec(JobSpec.newBuilder().setAlgorithm(Algorithm.PAGERANK)
                        .setGraphName("rmat").setIterations(3).setOutputPath(dir.resolve("out.txt").toString())).build();
        StoredJob onFile = record("job-3", JobState.RUNNING, graph()).setPartitions(4).build();
        String source = graph().toString();
        ResidentCatalog rmat = new ResidentCatalog() {
            @Override
            public java.util.Optional<Graph> find(String name) {
                return name.equals("rmat") ? java.util.Optional.of(new Graph("rmat", "graph-rmat", 7, source,
                        true, false, 4, List.of(List.of(), List.of(), List.of(), List.of()))) : java.util.Optional.empty();
            }

            @Override
            public List<String> names() {
                return List.of("rmat");
            }
        };

        try (JobScheduler scheduler = scheduler(store, List.of(onGraph, onFile))) {
            assertThat(scheduler.jobs(true)).as("not before the resident graphs are known").extracting(JobStatus::getJobId)
                    .containsExactly("job-3");
            scheduler.useResidents(rmat);
            List<JobStatus> jobs = scheduler.jobs(true);
            assertThat(jobs).extracting(JobStatus::getJobId).containsExactly("job-2", "job-3");
            assertThat(jobs.getFirst().getState()).as(jobs.getFirst().getMessage()).isEqualTo(JobState.RECOVERING);
            assertThat(scheduler.resumeStoredJobs()).containsExactly("job-2", "job-3");
        }
        try (JobScheduler scheduler = scheduler(store, List.of(onGraph))) {
            assertThat(scheduler.resumeStoredJobs()).as("no resident graphs on this coordinator").isEmpty();
            JobStatus status = scheduler.jobs(true).getFirst();
            assertThat(status.getState()).isEqualTo(JobState.FAILED);
            assertThat(status.getMessage()).startsWith("cannot resume after the coordinator restarted: graph_name: no"
                    + " resident graph rmat is loaded");
        }
    }

    @Test
    void aFailedJobIsShownWithTheKindOfItsFailure() throws Exception {
        JobStore store = JobStore.open(dir.resolve("state"));
        StoredJob failed = record("job-7", JobState.FAILED, graph()).setMessage("gave up after 10 recoveries")
                .setFailureKind(JobFailureKind.CLUSTER_FAILURE).build();

        try (JobScheduler scheduler = scheduler(store, List.of(failed))) {
            JobStatus status = scheduler.jobs(true).getFirst();
            assertThat(status.getState()).isEqualTo(JobState.FAILED);
            assertThat(status.getFailureKind()).isEqualTo(JobFailureKind.CLUSTER_FAILURE);
        }
    }

    private JobScheduler scheduler(JobStore store, List<StoredJob> stored) {
        GraphagentConfig base = Profile.TEST.defaults();
        GraphagentConfig config = new GraphagentConfig(base.profile(), base.cluster(), base.coordinator(), base.agent(),
                base.session(), base.grpc(), base.tls(), base.network(),
                new JobConfig(5, dir.resolve("cp"), CheckpointStorage.SHARED, 2, 1, java.time.Duration.ofSeconds(30)), base.admin());
        return new JobScheduler(new NoAgents(), config, new FakeClock(), store, stored, Set.of("agent-1"));
    }

    private Path graph() throws Exception {
        Path edges = dir.resolve("tiny.e");
        if (!Files.exists(edges)) {
            Files.writeString(edges, "1 2\n2 3\n3 1\n3 4\n");
        }
        return edges;
    }

    private JobSpec spec(Path graph) {
        return JobSpec.newBuilder().setAlgorithm(Algorithm.PAGERANK).setGraph(graph.toString()).setDirected(true)
                .setIterations(3).setOutputPath(dir.resolve("out.txt").toString()).build();
    }

    private StoredJob.Builder record(String id, JobState state, Path graph) {
        return StoredJob.newBuilder().setJobId(id).setState(state).setSpec(spec(graph)).setSubmittedTimeMs(1_700_000_000_000L)
                .setJobEpoch(1);
    }
}
