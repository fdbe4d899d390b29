package io.graphagent.agent.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The agent's checkpoint writer: the job thread goes on while a write runs on the writer's own
 * thread, waits for it only when asked (before any command but a superstep's), and never has
 * two writes in flight.
 */
class CheckpointWriterTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    /** How long a wait that must not end is watched. */
    private static final Duration HELD = Duration.ofMillis(200);

    private final CheckpointWriter writer = new CheckpointWriter();
    private final CountDownLatch release = new CountDownLatch(1);
    private final List<String> events = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() {
        release.countDown();
        writer.close();
    }

    @Test
    void submitReturnsWhileTheWriteRunsAndAwaitIdleReturnsOnceItEnded() throws Exception {
        writer.submit(() -> {
            events.add("write on " + Thread.currentThread().getName());
            awaitRelease();
            events.add("written");
        });
        assertThat(writer.busy()).isTrue();
        CompletableFuture<Void> restore = CompletableFuture.runAsync(() -> {
            writer.awaitIdle();
            events.add("restore runs");
        });

        await("the restore waits for the write").during(HELD).atMost(HELD.multipliedBy(5)).until(() -> !restore.isDone());
        release.countDown();
        restore.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(events).containsExactly("write on checkpoint-writer", "written", "restore runs");
        assertThat(writer.busy()).isFalse();
    }

    @Test
    void theNextWriteStartsOnlyOnceTheOneInFlightEnded() throws Exception {
        writer.submit(() -> {
            events.add("first begins");
            awaitRelease();
            events.add("first ends");
        });
        CompletableFuture<Void> second = CompletableFuture.runAsync(() -> writer.submit(() -> events.add("second")));

        await("the second submit waits").during(HELD).atMost(HELD.multipliedBy(5)).until(() -> !second.isDone());
        release.countDown();
        second.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        writer.awaitIdle();
        assertThat(events).containsExactly("first begins", "first ends", "second");
    }

    @Test
    void aWriteThatThrowsLeavesTheWriterIdleAndUsable() {
        writer.submit(() -> {
            throw new IllegalStateException("a bug in a write");
        });
        writer.awaitIdle();
        assertThat(writer.busy()).isFalse();

        writer.submit(() -> events.add("next write"));
        writer.awaitIdle();
        assertThat(events).containsExactly("next write");
    }

    @Test
    void awaitIdleWithNothingInFlightReturnsAtOnce() {
        assertThat(writer.busy()).isFalse();
        writer.awaitIdle();
    }

    private void awaitRelease() {
        try {
            release.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
