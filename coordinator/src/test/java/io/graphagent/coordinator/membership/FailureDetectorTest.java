package io.graphagent.coordinator.membership;

import static org.assertj.core.api.Assertions.assertThat;

import io.graphagent.config.Profile;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class FailureDetectorTest {

    @Test
    void ticksFourTimesPerShortestSessionTiming() {
        assertThat(FailureDetector.period(Profile.LAN.defaults().session())).isEqualTo(Duration.ofMillis(250));
        assertThat(FailureDetector.period(Profile.WAN.defaults().session())).isEqualTo(Duration.ofMillis(500));
        assertThat(FailureDetector.period(Profile.TEST.defaults().session())).isEqualTo(Duration.ofMillis(62).plusNanos(500_000));
    }
}
