package io.graphagent.coordinator.job;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * The job's {@link Inbox} in the simulation: polling an empty inbox runs the simulated world
 * (the next delivery, heartbeat, tick or fault) until an event for the job arrives or the
 * deadline passes on the fake clock. So the real job layer runs on the test's one thread.
 */
final class SimInbox implements Inbox {
    private final Deque<JobEvent> events = new ArrayDeque<>();
    private final SimWorld world;

    SimInbox(SimWorld world) {
        this.world = world;
    }

    @Override
    public void add(JobEvent event) {
        events.addLast(event);
    }

    @Override
    public JobEvent poll(Instant deadline) {
        while (events.isEmpty()) {
            if (!world.stepBefore(deadline)) {
                world.advanceTo(deadline);
                return null;
            }
        }
        return events.pollFirst();
    }

    @Override
    public void putBack(List<JobEvent> taken) {
        for (int i = taken.size() - 1; i >= 0; i--) {
            events.addFirst(taken.get(i));
        }
    }
}
