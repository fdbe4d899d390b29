package io.graphagent.coordinator.leader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.graphagent.coordinator.etcd.EtcdConnection;
import io.graphagent.coordinator.etcd.EtcdFixture;
import io.graphagent.coordinator.etcd.LocalEtcd;
import io.graphagent.coordinator.store.EtcdClusterStore;
import io.graphagent.coordinator.store.StoreException;
import io.graphagent.protocol.v1.JobState;
import io.graphagent.protocol.v1.StoredCoordinator;
import io.graphagent.protocol.v1.StoredJob;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A three-member etcd where quorum matters: one member lost is only an event and the leader
 * carries on; two lost, nothing is recorded (no job admitted) and the leader stands by; both
 * back, a leader is elected again and every record is still there.
 */
class EtcdQuorumTest {

    private static final Duration TTL = Duration.ofSeconds(2);

    @Test
    void oneLostMemberIsAnEventALostQuorumRefusesRecordsAndItsReturnLosesNothing() throws Exception {
        String cluster = EtcdFixture.clusterId("quorum");
        try (LocalEtcd etcd = EtcdFixture.start(3);
             EtcdConnection connection = EtcdConnection.open(EtcdFixture.plaintext(etcd.endpointList(), TTL), cluster);
             EtcdConnection storeConnection = EtcdConnection.open(EtcdFixture.plaintext(etcd.endpointList(), TTL), cluster);
             EtcdHealthWatch health = new EtcdHealthWatch(connection)) {
            List<String> events = new CopyOnWriteArrayList<>();
            health.addListener((event, detail) -> events.add(event));
            health.start();
            List<String> roles = new CopyOnWriteArrayList<>();
            try (LeaderElection election = new LeaderElection(connection, StoredCoordinator.newBuilder()
                    .setCoordinatorId("c").setAddress("127.0.0.1:1").build(), TTL, Clock.systemUTC(),
                    new LeaderElection.Listener() {
                        @Override
                        public void elected(Leadership leadership) {
                            roles.add("elected " + leadership.term().value());
                        }

                        @Override
                        public void deposed(Leadership leadership, String why) {
                            roles.add("deposed " + leadership.term().value());
                        }
                    })) {
                election.start();
                await().atMost(Duration.ofSeconds(10)).until(() -> election.leadership().isPresent());
                EtcdClusterStore store = EtcdClusterStore.open(storeConnection, election.leadership().orElseThrow());
                store.jobs().save(job("job-1"));

                etcd.kill(etcd.members().get(2));
                await().atMost(Duration.ofSeconds(15)).until(() -> events.contains("etcd_member_down"));
                store.jobs().save(job("job-2"));
                assertThat(election.leadership()).as("one member lost: the leader carries on").isPresent();
                assertThat(events).doesNotContain("etcd_quorum_lost");

                etcd.kill(etcd.members().get(1));
                // Classified where it fails: the store did not answer, and its problem is worded as the
                // health watch words it once it notices (a submit refused for the quorum either way).
                assertThatThrownBy(() -> store.jobs().save(job("job-3")))
                        .isInstanceOfSatisfying(StoreException.class, e -> {
                            assertThat(e.reason()).isEqualTo(StoreException.Reason.UNAVAILABLE);
                            assertThat(e.storeProblem()).startsWith("etcd has no quorum: etcd at " + etcd.endpoints()
                                    + " did not serve a read (quorum)");
                        })
                        .hasMessageContaining("could not record job-3")
                        .hasMessageContaining("majority of the etcd members");
                await().atMost(Duration.ofSeconds(15)).until(() -> events.contains("etcd_quorum_lost"));
                assertThat(health.problem()).startsWith("etcd has no quorum");
                await().atMost(TTL.plusSeconds(10)).until(() -> roles.contains("deposed 1"));
                store.close();

                etcd.start(etcd.members().get(1));
                etcd.start(etcd.members().get(2));
                await().atMost(Duration.ofSeconds(30)).until(() -> events.contains("etcd_quorum_back"));
                await().atMost(Duration.ofSeconds(15)).until(() -> election.leadership().isPresent());
                try (EtcdClusterStore again = EtcdClusterStore.open(storeConnection, election.leadership().orElseThrow())) {
                    // Nothing recorded is lost; job-3, refused by the quorum read, was never sent.
                    assertThat(again.storedJobs()).extracting(StoredJob::getJobId).containsExactly("job-1", "job-2");
                    assertThat(election.leadership().orElseThrow().term().value()).isEqualTo(2);
                }
            }
        }
    }

    private static StoredJob job(String id) {
        return StoredJob.newBuilder().setJobId(id).setState(JobState.RUNNING).build();
    }
}
