package io.graphagent.agent.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.graphagent.net.tls.HostAndPort;
import io.graphagent.protocol.LeaderTerm;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CoordinatorTargetsTest {

    private static final HostAndPort A = new HostAndPort("127.0.0.1", 7400);
    private static final HostAndPort B = new HostAndPort("127.0.0.1", 7401);
    private static final HostAndPort LEADER = new HostAndPort("10.0.0.9", 7400);

    @Test
    void aFailedAttemptMovesOnToTheNextConfiguredCoordinatorInTurn() {
        CoordinatorTargets targets = new CoordinatorTargets(List.of(A, B));
        assertThat(targets.next()).isEqualTo(A);
        targets.failed();
        assertThat(targets.next()).isEqualTo(B);
        targets.failed();
        assertThat(targets.next()).isEqualTo(A);
    }

    @Test
    void aStandbysRedirectIsDialledNextButNotForeverWithoutAWelcome() {
        CoordinatorTargets targets = new CoordinatorTargets(List.of(A, B));
        targets.next();
        for (int i = 0; i < CoordinatorTargets.MAX_REDIRECTS; i++) {
            assertThat(targets.redirectTo(Optional.of(LEADER))).isTrue();
            assertThat(targets.next()).isEqualTo(LEADER);
        }
        assertThat(targets.redirectTo(Optional.of(LEADER))).as("a fourth redirect in a row").isFalse();
        assertThat(targets.next()).isEqualTo(B);
        assertThat(targets.welcomed(LeaderTerm.of(2))).isTrue();
        assertThat(targets.redirectTo(Optional.of(LEADER))).as("a Welcome resets the count").isTrue();
    }

    @Test
    void aRedirectDuringAnElectionNamesNoLeaderAndTheNextAddressIsTried() {
        CoordinatorTargets targets = new CoordinatorTargets(List.of(A, B));
        targets.next();
        assertThat(targets.redirectTo(CoordinatorTargets.address(""))).isFalse();
        assertThat(targets.next()).isEqualTo(B);
    }

    @Test
    void aWelcomeOfAnOlderTermThanOneSeenIsRefused() {
        CoordinatorTargets targets = new CoordinatorTargets(List.of(A, B));
        assertThat(targets.welcomed(LeaderTerm.of(3))).isTrue();
        assertThat(targets.welcomed(LeaderTerm.of(2))).as("a deposed leader").isFalse();
        assertThat(targets.welcomed(LeaderTerm.of(3))).isTrue();
        assertThat(targets.welcomed(LeaderTerm.of(4))).isTrue();
        assertThat(targets.highestTerm()).isEqualTo(LeaderTerm.of(4));
    }
}
