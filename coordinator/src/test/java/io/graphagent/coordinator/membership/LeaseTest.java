package io.graphagent.coordinator.membership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class LeaseTest {

    private static final Instant T0 = Instant.parse("2026-11-25T12:00:00Z");
    private static final Duration TTL = Duration.ofSeconds(5);

    @Test
    void leaseExpiresExactlyTtlAfterItsLastRenewal() {
        Lease lease = Lease.grant(T0, TTL).renew(T0.plusSeconds(3));

        assertThat(lease.expiresAt()).isEqualTo(T0.plusSeconds(8));
        assertThat(lease.expired(T0.plusMillis(7_999))).isFalse();
        assertThat(lease.expired(T0.plusSeconds(8))).isTrue();
        assertThat(lease.remaining(T0.plusSeconds(6))).isEqualTo(Duration.ofSeconds(2));
        assertThat(lease.remaining(T0.plusSeconds(60))).isZero();
        assertThat(lease.sinceRenewal(T0.plusSeconds(4))).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void anExpiredLeaseCannotBeRenewed() {
        Lease lease = Lease.grant(T0, TTL);

        assertThatThrownBy(() -> lease.renew(T0.plus(TTL))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aClockSteppingBackNeitherShortensNorNegatesTheLease() {
        Lease lease = Lease.grant(T0, TTL).renew(T0.minusSeconds(2));

        assertThat(lease.renewedAt()).isEqualTo(T0);
        assertThat(lease.sinceRenewal(T0.minusSeconds(1))).isZero();
    }
}
