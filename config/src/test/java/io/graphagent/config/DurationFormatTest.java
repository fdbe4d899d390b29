package io.graphagent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationFormatTest {

    @Test
    void parsesEveryUnitAndSums() {
        assertThat(DurationFormat.parse("200ms")).isEqualTo(Duration.ofMillis(200));
        assertThat(DurationFormat.parse("5s")).isEqualTo(Duration.ofSeconds(5));
        assertThat(DurationFormat.parse("1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(DurationFormat.parse("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(DurationFormat.parse("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(DurationFormat.parse("1d")).isEqualTo(Duration.ofDays(1));
        assertThat(DurationFormat.parse("250us")).isEqualTo(Duration.ofNanos(250_000));
        assertThat(DurationFormat.parse("1m30s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(DurationFormat.parse("0")).isEqualTo(Duration.ZERO);
    }

    @Test
    void spaceBetweenNumberAndUnitIsRefusedWithTheFix() {
        assertThatThrownBy(() -> DurationFormat.parse("5 s"))
                .hasMessageContaining("space between number and unit (write 5s)");
    }

    @Test
    void numberWithoutUnitIsRefusedBecauseItIsAmbiguous() {
        assertThatThrownBy(() -> DurationFormat.parse("5"))
                .hasMessageContaining("has no unit (write 5s or 5ms)");
    }

    @Test
    void wordsAndNegativesAreRefusedNamingTheAcceptedForm() {
        assertThatThrownBy(() -> DurationFormat.parse("fast"))
                .hasMessageContaining("'fast' is not a duration")
                .hasMessageContaining("500ms, 5s");
        assertThatThrownBy(() -> DurationFormat.parse("-1s")).hasMessageContaining("negative");
    }

    @Test
    void formatsInTheLargestExactUnitAndParsesBack() {
        assertThat(DurationFormat.format(Duration.ofSeconds(3))).isEqualTo("3s");
        assertThat(DurationFormat.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(DurationFormat.format(Duration.ofSeconds(90))).isEqualTo("90s");
        assertThat(DurationFormat.format(Duration.ofMinutes(2))).isEqualTo("2m");
        assertThat(DurationFormat.format(Duration.ZERO)).isEqualTo("0s");
        for (Duration d : new Duration[] {Duration.ofNanos(7), Duration.ofMillis(999), Duration.ofHours(25)}) {
            assertThat(DurationFormat.parse(DurationFormat.format(d))).isEqualTo(d);
        }
    }
}
