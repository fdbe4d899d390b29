package io.graphagent.agent.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.graphagent.protocol.v1.HeartbeatAck;
import org.junit.jupiter.api.Test;

class RoundTripMeterTest {

    private static final long MS = 1_000_000;

    @Test
    void skewIsServerTimeMinusTheMidpointOfTheRoundTrip() {
        RoundTripMeter meter = new RoundTripMeter();
        meter.sent(1, 5 * MS);

        // Sent at agent time 10_000 ms; the coordinator, 500 ms ahead, stamped the ack 10 ms later.
        boolean matched = meter.acked(HeartbeatAck.newBuilder().setSeq(1).setAgentSendTimeMs(10_000)
                .setServerTimeMs(10_510).build(), 25 * MS);

        assertThat(matched).isTrue();
        assertThat(meter.lastRttMicros()).isEqualTo(20_000);
        assertThat(meter.clockOffsetMs()).isEqualTo(500);
    }

    @Test
    void anAckOfAHeartbeatNoLongerRememberedMeasuresNothing() {
        RoundTripMeter meter = new RoundTripMeter();
        meter.sent(1, MS);
        meter.sent(1 + RoundTripMeter.WINDOW, 2 * MS);

        assertThat(meter.acked(HeartbeatAck.newBuilder().setSeq(1).build(), 3 * MS)).isFalse();
        assertThat(meter.acked(HeartbeatAck.newBuilder().setSeq(1 + RoundTripMeter.WINDOW).build(), 3 * MS)).isTrue();
        assertThat(meter.acked(HeartbeatAck.newBuilder().setSeq(1 + RoundTripMeter.WINDOW).build(), 4 * MS))
                .as("each heartbeat measured once").isFalse();
    }
}
