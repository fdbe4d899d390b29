package io.graphagent.coordinator.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The pauses between the attempts of one rollback: a cut that fails every load (agents that
 * cannot reach each other's data ports) spends the recovery budget over most of a minute, not within
 * seconds.
 */
class RecoveryPauseTest {

    @Test
    void pausesDoubleFromHalfASecondUpToEightSeconds() {
        assertThat(IntStream.rangeClosed(2, 8).mapToObj(Recovery::retryPause).toList()).containsExactly(
                Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4),
                Duration.ofSeconds(8), Duration.ofSeconds(8), Duration.ofSeconds(8));
    }

    @Test
    void theRecoveryBudgetCoversMoreThanFortyFiveSecondsOfFailedLoads() {
        Duration total = IntStream.rangeClosed(2, Recovery.MAX_RECOVERIES).mapToObj(Recovery::retryPause)
                .reduce(Duration.ZERO, Duration::plus);
        assertThat(total).isGreaterThanOrEqualTo(Duration.ofSeconds(45));
    }
}
