package io.graphagent.coordinator.membership;

import io.graphagent.config.SessionConfig;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ticks {@link Membership#tick()} on a scheduler the owner provides, so that leases expire
 * and late agents turn SUSPECT even when no message arrives. Detection lags the deadline by at
 * most one period; the period is a quarter of the shortest session timing, which keeps that
 * lag small against the lease while costing one pass over the agents per tick.
 */
public final class FailureDetector implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(FailureDetector.class);

    /** Shortest period: finer ticks would only burn CPU, since heartbeats are not that precise. */
    public static final Duration MIN_PERIOD = Duration.ofMillis(10);

    private final ScheduledFuture<?> ticking;

    private FailureDetector(ScheduledFuture<?> ticking) {
        this.ticking = ticking;
    }

    /** The tick period for a session timing: a quarter of min(heartbeat interval, suspect-after). */
    public static Duration period(SessionConfig timing) {
        Duration shortest = timing.heartbeatInterval().compareTo(timing.suspectAfter()) < 0
                ? timing.heartbeatInterval() : timing.suspectAfter();
        Duration quarter = shortest.dividedBy(4);
        return quarter.compareTo(MIN_PERIOD) < 0 ? MIN_PERIOD : quarter;
    }

    /**
     * Starts ticking {@code membership} every {@code period} on {@code scheduler}, which the
     * caller owns and shuts down; a tick that throws is logged and the next one still runs.
     */
    public static FailureDetector start(Membership membership, ScheduledExecutorService scheduler, Duration period) {
        Objects.requireNonNull(membership, "membership");
        long nanos = period.toNanos();
        ScheduledFuture<?> ticking = scheduler.scheduleWithFixedDelay(() -> {
            try {
                membership.tick();
            } catch (RuntimeException e) {
                log.error("event=failure_detector_tick_failed detail=\"{}\"", e.toString(), e);
            }
        }, nanos, nanos, TimeUnit.NANOSECONDS);
        return new FailureDetector(ticking);
    }

    /** Stops ticking; idempotent. */
    @Override
    public void close() {
        ticking.cancel(false);
    }
}
