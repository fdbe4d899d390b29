package io.graphagent.agent.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.graphagent.config.Profile;
import io.graphagent.net.time.Ticker;
import io.graphagent.net.tls.TransportSecurity;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job layer broken for good (its data plane's network thread died) ends the session client
 * with code 1 and its reason, whether or not a session is open, so that a supervisor restarts
 * the agent instead of it lingering unreachable.
 */
class BrokenJobLayerTest {

    @Test
    void aBrokenJobLayerEndsTheClientWithCode1AndItsReason(@TempDir Path work) throws Exception {
        int nobody;
        try (ServerSocket free = new ServerSocket(0)) {
            nobody = free.getLocalPort();
        }
        RecordingHandler handler = new RecordingHandler();
        SessionClient client = new SessionClient(SessionSettings.from(Configs.agent(Profile.TEST, nobody, "agent-1", work),
                "agent-1"), TransportSecurity.insecure(), handler, Clock.systemUTC(), Ticker.system());
        try {
            client.start();
            assertThat(client.exit()).isNotDone();

            handler.broken = "a network thread of the data plane died";
            AgentExit exit = client.exit().get(10, TimeUnit.SECONDS);

            assertThat(exit.code()).isEqualTo(AgentExit.GAVE_UP);
            assertThat(exit.diagnosis()).isEqualTo("broken: a network thread of the data plane died");
        } finally {
            client.close();
        }
    }
}
