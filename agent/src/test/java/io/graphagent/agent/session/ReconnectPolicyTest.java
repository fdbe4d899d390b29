package io.graphagent.agent.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.graphagent.net.backoff.Backoff;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The reconnect schedule, drawn from a seeded generator: no sleeping, and a seed replays exactly. */
class ReconnectPolicyTest {

    /** The test profile's session.reconnect: 50ms x2 up to 1s. */
    private static final Backoff BACKOFF = new Backoff(Duration.ofMillis(50), 2.0, Duration.ofSeconds(1), 0);

    private static List<Duration> delays(ReconnectPolicy policy, int n) {
        List<Duration> delays = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            delays.add(((ReconnectPolicy.Retry) policy.failed()).delay());
        }
        return delays;
    }

    @Test
    void delaysAreFullJitterUnderAnExponentialCapThatStopsAtTheMaximum() {
        ReconnectPolicy policy = new ReconnectPolicy(BACKOFF, new SplittableRandom(42));

        List<Duration> delays = delays(policy, 8);

        for (int attempt = 1; attempt <= delays.size(); attempt++) {
            assertThat(delays.get(attempt - 1)).isBetween(Duration.ZERO, BACKOFF.ceiling(attempt));
        }
        assertThat(BACKOFF.ceiling(6)).isEqualTo(Duration.ofSeconds(1));
        assertThat(delays).doesNotHaveDuplicates();
    }

    @Test
    void aSeedReplaysTheSameSchedule() {
        assertThat(delays(new ReconnectPolicy(BACKOFF, new SplittableRandom(7)), 10))
                .isEqualTo(delays(new ReconnectPolicy(BACKOFF, new SplittableRandom(7)), 10));
    }

    @Test
    void givesUpAfterMaxAttemptsAndAWelcomeStartsTheCountAgain() {
        ReconnectPolicy policy = new ReconnectPolicy(BACKOFF.withMaxAttempts(3), new SplittableRandom(1));

        assertThat(policy.failed()).isInstanceOf(ReconnectPolicy.Retry.class);
        assertThat(policy.failed()).isInstanceOf(ReconnectPolicy.Retry.class);
        policy.reset();
        assertThat(((ReconnectPolicy.Retry) policy.failed()).attempt()).isEqualTo(1);
        assertThat(((ReconnectPolicy.Retry) policy.failed()).attempt()).isEqualTo(2);
        assertThat(policy.failed()).isEqualTo(new ReconnectPolicy.GiveUp(3));
    }

    @Test
    void withoutALimitItNeverGivesUp() {
        ReconnectPolicy policy = new ReconnectPolicy(BACKOFF, new SplittableRandom(3));

        assertThat(delays(policy, 1_000)).hasSize(1_000).allMatch(d -> d.compareTo(Duration.ofSeconds(1)) <= 0);
    }
}
