package io.graphagent.agent.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.graphagent.net.testing.FakeTicker;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** The load an agent reports and its busy answer, timed on an injected ticker: the test moves time. */
class QueryWorkersTest {
    private final FakeTicker clock = new FakeTicker();

    private void serve(QueryWorkers workers, Duration took) {
        assertThat(workers.tryRun(QueryWorkers.Task.of(() -> clock.advance(took)))).isTrue();
        await().atMost(Duration.ofSeconds(60)).until(() -> workers.inFlight() == 0);
    }

    @Test
    void theReportedLatencyIsAnAverageOfServiceTimesOnTheClock() {
        try (QueryWorkers workers = new QueryWorkers(1, 4, clock)) {
            serve(workers, Duration.ofMillis(4));
            assertThat(workers.load().getLatencyMicros()).isEqualTo(4_000);
            serve(workers, Duration.ofMillis(14));
            // 4000 + 0.1 x (14000 - 4000)
            assertThat(workers.load().getLatencyMicros()).isEqualTo(5_000);
        }
    }

    @Test
    void overTheBoundARequestIsRefusedWithARetryAfterFromTheQueueAhead() throws Exception {
        try (QueryWorkers workers = new QueryWorkers(2, 2, clock)) {
            serve(workers, Duration.ofMillis(30));
            CountDownLatch release = new CountDownLatch(1);
            Runnable blocked = () -> {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            };
            assertThat(workers.tryRun(QueryWorkers.Task.of(blocked))).isTrue();
            assertThat(workers.tryRun(QueryWorkers.Task.of(blocked))).isTrue();
            assertThat(workers.tryRun(QueryWorkers.Task.of(() -> { }))).isFalse();
            assertThat(workers.inFlight()).isEqualTo(2);
            // 30 ms average x 2 in flight / 2 threads
            assertThat(workers.retryAfterMs()).isEqualTo(30);
            release.countDown();
            await().atMost(Duration.ofSeconds(60)).until(() -> workers.inFlight() == 0);
            // The two took 0 ms on the clock: 30 x 0.9 x 0.9 = 24.3 ms average, over 2 threads, ceil
            assertThat(workers.load().getLatencyMicros()).isEqualTo(24_300);
            assertThat(workers.retryAfterMs()).isEqualTo(13);
        }
    }
}
