package io.graphagent.coordinator.session;

import io.graphagent.coordinator.job.JobApi;
import io.graphagent.protocol.v1.CancelJobReply;
import io.graphagent.protocol.v1.CancelJobRequest;
import io.graphagent.protocol.v1.JobProgress;
import io.graphagent.protocol.v1.JobState;
import io.graphagent.protocol.v1.JobStatus;
import io.graphagent.protocol.v1.SubmitReply;
import io.graphagent.protocol.v1.SubmitRequest;
import io.graphagent.protocol.v1.WatchJobRequest;
import io.grpc.stub.StreamObserver;
import java.util.List;

/** A job layer with one fixed job and no scheduling, for tests of the session layer. */
class NoJobs implements JobApi {

    @Override
    public SubmitReply submit(SubmitRequest request) throws StoreUnavailableException, NotLeaderException {
        return SubmitReply.newBuilder().setJobId("job-1").build();
    }

    @Override
    public void watch(WatchJobRequest request, StreamObserver<JobProgress> progress) {
        progress.onNext(JobProgress.newBuilder().setJobId(request.getJobId()).setState(JobState.SUCCEEDED).build());
        progress.onCompleted();
    }

    @Override
    public CancelJobReply cancel(CancelJobRequest request) {
        return CancelJobReply.newBuilder().setState(JobState.CANCELLED).build();
    }

    @Override
    public List<JobStatus> jobs(boolean includeFinished) {
        return List.of(JobStatus.newBuilder().setJobId("job-1").setState(JobState.RUNNING).build());
    }
}
