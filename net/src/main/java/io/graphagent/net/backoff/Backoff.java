package io.graphagent.net.backoff;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Reconnect delays: exponential backoff with full jitter (AWS architecture blog, "Exponential
 * Backoff And Jitter", 2015). Before attempt {@code n} (1-based) the caller waits a duration
 * drawn uniformly from {@code [0, min(maximum, initial * multiplier^(n-1))]}. Full jitter
 * spreads a fleet of agents that lost the coordinator at the same instant, so they do not
 * reconnect in lockstep; the cap bounds how long a recovered coordinator waits for them.
 *
 * <p>Immutable and thread-safe; the randomness is passed in per call, so a seeded generator
 * reproduces a schedule exactly and tests never sleep.
 *
 * @param initial     ceiling of the first delay; larger means gentler on a struggling server
 *                    but slower recovery from a blip
 * @param multiplier  growth of the ceiling per attempt, at least 1
 * @param maximum     cap of the ceiling; the longest any single wait can be
 * @param maxAttempts attempts allowed before giving up, or 0 for no limit
 * @param jitter      true (the default) draws each delay uniformly below the ceiling; false waits
 *                    the ceiling itself, so a fleet that lost the coordinator together retries
 *                    together (only for measuring what jitter buys: bench/failover.sh)
 */
public record Backoff(Duration initial, double multiplier, Duration maximum, int maxAttempts, boolean jitter) {

    /** Agent reconnect to the coordinator: 100 ms growing x2 to 10 s, never giving up. */
    public static final Backoff LAN = new Backoff(Duration.ofMillis(100), 2.0, Duration.ofSeconds(10), 0);

    /** Across data centres: 500 ms growing x2 to 60 s, never giving up. */
    public static final Backoff WAN = new Backoff(Duration.ofMillis(500), 2.0, Duration.ofSeconds(60), 0);

    /** Tests: 10 ms growing x2 to 200 ms, at most 20 attempts. */
    public static final Backoff TEST = new Backoff(Duration.ofMillis(10), 2.0, Duration.ofMillis(200), 20);

    /** Full jitter, as every production backoff. */
    public Backoff(Duration initial, double multiplier, Duration maximum, int maxAttempts) {
        this(initial, multiplier, maximum, maxAttempts, true);
    }

    public Backoff {
        Objects.requireNonNull(initial, "initial");
        Objects.requireNonNull(maximum, "maximum");
        if (initial.isNegative() || initial.isZero()) {
            throw new IllegalArgumentException("initial backoff must be positive, got " + initial);
        }
        if (maximum.compareTo(initial) < 0) {
            throw new IllegalArgumentException(
                    "maximum backoff " + maximum + " is below the initial backoff " + initial);
        }
        if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
            throw new IllegalArgumentException("backoff multiplier must be a finite number >= 1, got " + multiplier);
        }
        if (maxAttempts < 0) {
            throw new IllegalArgumentException("maximum attempts must be >= 0 (0 = unlimited), got " + maxAttempts);
        }
    }

    /**
     * The upper bound of the delay before attempt {@code attempt} (1-based), without jitter:
     * {@code min(maximum, initial * multiplier^(attempt-1))}.
     */
    public Duration ceiling(int attempt) {
        requireAttempt(attempt);
        double nanos = initial.toNanos() * Math.pow(multiplier, attempt - 1);
        long maximumNanos = maximum.toNanos();
        // Non-finite or huge products are simply capped.
        return Duration.ofNanos(nanos >= maximumNanos || Double.isNaN(nanos) ? maximumNanos : (long) nanos);
    }

    /**
     * The delay before attempt {@code attempt} (1-based), uniform in {@code [0, ceiling(attempt)]};
     * the ceiling itself when jitter is off ({@code random} is then not used).
     *
     * @param random source of the jitter; the caller owns its thread-safety
     */
    public Duration delay(int attempt, RandomGenerator random) {
        long ceilingNanos = ceiling(attempt).toNanos();
        if (!jitter) {
            return Duration.ofNanos(ceilingNanos);
        }
        return Duration.ofNanos(ceilingNanos == 0 ? 0 : random.nextLong(ceilingNanos + 1));
    }

    /** Whether {@code attemptsMade} failed attempts use up the allowance; never with no limit. */
    public boolean attemptsExhausted(int attemptsMade) {
        return maxAttempts > 0 && attemptsMade >= maxAttempts;
    }

    /** A copy with another attempt limit (0 = unlimited). */
    public Backoff withMaxAttempts(int attempts) {
        return new Backoff(initial, multiplier, maximum, attempts, jitter);
    }

    /** A copy with jitter on or off. */
    public Backoff withJitter(boolean on) {
        return new Backoff(initial, multiplier, maximum, maxAttempts, on);
    }

    private static void requireAttempt(int attempt) {
        if (attempt < 1) {
            throw new IllegalArgumentException("attempts are numbered from 1, got " + attempt);
        }
    }
}
