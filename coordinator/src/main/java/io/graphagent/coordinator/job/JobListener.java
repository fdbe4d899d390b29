package io.graphagent.coordinator.job;

import io.graphagent.protocol.v1.JobState;

/**
 * Observer of the job layer, for metrics and the event log (the ops module): told of every
 * job state change, completed superstep, checkpoint and recovery. Called on the {@code job-driver} thread;
 * implementations must be quick and must not block or throw.
 */
public interface JobListener {

    /** Job {@code job} entered {@code state}; {@code detail} is the human-readable status line. */
    default void stateChanged(String job, JobState state, String detail) {
    }

    /**
     * Superstep {@code step} of {@code job} passed both barriers.
     *
     * @param millis   wall time from StartSuperstep to the last ExchangeDone, ms
     * @param messages vertex messages sent by all agents in the step (after combining)
     * @param bytes    data-plane bytes the agents shipped to peers in the step
     */
    default void superstepDone(String job, int step, long millis, long messages, long bytes) {
    }

    /** Every agent of {@code job} wrote its checkpoint after superstep {@code step}: {@code bytes} in all, in {@code millis} ms. */
    default void checkpointDone(String job, int step, long millis, long bytes) {
    }

    /**
     * {@code job} recovered from a lost agent and resumes at {@code resumeStep}, so the
     * {@code redone} supersteps it had begun since then run again; recovery took {@code millis} ms.
     */
    default void recovered(String job, int resumeStep, int redone, long millis) {
    }

    /**
     * A restarted coordinator reloaded {@code job} and resumed it at {@code resumeStep} (after its
     * last checkpoint, or 0 without one); {@link #recovered} was told of the recovery just before.
     */
    default void resumedAfterRestart(String job, int resumeStep) {
    }
}
