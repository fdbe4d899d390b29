package io.graphagent.cli;

import java.time.Duration;

/**
 * A bound on one wait of a local cluster (a process to listen, a leader to be elected, the
 * agents to become ALIVE), polled every {@link #POLL}. Processes of a local cluster run on
 * real time, so it reads the monotonic {@code System.nanoTime}.
 */
final class PollDeadline {
    /** How often a wait looks again: well under a start's second or so, cheap in log reads and Status calls. */
    static final Duration POLL = Duration.ofMillis(200);

    private final long deadlineNanos;

    private PollDeadline(long deadlineNanos) {
        this.deadlineNanos = deadlineNanos;
    }

    /** A deadline {@code timeout} from now. */
    static PollDeadline after(Duration timeout) {
        return new PollDeadline(System.nanoTime() + timeout.toNanos());
    }

    boolean passed() {
        return System.nanoTime() > deadlineNanos;
    }

    /** Waits one {@link #POLL} before the next look. */
    void pause() {
        sleep(POLL);
    }

    /**
     * Sleeps {@code d} between two looks of a polling loop (never as a wait for an event).
     *
     * @throws LocalCluster.LocalClusterException when interrupted (the interrupt is kept)
     */
    static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LocalCluster.LocalClusterException("interrupted");
        }
    }
}
