package io.graphagent.net.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Whether every network thread still runs: one that ended (as an Error ends an event loop) is told. */
class NetworkThreadsTest {

    @Test
    void threadsRunningAreAliveAndOneEndedIsNot() throws Exception {
        try (NetworkThreads threads = NetworkThreads.start("test", 2)) {
            assertThat(threads.alive()).isTrue();

            var io = threads.io().next();
            io.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).await(5, TimeUnit.SECONDS);

            assertThat(threads.alive()).as("one of two I/O threads ended").isFalse();
        }
    }

    @Test
    void closedThreadsAreNotAlive() {
        NetworkThreads threads = NetworkThreads.start("test", 1);
        threads.close();

        assertThat(threads.alive()).isFalse();
    }
}
