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
 * and slept in slices of at most {@link #SLICE}, so a clock that jumps (or a test's fake clock)
 * is read again soon. Thread-safe.
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

    @Override
    public JobEvent poll(Instant deadline) throws InterruptedException {
        while (true) {
            Duration left = Duration.between(clock.instant(), deadline);
            if (!left.isPositive()) {
                return events.poll();
            }
            JobEvent event = events.poll(Math.max(1, Math.min(left.toMillis(), SLICE.toMillis())), TimeUnit.MILLISECONDS);
            if (event != null) {
                return event;
            }
        }
    }

    @Override
    public void putBack(List<JobEvent> taken) {
        for (int i = taken.size() - 1; i >= 0; i--) {
            events.addFirst(taken.get(i));
        }
    }
}
