package io.graphagent.net.backoff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private final Backoff backoff = new Backoff(Duration.ofMillis(100), 2.0, Duration.ofSeconds(5), 0);

    @Test
    void ceilingGrowsByTheMultiplierUntilTheCap() {
        assertThat(backoff.ceiling(1)).isEqualTo(Duration.ofMillis(100));
        assertThat(backoff.ceiling(2)).isEqualTo(Duration.ofMillis(200));
        assertThat(backoff.ceiling(6)).isEqualTo(Duration.ofMillis(3200));
        assertThat(backoff.ceiling(7)).isEqualTo(Duration.ofSeconds(5));
        assertThat(backoff.ceiling(10_000)).isEqualTo(Duration.ofSeconds(5));
        assertThat(backoff.ceiling(Integer.MAX_VALUE)).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void delayIsFullJitterWithinZeroAndTheCeiling() {
        RandomGenerator random = new SplittableRandom(42);
        for (int attempt = 1; attempt <= 40; attempt++) {
            for (int draw = 0; draw < 200; draw++) {
                Duration delay = backoff.delay(attempt, random);
                assertThat(delay).isBetween(Duration.ZERO, backoff.ceiling(attempt));
            }
        }
    }

    @Test
    void withoutJitterEveryDelayIsTheCeilingItself() {
        Backoff lockstep = backoff.withJitter(false);
        RandomGenerator random = new SplittableRandom(42);
        for (int attempt = 1; attempt <= 12; attempt++) {
            assertThat(lockstep.delay(attempt, random)).isEqualTo(backoff.ceiling(attempt));
        }
        assertThat(backoff.jitter()).as("jitter is on unless turned off").isTrue();
        assertThat(lockstep.withMaxAttempts(3).jitter()).isFalse();
    }

    @Test
    void jitterSpreadsDelaysOverTheWholeRange() {
        RandomGenerator random = new SplittableRandom(7);
        long below = 0;
        long above = 0;
        for (int draw = 0; draw < 1000; draw++) {
            long millis = backoff.delay(10, random).toMillis();
            if (millis < 1000) {
                below++;
            }
            if (millis > 4000) {
                above++;
            }
        }
        // Uniform on [0, 5000] ms: about 200 draws in each of those two fifths.
        assertThat(below).isBetween(120L, 280L);
        assertThat(above).isBetween(120L, 280L);
    }

    @Test
    void aSeedReproducesTheScheduleExactly() {
        assertThat(schedule(new SplittableRandom(2026))).isEqualTo(schedule(new SplittableRandom(2026)));
        assertThat(schedule(new SplittableRandom(2026))).isNotEqualTo(schedule(new SplittableRandom(2027)));
    }

    private List<Duration> schedule(RandomGenerator random) {
        List<Duration> delays = new ArrayList<>();
        for (int attempt = 1; attempt <= 12; attempt++) {
            delays.add(backoff.delay(attempt, random));
        }
        return delays;
    }

    @Test
    void attemptsAreExhaustedOnlyWithALimit() {
        Backoff bounded = backoff.withMaxAttempts(3);
        assertThat(bounded.attemptsExhausted(2)).isFalse();
        assertThat(bounded.attemptsExhausted(3)).isTrue();
        assertThat(bounded.attemptsExhausted(4)).isTrue();
        assertThat(backoff.attemptsExhausted(1_000_000)).isFalse();
    }

    @Test
    void multiplierOfOneGivesAConstantCeiling() {
        Backoff constant = new Backoff(Duration.ofMillis(250), 1.0, Duration.ofMillis(250), 0);
        assertThat(constant.ceiling(1)).isEqualTo(constant.ceiling(50));
    }

    @Test
    void nonsenseSettingsAreRefusedWithTheirValue() {
        assertThatThrownBy(() -> new Backoff(Duration.ZERO, 2.0, Duration.ofSeconds(1), 0))
                .hasMessageContaining("initial backoff must be positive");
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), 2.0, Duration.ofSeconds(1), 0))
                .hasMessageContaining("below the initial");
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(1), 0.5, Duration.ofSeconds(2), 0))
                .hasMessageContaining("multiplier must be a finite number >= 1, got 0.5");
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(1), Double.NaN, Duration.ofSeconds(2), 0))
                .hasMessageContaining("multiplier");
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(1), 2, Duration.ofSeconds(2), -1))
                .hasMessageContaining("maximum attempts");
        assertThatThrownBy(() -> backoff.ceiling(0)).hasMessageContaining("numbered from 1");
    }

    @Test
    void profilesAreValid() {
        assertThat(Backoff.LAN.ceiling(100)).isEqualTo(Backoff.LAN.maximum());
        assertThat(Backoff.WAN.attemptsExhausted(1000)).isFalse();
        assertThat(Backoff.TEST.attemptsExhausted(Backoff.TEST.maxAttempts())).isTrue();
    }
}
