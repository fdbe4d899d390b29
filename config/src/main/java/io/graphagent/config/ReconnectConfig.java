package io.graphagent.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Section {@code session.reconnect}: exponential backoff with full jitter for an agent
 * whose session broke. Attempt n waits a random time in [0, min(max, initial x
 * multiplier^n)].
 *
 * @param initial the first backoff cap. Shorter resumes sooner after a brief cut; a fleet
 *     restarting at once then hits the coordinator harder. Keep it well under
 *     {@code session.lease-ttl}, or no reconnect can resume a session.
 * @param multiplier growth of the cap per failed attempt, at least 1. Larger backs off
 *     faster from a coordinator that is down, and reconnects later once it is back.
 * @param max the largest cap. Bounds how long a recovered coordinator waits for agents to
 *     come back.
 * @param maxAttempts attempts before the agent gives up and exits; 0 retries forever
 *     (right under a supervisor that restarts nothing; a bound suits one that restarts the
 *     process anyway). A non-retryable Reject ends the agent at once regardless.
 * @param jitter true (the default): each wait is drawn uniformly below its cap, so agents that
 *     lost the coordinator together come back spread out. false waits the cap itself: a fleet
 *     then reconnects in lockstep waves; it exists to measure what jitter buys
 *     (bench/failover.sh), not for production.
 */
public record ReconnectConfig(Duration initial, double multiplier, Duration max, int maxAttempts, boolean jitter) {

    public ReconnectConfig {
        Objects.requireNonNull(initial, "initial");
        Objects.requireNonNull(max, "max");
    }
}
