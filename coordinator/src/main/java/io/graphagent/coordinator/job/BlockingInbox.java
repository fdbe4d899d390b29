package io.graphagent.coordinator.job;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;

/**
 * The coordinator's {@link Inbox}: a blocking deque. A wait is measured on the injected clock
 * and lasts one slice of at most {@link #SLICE}, after which the caller reads its clock again,
 * so a clock that jumps (or a test's fake clock, which may never reach the deadline) cannot
 * hold the driver. Thread-safe.
 */
final class BlockingInbox implements Inbox {
    /** Longest single sleep before the clock is read again. */
    static final Duration SLICE = Duration.ofMillis(100);

    private final BlockingDeque<JobEvent> events = new LinkedBlockingDeque<>();
    private final Clock clock;

    BlockingInbox(Clock clock) {
        this.clock = clock;
    }

    @Override
    public void add(JobEvent event) {
        events.add(event);
    }

    /** Returns null after one slice at most, possibly before the deadline; callers look at their clock again. */
    @Override
    public JobEvent poll(Instant deadline) throws InterruptedException {
        Duration left = Duration.between(clock.instant(), deadline);
        if (!left.isPositive()) {
            return events.poll();
        }
        return events.poll(Math.max(1, Math.min(left.toMillis(), SLICE.toMillis())), TimeUnit.MILLISECONDS);
    }

    @Override
    public void putBack(List<JobEvent> taken) {
        for (int i = taken.size() - 1; i >= 0; i--) {
            events.addFirst(taken.get(i));
        }
    }
}
