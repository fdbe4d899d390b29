package io.graphagent.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TimingPolicyTest {

    private static TimingPolicy policy(Duration heartbeat, Duration lease, Duration keepalive, Duration permit) {
        return new TimingPolicy(heartbeat, lease, Duration.ofSeconds(2), keepalive, Duration.ofSeconds(10), permit,
                Duration.ofSeconds(3));
    }

    @Test
    void isWhatTheConfigurationSays() {
        TimingPolicy lan = TimingPolicy.of(Profile.LAN.defaults());

        assertThat(lan.heartbeatInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(lan.leaseTtl()).isEqualTo(Duration.ofSeconds(5));
        assertThat(lan.permitKeepaliveTime()).isEqualTo(Duration.ofSeconds(20));
        assertThat(lan.handshakeTimeout()).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void agreeingSettingsGiveNoWarning() {
        TimingPolicy p = TimingPolicy.of(Profile.WAN.defaults());

        assertThat(p.compareWithLocal(TimingPolicy.of(Profile.WAN.defaults()))).isEmpty();
    }

    @Test
    void disagreeingLeaseIsAWarningNamingBothValues() {
        TimingPolicy coordinator = policy(Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(20));
        TimingPolicy agent = policy(Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(20));

        assertThat(coordinator.compareWithLocal(agent)).singleElement().satisfies(w -> {
            assertThat(w.isError()).isFalse();
            assertThat(w.key()).isEqualTo("session.lease-ttl");
            assertThat(w.message()).isEqualTo("the coordinator uses 5s, this agent's config says 10s;"
                    + " the coordinator's value applies to the session");
        });
    }

    @Test
    void agentPingingMoreOftenThanTheCoordinatorPermitsIsWarnedAboutTooManyPings() {
        TimingPolicy coordinator = policy(Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(60), Duration.ofSeconds(60));
        TimingPolicy agent = policy(Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(15), Duration.ofSeconds(60));

        assertThat(coordinator.compareWithLocal(agent))
                .anySatisfy(w -> assertThat(w.message()).contains("the coordinator uses 1m, this agent's config says 15s"))
                .anySatisfy(w -> assertThat(w.message()).contains("too_many_pings"));
    }
}
