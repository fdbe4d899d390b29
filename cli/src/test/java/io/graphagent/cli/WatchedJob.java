package io.graphagent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.graphagent.protocol.v1.JobProgress;
import io.graphagent.protocol.v1.JobState;
import io.graphagent.protocol.v1.SubmitReply;
import io.graphagent.protocol.v1.SubmitRequest;
import java.util.Iterator;

/**
 * A job the fault tests submit and follow to its end: each RUNNING progress goes to the test
 * (which injects its fault there), and what the job ended with is kept.
 *
 * @param last               the job's last progress (its end)
 * @param lastBeforeRecovery the last superstep completed before the job first began recovering, or -1
 */
record WatchedJob(JobProgress last, int lastBeforeRecovery) {

    /** What a test does each time the job reports progress while RUNNING. */
    @FunctionalInterface
    interface OnRunning {
        void progress(JobProgress running) throws Exception;
    }

    /**
     * Submits {@code request} (asserting the coordinator accepted it) and watches the job to its
     * end, calling {@code onRunning} at each RUNNING progress.
     */
    static WatchedJob follow(CoordinatorClient client, SubmitRequest request, OnRunning onRunning) throws Exception {
        SubmitReply reply = client.submit(request);
        assertThat(reply.getErrorsList()).isEmpty();
        JobProgress last = null;
        int lastBeforeRecovery = -1;
        boolean recovering = false;
        Iterator<JobProgress> progress = client.watch(reply.getJobId());
        while (progress.hasNext()) {
            last = progress.next();
            recovering |= last.getState() == JobState.RECOVERING;
            if (last.getState() == JobState.RUNNING) {
                if (!recovering) {
                    lastBeforeRecovery = last.getSuperstep();
                }
                onRunning.progress(last);
            }
        }
        return new WatchedJob(last, lastBeforeRecovery);
    }
}
