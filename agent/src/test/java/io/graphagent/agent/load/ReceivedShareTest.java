package io.graphagent.agent.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.graphagent.api.EdgeUse;
import io.graphagent.net.testing.FakeTicker;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * The shuffle's wait for the peers' edges ends at its deadline on the agent's injected ticker,
 * not on the JVM's clock: a fake ticker moved past the deadline ends it, naming the peer that
 * did not finish, while real time stays far below the deadline.
 */
class ReceivedShareTest {
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    private final FakeTicker ticker = new FakeTicker();
    private final ReceivedShare share = new ReceivedShare("job", 1, true, true, 2, new int[] {0},
            Set.of("agent-2", "agent-3"), EdgeUse.OUT_AND_IN, ticker);

    @Test
    void waitForSendersEndsWhenTheTickerPassesTheDeadline() {
        long deadline = ticker.nanos() + DEADLINE.toNanos();
        share.senderDone("agent-3");
        CompletableFuture<Throwable> outcome = waitInBackground(deadline);

        ticker.advance(DEADLINE.minusSeconds(1));
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> !outcome.isDone());
        ticker.advance(Duration.ofSeconds(2));

        Throwable ended = outcome.orTimeout(5, TimeUnit.SECONDS).join();
        assertThat(ended).isInstanceOf(TimeoutException.class)
                .hasMessageContaining("agent-2").hasMessageNotContaining("agent-3");
    }

    @Test
    void waitForSendersReturnsOnceEveryPeerIsDoneBeforeTheDeadline() {
        long deadline = ticker.nanos() + DEADLINE.toNanos();
        CompletableFuture<Throwable> outcome = waitInBackground(deadline);
        share.senderDone("agent-2");
        ticker.advance(DEADLINE.minusSeconds(1));
        share.senderDone("agent-3");

        assertThat(outcome.orTimeout(5, TimeUnit.SECONDS).join()).isNull();
    }

    private CompletableFuture<Throwable> waitInBackground(long deadline) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                share.awaitSenders(deadline, () -> false);
                return null;
            } catch (TimeoutException | InterruptedException e) {
                return e;
            }
        });
    }
}
