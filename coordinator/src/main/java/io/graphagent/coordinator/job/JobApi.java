package io.graphagent.coordinator.job;

import io.grpc.stub.StreamObserver;
import io.graphagent.protocol.v1.CancelJobReply;
import io.graphagent.protocol.v1.CancelJobRequest;
import io.graphagent.protocol.v1.JobProgress;
import io.graphagent.protocol.v1.JobStatus;
import io.graphagent.protocol.v1.SubmitReply;
import io.graphagent.protocol.v1.SubmitRequest;
import io.graphagent.protocol.v1.WatchJobRequest;
import java.util.List;

/**
 * The client-facing job calls of the Coordinator service, implemented by the job scheduler;
 * the coordinator's gRPC service delegates Submit, WatchJob, CancelJob and the jobs part of
 * Status here. Thread-safe.
 */
public interface JobApi {

    /**
     * Admits a job, or answers the field errors of a request that is wrong.
     *
     * @throws StoreUnavailableException when the job could not be recorded because the cluster
     *                                   store did not answer: no fault of the request
     */
    SubmitReply submit(SubmitRequest request) throws StoreUnavailableException, NotLeaderException;

    /**
     * A job not admitted because this coordinator no longer leads (the cluster store fenced its
     * write: a newer leader was elected): the request belongs at the leader, and the coordinator
     * refuses the Submit as a standby does, naming the leader, not with a field error.
     */
    final class NotLeaderException extends Exception {
        private static final long serialVersionUID = 1L;

        /** @param message what could not be recorded and why */
        public NotLeaderException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * A job not admitted because the cluster store did not answer (etcd without a quorum): the
     * cluster cannot take jobs now, whatever the request; the coordinator refuses the Submit as
     * it does once its etcd health watch knows, not with a field error.
     */
    final class StoreUnavailableException extends Exception {
        private static final long serialVersionUID = 1L;

        /** @param problem what is wrong with the store and its fix ("etcd has no quorum: ...") */
        public StoreUnavailableException(String problem, Throwable cause) {
            super(problem, cause);
        }
    }

    /** Streams progress of a job until it ends (or the client goes away). */
    void watch(WatchJobRequest request, StreamObserver<JobProgress> progress);

    CancelJobReply cancel(CancelJobRequest request);

    List<JobStatus> jobs(boolean includeFinished);

    /** The input files of a job that is running (its agents may ask for splits of them), or empty. */
    default java.util.Optional<io.graphagent.protocol.v1.GraphFiles> inputOf(String jobId) {
        return java.util.Optional.empty();
    }
}
