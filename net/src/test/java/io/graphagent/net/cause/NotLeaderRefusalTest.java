package io.graphagent.net.cause;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.grpc.StatusException;
import org.junit.jupiter.api.Test;

class NotLeaderRefusalTest {

    @Test
    void aStandbyNamingTheLeaderIsReadBackWithTheLeadersAddress() {
        NotLeaderRefusal sent = new NotLeaderRefusal("coordinator-2", "10.0.0.1:7400", "");

        Status status = sent.status();

        assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(status.getDescription()).isEqualTo("not_leader: this coordinator (coordinator-2) is a standby; the"
                + " leader is at leader=10.0.0.1:7400: dial it, or list every coordinator in --coordinator");
        assertThat(NotLeaderRefusal.of(status)).contains(sent);
        assertThat(sent.summary()).isEqualTo("coordinator coordinator-2 is a standby; the leader is at 10.0.0.1:7400");
        assertThat(sent.fix()).startsWith("call the leader: --coordinator 10.0.0.1:7400");
    }

    @Test
    void anIpv6LeaderAddressIsReadWhole() {
        NotLeaderRefusal sent = new NotLeaderRefusal("c1", "[::1]:7401", "");

        assertThat(NotLeaderRefusal.of(sent.status())).map(NotLeaderRefusal::leader).contains("[::1]:7401");
    }

    @Test
    void noLeaderElectedYetSaysToTryAgain() {
        NotLeaderRefusal sent = new NotLeaderRefusal("c1", "", "");

        assertThat(NotLeaderRefusal.of(sent.status())).contains(sent);
        assertThat(sent.summary()).isEqualTo("no coordinator leads yet: coordinator c1 is a standby and an election is"
                + " under way");
        assertThat(sent.fix()).startsWith("try again in a few seconds");
    }

    @Test
    void etcdWithoutQuorumIsTheReasonNoCoordinatorLeads() {
        String problem = "etcd has no quorum: etcd at http://127.0.0.1:2379 did not serve a read (quorum) (no answer"
                + " within 2000 ms). Fix: check that a majority of the etcd members run and are reachable";
        NotLeaderRefusal sent = new NotLeaderRefusal("c1", "10.0.0.9:7400", problem);

        NotLeaderRefusal read = NotLeaderRefusal.of(sent.status()).orElseThrow();

        assertThat(sent.status().getDescription()).startsWith("not_leader: this coordinator (c1) admits no job: no"
                + " coordinator can lead or admit a job (leader=): etcd has no quorum: ");
        assertThat(read.leader()).as("no one leads while etcd has no quorum").isEmpty();
        assertThat(read.etcdProblem()).isEqualTo(problem);
        assertThat(read.summary()).isEqualTo("no coordinator leads: " + problem + " (coordinator c1 admits no job)");
        assertThat(read.fix()).startsWith("start enough etcd members for a majority");
    }

    @Test
    void theRefusalIsFoundInsideAWrappedStatusExceptionAndNothingElseIsOne() {
        NotLeaderRefusal sent = new NotLeaderRefusal("c2", "127.0.0.1:7401", "");

        assertThat(NotLeaderRefusal.of(new RuntimeException("call failed", new StatusException(sent.status()))))
                .contains(sent);
        assertThat(NotLeaderRefusal.of(Status.UNAVAILABLE.withDescription("io exception").asRuntimeException())).isEmpty();
        assertThat(NotLeaderRefusal.of(Status.FAILED_PRECONDITION.withDescription(sent.description()))).isEmpty();
        assertThat(NotLeaderRefusal.of(new IllegalStateException("not_leader: a message, not a status"))).isEmpty();
    }
}
