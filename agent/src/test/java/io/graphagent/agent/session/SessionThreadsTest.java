package io.graphagent.agent.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The session thread's periodic tasks (the heartbeats) outlive a run that throws; the session
 * dials on new network threads when its own have ended.
 */
class SessionThreadsTest {

    @Test
    void aPeriodicTaskThatRunsOutOfHeapOnceRunsAgainNextPeriod() {
        SessionThreads threads = new SessionThreads();
        AtomicInteger runs = new AtomicInteger();
        try {
            threads.every(() -> {
                int run = runs.incrementAndGet();
                if (run == 1) {
                    throw new OutOfMemoryError("Java heap space (a job filled the heap)");
                }
                if (run == 2) {
                    throw new IllegalStateException("a bug in one run");
                }
            }, Duration.ofMillis(10));

            await().atMost(Duration.ofSeconds(30)).until(() -> runs.get() >= 4);
            assertThat(threads.periodicFailures()).isEqualTo(2);
        } finally {
            threads.shutdown();
            threads.await();
        }
    }

    @Test
    void networkThreadsThatEndedAreReplacedForTheNextDial() {
        SessionThreads threads = new SessionThreads();
        try {
            io.graphagent.net.tls.NetworkThreads first = threads.network();
            assertThat(threads.network()).as("alive: kept").isSameAs(first);

            // As an Error that escaped Netty's event loop ends its thread (every dial on it would fail).
            first.close();
            io.graphagent.net.tls.NetworkThreads next = threads.network();

            assertThat(next).isNotSameAs(first);
            assertThat(next.alive()).isTrue();
            assertThat(next.role()).isEqualTo("agent-session");
        } finally {
            threads.shutdown();
            threads.await();
        }
    }
}
