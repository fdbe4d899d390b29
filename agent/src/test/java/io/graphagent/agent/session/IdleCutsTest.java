package io.graphagent.agent.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.graphagent.net.cause.DisconnectCause;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class IdleCutsTest {
    private static Duration ms(long millis) {
        return Duration.ofMillis(millis);
    }

    @Test
    void threeQuietClosesAfterTheSameQuietPeriodAreAnIdleTimeout() {
        IdleCuts cuts = new IdleCuts();
        assertThat(cuts.sessionLost(DisconnectCause.PEER_CLOSED, ms(201))).isEmpty();
        assertThat(cuts.sessionLost(DisconnectCause.PEER_CLOSED, ms(205))).isEmpty();
        assertThat(cuts.sessionLost(DisconnectCause.STREAM_BROKEN, ms(199))).contains("the last 3 sessions were closed by the"
                + " path each after 199-205 ms without traffic: an idle timeout of about 199 ms on a proxy, load balancer or NAT");
        assertThat(cuts.sessionLost(DisconnectCause.PEER_CLOSED, ms(203))).as("and every cut after").isPresent();
    }

    @Test
    void quietPeriodsThatVaryAreNoIdleTimeout() {
        IdleCuts cuts = new IdleCuts();
        cuts.sessionLost(DisconnectCause.CONNECTION_RESET, ms(40));
        cuts.sessionLost(DisconnectCause.CONNECTION_RESET, ms(180));
        assertThat(cuts.sessionLost(DisconnectCause.CONNECTION_RESET, ms(110))).isEmpty();
    }

    @Test
    void anotherCauseOrAnInstantCloseStartsTheCountAgain() {
        IdleCuts cuts = new IdleCuts();
        cuts.sessionLost(DisconnectCause.PEER_CLOSED, ms(200));
        cuts.sessionLost(DisconnectCause.PEER_CLOSED, ms(200));
        assertThat(cuts.sessionLost(DisconnectCause.DEADLINE_EXCEEDED, ms(200))).isEmpty();
        assertThat(cuts.sessionLost(DisconnectCause.PEER_CLOSED, ms(200))).isEmpty();
        assertThat(cuts.sessionLost(DisconnectCause.PEER_CLOSED, ms(5))).as("closed right after a message").isEmpty();
        assertThat(cuts.sessionLost(DisconnectCause.PEER_CLOSED, ms(200))).isEmpty();
    }
}
