package io.graphagent.agent.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ResumeTicketTest {

    private static final Instant T0 = Instant.parse("2026-11-25T12:00:00Z");

    @Test
    void aSessionIsResumableOnlyWhileItsLeaseMayStillRun() {
        ResumeTicket ticket = new ResumeTicket("s-1", 4, Duration.ofSeconds(2), T0);

        assertThat(ticket.resumable(T0.plusMillis(1_999))).isTrue();
        assertThat(ticket.resumable(T0.plusSeconds(2))).isFalse();
        assertThat(ticket.acked(T0.plusSeconds(1)).resumable(T0.plusMillis(2_999))).isTrue();
        assertThat(ticket.silence(T0.minusSeconds(1))).as("clock stepped back").isZero();
    }
}
