package io.graphagent.coordinator.membership;

import java.time.Duration;
import java.time.Instant;

/**
 * How long the sessions a new leader carried over may stay missing. Each carried session gets
 * {@code grace} from the takeover to resume; but a new leader admits only so many handshakes at
 * once, so a storm of thousands of agents resuming together can take longer than any fixed
 * grace (measured: ~1,300 of 2,000 carried sessions expired while still queued at the door). So
 * a carried session that has not resumed expires only once its own grace ran out <em>and</em>
 * no carried session resumed for a whole {@code grace}: while the storm still makes progress,
 * nobody still on the way is declared DEAD; once it stalls, the missing are really gone. Not
 * thread-safe: used under {@link Membership}'s lock.
 */
final class TakeoverWindow {
    private Duration grace = Duration.ZERO;
    private Instant lastProgress;

    /** A takeover at {@code now}: carried sessions get {@code grace} from now, and from each resume. */
    void open(Instant now, Duration grace) {
        this.grace = grace;
        this.lastProgress = now;
    }

    /** A carried session resumed at {@code now}: the storm makes progress. */
    void progress(Instant now) {
        if (lastProgress == null || now.isAfter(lastProgress)) {
            lastProgress = now;
        }
    }

    /** Whether a carried session that has not resumed is still waited for at {@code now}. */
    boolean holds(Instant now) {
        return lastProgress != null && now.isBefore(lastProgress.plus(grace));
    }

    /** Until when carried sessions are waited for, for the log; null when no takeover happened. */
    Instant until() {
        return lastProgress == null ? null : lastProgress.plus(grace);
    }
}
