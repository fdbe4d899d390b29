package io.graphagent.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.graphagent.protocol.VersionNegotiation.Agreed;
import io.graphagent.protocol.VersionNegotiation.Refused;
import io.graphagent.protocol.VersionNegotiation.Side;
import io.graphagent.protocol.v1.Reject;
import io.graphagent.protocol.v1.RejectReason;
import org.junit.jupiter.api.Test;

class VersionNegotiationTest {

    @Test
    void overlappingRangesChooseTheHighestCommonVersion() {
        assertThat(VersionNegotiation.choose(1, 3, 2, 5)).isEqualTo(new Agreed(3));
        assertThat(VersionNegotiation.choose(2, 5, 1, 3)).isEqualTo(new Agreed(3));
        assertThat(VersionNegotiation.choose(1, 9, 4, 4)).isEqualTo(new Agreed(4));
    }

    @Test
    void rangesTouchingAtOneVersionAgreeOnIt() {
        assertThat(VersionNegotiation.choose(1, 2, 2, 3)).isEqualTo(new Agreed(2));
    }

    @Test
    void thisBuildAgreesWithItself() {
        assertThat(VersionNegotiation.choose(ProtocolVersion.MIN, ProtocolVersion.MAX))
                .isEqualTo(new Agreed(ProtocolVersion.MAX));
    }

    @Test
    void agentOlderThanCoordinatorIsToldToUpgradeTheAgent() {
        var outcome = VersionNegotiation.choose(1, 1, 2, 3);

        assertThat(outcome).isInstanceOf(Refused.class);
        Refused refused = (Refused) outcome;
        assertThat(refused.upgrade()).isEqualTo(Side.AGENT);
        assertThat(refused.message())
                .contains("[1,1]")
                .contains("[2,3]")
                .contains("Upgrade the agent");
    }

    @Test
    void agentNewerThanCoordinatorIsToldToUpgradeTheCoordinator() {
        var outcome = VersionNegotiation.choose(4, 5, 1, 3);

        assertThat(outcome).isInstanceOf(Refused.class);
        Refused refused = (Refused) outcome;
        assertThat(refused.upgrade()).isEqualTo(Side.COORDINATOR);
        assertThat(refused.message())
                .contains("[4,5]")
                .contains("[1,3]")
                .contains("Upgrade the coordinator");
    }

    @Test
    void refusalBecomesANonRetryableVersionReject() {
        Refused refused = (Refused) VersionNegotiation.choose(7, 7, 1, 2);

        Reject reject = refused.toReject();

        assertThat(reject.getReason()).isEqualTo(RejectReason.VERSION_UNSUPPORTED);
        assertThat(reject.getRetryable()).isFalse();
        assertThat(reject.getMessage()).isEqualTo(refused.message());
        assertThat(reject.getCoordinatorProtocolMin()).isEqualTo(1);
        assertThat(reject.getCoordinatorProtocolMax()).isEqualTo(2);
    }

    @Test
    void unsetAgentRangeIsRefusedNotThrown() {
        var outcome = VersionNegotiation.choose(0, 0, 1, 1);

        assertThat(outcome).isInstanceOf(Refused.class);
        assertThat(((Refused) outcome).message()).contains("malformed").contains("[0,0]");
    }

    @Test
    void invertedAgentRangeIsRefused() {
        assertThat(VersionNegotiation.choose(3, 2, 1, 5)).isInstanceOf(Refused.class);
    }

    @Test
    void malformedCoordinatorRangeIsABug() {
        assertThatThrownBy(() -> VersionNegotiation.choose(1, 1, 2, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[2,1]");
    }
}
