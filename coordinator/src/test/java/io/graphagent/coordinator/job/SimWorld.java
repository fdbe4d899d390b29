package io.graphagent.coordinator.job;

import io.graphagent.net.testing.FakeClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * The simulated world of {@link JobRecoverySimulationTest}: one fake clock, one seeded random,
 * and one queue of timed events (network deliveries, heartbeats, failure-detector ticks, agents'
 * work, faults), run one at a time on the test's thread, with the invariants checked after each.
 * Events at the same instant run in the order they were scheduled, so a seed replays exactly.
 */
final class SimWorld {
    /** Thrown out of the world once an invariant failed or the job hung: the job layer unwinds and ends. */
    static final class Stopped extends Error {
        private static final long serialVersionUID = 1L;

        Stopped(String why) {
            super(why, null, false, false);
        }
    }

    private record Event(Instant at, long seq, String what, Runnable action) {
    }

    final FakeClock clock = new FakeClock();
    final SplittableRandom random;
    private final Instant start = clock.instant();
    private final PriorityQueue<Event> events = new PriorityQueue<>(
            Comparator.comparing(Event::at).thenComparingLong(Event::seq));
    private final Deque<String> trace = new ArrayDeque<>();
    private final Duration limit;
    private Runnable invariants = () -> { };
    private long seq;
    private long steps;
    private String stopped;

    /** @param limit simulated time after which the job counts as hung */
    SimWorld(long seed, Duration limit) {
        this.random = new SplittableRandom(seed);
        this.limit = limit;
    }

    void checkAfterEachStep(Runnable check) {
        invariants = check;
    }

    Instant now() {
        return clock.instant();
    }

    /** Simulated time since the start. */
    Duration elapsed() {
        return Duration.between(start, now());
    }

    long steps() {
        return steps;
    }

    void after(Duration delay, String what, Runnable action) {
        at(now().plus(delay), what, action);
    }

    void at(Instant when, String what, Runnable action) {
        events.add(new Event(when.isBefore(now()) ? now() : when, seq++, what, action));
    }

    /** A random duration in [from, to) ms. */
    Duration millis(int from, int to) {
        return Duration.ofMillis(from + random.nextInt(Math.max(1, to - from)));
    }

    /**
     * Runs the next event if it is due by {@code deadline}; false when none is (the clock is
     * left as it is).
     *
     * @throws Stopped once the world has been stopped
     */
    boolean stepBefore(Instant deadline) {
        if (stopped != null) {
            throw new Stopped(stopped);
        }
        Event next = events.peek();
        if (next == null || next.at().isAfter(deadline)) {
            return false;
        }
        events.poll();
        advanceTo(next.at());
        steps++;
        remember(next.what());
        next.action().run();
        invariants.run();
        if (elapsed().compareTo(limit) > 0) {
            stop("the job is still running after " + limit.toMinutes() + " simulated minutes: it hangs");
        }
        return true;
    }

    void advanceTo(Instant when) {
        Duration by = Duration.between(now(), when);
        if (by.isPositive()) {
            clock.advance(by);
        }
    }

    /** Ends the simulation: the next step throws {@link Stopped}. The first reason wins. */
    void stop(String why) {
        if (stopped == null) {
            stopped = why;
        }
    }

    String stopped() {
        return stopped;
    }

    /** Adds a line to the trace of the last events, printed when a seed fails. */
    void remember(String what) {
        trace.addLast(String.format("%8d ms  #%d  %s", elapsed().toMillis(), steps, what));
        if (trace.size() > Integer.getInteger("jobsim.tracesize", 400)) {
            trace.removeFirst();
        }
    }

    String trace() {
        return String.join("\n", trace);
    }
}
