package io.graphagent.agent.session;

import io.graphagent.coordinator.job.JobApi;
import io.graphagent.protocol.v1.CancelJobReply;
import io.graphagent.protocol.v1.CancelJobRequest;
import io.graphagent.protocol.v1.JobProgress;
import io.graphagent.protocol.v1.JobStatus;
import io.graphagent.protocol.v1.SubmitReply;
import io.graphagent.protocol.v1.SubmitRequest;
import io.graphagent.protocol.v1.WatchJobRequest;
import io.grpc.stub.StreamObserver;
import java.util.List;

/** A job layer that runs nothing: the session tests need a coordinator, not jobs. */
final class FixedJobs implements JobApi {

    @Override
    public SubmitReply submit(SubmitRequest request) {
        return SubmitReply.getDefaultInstance();
    }

    @Override
    public void watch(WatchJobRequest request, StreamObserver<JobProgress> progress) {
        progress.onCompleted();
    }

    @Override
    public CancelJobReply cancel(CancelJobRequest request) {
        return CancelJobReply.getDefaultInstance();
    }

    @Override
    public List<JobStatus> jobs(boolean includeFinished) {
        return List.of();
    }
}
