package io.graphagent.coordinator.job;

import java.time.Instant;
import java.util.List;

/**
 * The one way a job waits: for the next {@link JobEvent}, until a deadline on the job's
 * clock. In the coordinator it is a blocking queue fed by gRPC threads
 * ({@link BlockingInbox}); in the job simulation, polling an empty inbox runs the simulated
 * world until an event arrives or the deadline passes, so the real job layer runs on one
 * thread on fake time.
 */
interface Inbox {

    /** Queues an event; any thread. */
    void add(JobEvent event);

    /**
     * The next event, waiting until {@code deadline} at most; null when none came by then (or,
     * allowed, earlier: a caller looks at its clock again and decides). An event already queued
     * is returned even when the deadline has passed. Driver thread only.
     */
    JobEvent poll(Instant deadline) throws InterruptedException;

    /** Puts events taken but not consumed back at the head, in their order; driver thread only. */
    void putBack(List<JobEvent> events);
}
