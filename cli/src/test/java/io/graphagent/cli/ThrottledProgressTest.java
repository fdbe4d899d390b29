package io.graphagent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ThrottledProgressTest {
    final AtomicLong now = new AtomicLong(1_000);
    final StringWriter err = new StringWriter();
    final ThrottledProgress progress = new ThrottledProgress(new PrintWriter(err), now::get);

    void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }

    @Test
    void staysSilentForTheFirstTwoSecondsWithoutBuildingMessages() {
        AtomicInteger built = new AtomicInteger();
        advance(Duration.ofMillis(1999));

        progress.report(() -> "step " + built.incrementAndGet());

        assertThat(err.toString()).isEmpty();
        assertThat(built).hasValue(0);
    }

    @Test
    void printsAfterTwoSecondsThenAtMostOncePerSecond() {
        advance(Duration.ofSeconds(2));
        progress.report(() -> "a");
        advance(Duration.ofMillis(999));
        progress.report(() -> "b");
        advance(Duration.ofMillis(1));
        progress.report(() -> "c");

        assertThat(err.toString().lines()).containsExactly("graphagent: a", "graphagent: c");
    }

    @Test
    void percentIsRounded() {
        assertThat(ThrottledProgress.percent(1, 3)).isEqualTo("33%");
        assertThat(ThrottledProgress.percent(0, 0)).isEqualTo("100%");
    }
}
