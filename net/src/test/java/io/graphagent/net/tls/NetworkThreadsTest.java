package io.graphagent.net.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Whether every network thread still runs: one that ended (as an Error ends an event loop) is told. */
class NetworkThreadsTest {

    @Test
    void threadsRunningAreAliveAndOneEndedOrAllClosedAreNot() throws Exception {
        NetworkThreads threads = NetworkThreads.start("test", 2);
        assertThat(threads.alive()).isTrue();

        threads.io().next().shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).await(5, TimeUnit.SECONDS);
        assertThat(threads.alive()).as("one of two I/O threads ended").isFalse();

        threads.close();
        assertThat(threads.alive()).isFalse();
    }
}
