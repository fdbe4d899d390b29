package io.graphagent.agent.resident;

import static org.assertj.core.api.Assertions.assertThat;

import io.graphagent.protocol.v1.DropReplicas;
import io.graphagent.protocol.v1.ResidentHeld;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** The time an order reports comes from the injected clock. */
class ResidentCommandsTest {
    /** Moves 7 ms at every read: an order that reads it at its start and end took 7 ms. */
    private static final class SevenMsPerRead extends Clock {
        private long millis = 1_000;

        @Override
        public synchronized Instant instant() {
            millis += 7;
            return Instant.ofEpochMilli(millis);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    @Test
    void aDropReportsItsTimeOnTheInjectedClock() {
        ResidentCommands commands = new ResidentCommands(new ResidentStore(), address -> {
            throw new AssertionError("a drop dials no peer");
        }, Duration.ofSeconds(1), new SevenMsPerRead());
        ResidentHeld held = commands.drop("g", 1, DropReplicas.getDefaultInstance());
        assertThat(held.getGraph()).isEqualTo("g");
        assertThat(held.getTimeMs()).isEqualTo(7);
        assertThat(held.getPartitionIdsCount()).isZero();
    }
}
