package io.graphagent.agent.session;

import io.graphagent.net.backoff.Backoff;
import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * When to try the coordinator again after a failed attempt or a lost session: full-jitter
 * exponential backoff ({@link Backoff}) counted over consecutive failures, reset by each
 * Welcome, and a give-up once session.reconnect.max-attempts failures are used up. Pure logic
 * with a random source passed in, so a seeded generator replays a schedule; confined to the
 * session thread.
 */
final class ReconnectPolicy {

    /** What to do after a failure. */
    sealed interface Decision {
    }

    /** Try again after {@code delay}; this is reconnect attempt {@code attempt} since the last Welcome. */
    record Retry(int attempt, Duration delay) implements Decision {
    }

    /** Stop: {@code failures} consecutive attempts failed. */
    record GiveUp(int failures) implements Decision {
    }

    private final Backoff backoff;
    private final RandomGenerator random;
    private int failures;

    ReconnectPolicy(Backoff backoff, RandomGenerator random) {
        this.backoff = Objects.requireNonNull(backoff, "backoff");
        this.random = Objects.requireNonNull(random, "random");
    }

    /** Records one more failure and decides. */
    Decision failed() {
        failures++;
        if (backoff.attemptsExhausted(failures)) {
            return new GiveUp(failures);
        }
        return new Retry(failures, backoff.delay(failures, random));
    }

    /** A session opened: the next failure starts from the initial delay again. */
    void reset() {
        failures = 0;
    }

    int failures() {
        return failures;
    }
}
