package io.graphagent.coordinator.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.graphagent.config.Profile;
import io.graphagent.net.testing.FakeClock;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** When a job reloaded by a restarted coordinator places its partitions again, on a fake clock. */
class RejoinTest {
    private static final Duration WINDOW = Duration.ofSeconds(15);
    private static final Duration GIVE_UP = Duration.ofSeconds(45);
    private static final Set<String> THREE = Set.of("agent-1", "agent-2", "agent-3");

    private final FakeClock clock = new FakeClock();
    private final Rejoin rejoin = new Rejoin(clock.instant(), WINDOW, GIVE_UP, Set.of("agent-1", "agent-2"));

    @Test
    void placesAsSoonAsEveryAgentOfTheJobIsBack() {
        assertThat(rejoin.verdict(THREE, Set.of("agent-1", "agent-3"), clock.instant())).isEqualTo(Rejoin.Verdict.WAIT);

        clock.advance(Duration.ofSeconds(2));

        assertThat(rejoin.verdict(THREE, THREE, clock.instant())).isEqualTo(Rejoin.Verdict.PLACE);
    }

    @Test
    void afterTheWindowPlacesOnTheAgentsThatCameBack() {
        clock.advance(WINDOW.minusMillis(1));
        assertThat(rejoin.verdict(THREE, Set.of("agent-2"), clock.instant())).isEqualTo(Rejoin.Verdict.WAIT);

        clock.advance(Duration.ofMillis(1));

        assertThat(rejoin.verdict(THREE, Set.of("agent-2"), clock.instant())).isEqualTo(Rejoin.Verdict.PLACE);
    }

    @Test
    void withNoAgentBackItWaitsUntilTheGiveUpTimeThenFails() {
        clock.advance(GIVE_UP.minusMillis(1));
        assertThat(rejoin.verdict(THREE, Set.of(), clock.instant())).isEqualTo(Rejoin.Verdict.WAIT);

        clock.advance(Duration.ofMillis(1));

        assertThat(rejoin.verdict(THREE, Set.of(), clock.instant())).isEqualTo(Rejoin.Verdict.GIVE_UP);
    }

    @Test
    void aJobThatRecordedNoAgentsWaitsForTheKnownOnes() {
        assertThat(rejoin.verdict(Set.of(), Set.of("agent-1"), clock.instant())).isEqualTo(Rejoin.Verdict.WAIT);
        assertThat(rejoin.verdict(Set.of(), Set.of("agent-1", "agent-2"), clock.instant())).isEqualTo(Rejoin.Verdict.PLACE);
    }

    @Test
    void theWindowIsOneCappedReconnectDelayPlusALease() {
        assertThat(Rejoin.window(Profile.LAN.defaults().session())).isEqualTo(Duration.ofSeconds(15));
        assertThat(Rejoin.window(Profile.TEST.defaults().session())).isEqualTo(Duration.ofSeconds(3));
    }
}
