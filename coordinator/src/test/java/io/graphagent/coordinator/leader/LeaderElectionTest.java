package io.graphagent.coordinator.leader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import io.graphagent.config.EtcdConfig;
import io.graphagent.coordinator.etcd.EtcdConnection;
import io.graphagent.coordinator.etcd.EtcdFixture;
import io.graphagent.coordinator.store.EtcdClusterStore;
import io.graphagent.protocol.v1.JobState;
import io.graphagent.protocol.v1.StoredCoordinator;
import io.graphagent.protocol.v1.GraphLayout;
import io.graphagent.protocol.v1.ResidentState;
import io.graphagent.protocol.v1.StoredGraph;
import io.graphagent.protocol.v1.StoredJob;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Election, fencing and the etcd store against a real etcd (one member, shared). */
class LeaderElectionTest {

    private static final Duration TTL = Duration.ofSeconds(2);

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
    }

    private EtcdConnection connect(String cluster) throws Exception {
        EtcdConfig config = EtcdFixture.plaintext(EtcdFixture.shared().endpointList(), TTL);
        EtcdConnection c = EtcdConnection.open(config, cluster);
        open.add(c);
        return c;
    }

    private record Candidate(LeaderElection election, List<String> events) {
    }

    private Candidate candidate(String cluster, String id, Clock clock) throws Exception {
        return candidate(cluster, id, clock, LeaderElection.pollInterval(TTL));
    }

    private Candidate candidate(String cluster, String id, Clock clock, Duration poll) throws Exception {
        List<String> events = new CopyOnWriteArrayList<>();
        LeaderElection e = new LeaderElection(connect(cluster), StoredCoordinator.newBuilder().setCoordinatorId(id)
                .setAddress("127.0.0.1:1").build(), TTL, poll, clock, new LeaderElection.Listener() {
                    @Override
                    public void elected(Leadership leadership) {
                        events.add("elected " + leadership.term().value());
                    }

                    @Override
                    public void deposed(Leadership leadership, String why) {
                        events.add("deposed " + leadership.term().value());
                    }
                });
        open.add(e);
        e.start();
        return new Candidate(e, events);
    }

    @Test
    void oneOfTwoLeadsAndAStandbyTakesOverWithTheNextTermWithinTheTtlWhenTheLeaderDies() throws Exception {
        String cluster = EtcdFixture.clusterId("election");
        Candidate a = candidate(cluster, "a", Clock.systemUTC());
        Candidate b = candidate(cluster, "b", Clock.systemUTC());
        await().atMost(Duration.ofSeconds(10)).until(() -> a.election().leadership().isPresent()
                || b.election().leadership().isPresent());
        Candidate leader = a.election().leadership().isPresent() ? a : b;
        Candidate standby = leader == a ? b : a;
        assertThat(leader.election().leadership().orElseThrow().term().value()).isEqualTo(1);
        assertThat(standby.election().leadership()).isEmpty();
        await().atMost(Duration.ofSeconds(2)).until(() -> standby.election().leader().isPresent());
        assertThat(standby.election().leader().orElseThrow().getCoordinatorId())
                .isEqualTo(leader.election().self().getCoordinatorId());

        Leadership old = leader.election().leadership().orElseThrow();
        Instant killed = Instant.now();
        leader.election().halt();
        await().atMost(TTL.plusSeconds(5)).until(() -> standby.election().leadership().isPresent());
        Duration failover = Duration.between(killed, Instant.now());
        assertThat(standby.election().leadership().orElseThrow().term().value()).isEqualTo(2);
        assertThat(standby.events()).containsExactly("elected 2");
        assertThat(failover).isLessThan(TTL.plusSeconds(2));

        // The old leader's fence no longer holds: etcd refuses its write.
        FencedWrites stale = new FencedWrites(connect(cluster), new Leadership(old.term(), connect(cluster).keys().leader(),
                old.createRevision(), leaseThatLooksValid(cluster), Clock.systemUTC()));
        assertThatThrownBy(() -> stale.commit("write as the old leader", Op.put(EtcdConnection.bytes("/x"),
                EtcdConnection.bytes("y"), PutOption.DEFAULT)))
                .isInstanceOfSatisfying(FencedWrites.RefusedException.class, e -> assertThat(e.deposed()).isTrue())
                .hasMessageContaining("no longer leads");
    }

    @Test
    void aStandbyCampaignsAsSoonAsEtcdDeletesTheLeaderKeyNotAtItsNextLook() throws Exception {
        String cluster = EtcdFixture.clusterId("watch");
        Candidate a = candidate(cluster, "a", Clock.systemUTC());
        await().atMost(Duration.ofSeconds(10)).until(() -> a.election().leadership().isPresent());
        // b looks only every 60 s: only the watch of the leader key can make it campaign sooner.
        Candidate b = candidate(cluster, "b", Clock.systemUTC(), Duration.ofSeconds(60));
        await().atMost(Duration.ofSeconds(10)).until(() -> b.election().leader().isPresent());

        long lease = a.election().leadership().orElseThrow().leaseId();
        a.election().halt();
        EtcdConnection etcd = connect(cluster);
        etcd.client().getLeaseClient().revoke(lease).get(); // what etcd does when the dead leader's TTL runs out
        Instant gone = Instant.now();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(10))
                .until(() -> b.election().leadership().isPresent());
        assertThat(Duration.between(gone, Instant.now())).as("leader key deleted to the standby leading")
                .isLessThan(Duration.ofSeconds(3));
        assertThat(b.events()).containsExactly("elected 2");
    }

    @Test
    void aLeaderWhoseClockPassedItsLeaseWritesNothingAndStepsDown() throws Exception {
        String cluster = EtcdFixture.clusterId("paused");
        SleptClock clock = new SleptClock();
        Candidate a = candidate(cluster, "a", clock);
        await().atMost(Duration.ofSeconds(10)).until(() -> a.election().leadership().isPresent());
        Leadership leadership = a.election().leadership().orElseThrow();
        FencedWrites writes = new FencedWrites(connect(cluster), leadership);
        writes.commit("write while leading", Op.put(EtcdConnection.bytes("/" + cluster + "/k"), EtcdConnection.bytes("1"),
                PutOption.DEFAULT));

        clock.slept = TTL.plusMillis(1); // as if the process had been stopped past its lease
        assertThat(leadership.valid()).isFalse();
        assertThatThrownBy(() -> writes.commit("write after the pause", Op.put(EtcdConnection.bytes("/" + cluster + "/k"),
                EtcdConnection.bytes("2"), PutOption.DEFAULT)))
                .isInstanceOfSatisfying(FencedWrites.RefusedException.class, e -> assertThat(e.deposed()).isTrue());
        await().atMost(Duration.ofSeconds(3)).until(() -> a.events().contains("deposed 1"));
        assertThat(EtcdConnection.text(connect(cluster).kv().get(EtcdConnection.bytes("/" + cluster + "/k")).get()
                .getKvs().getFirst().getValue())).isEqualTo("1");
    }

    @Test
    void theNextLeadersStoreHoldsTheJobsGraphsSessionsAndAnEpochCeilingAboveEveryEpochHandedOut() throws Exception {
        String cluster = EtcdFixture.clusterId("store");
        Candidate a = candidate(cluster, "a", Clock.systemUTC());
        await().atMost(Duration.ofSeconds(10)).until(() -> a.election().leadership().isPresent());
        EtcdClusterStore first = EtcdClusterStore.open(connect(cluster), a.election().leadership().orElseThrow());
        open.add(first);
        assertThat(first.takenOver()).isFalse();
        long e1 = first.epochs().next();
        long e2 = first.epochs().next();
        first.epochs().agentSeen("agent-1");
        first.jobs().save(StoredJob.newBuilder().setJobId("job-1").setState(JobState.RUNNING).setJobEpoch(3).build());
        StoredGraph kept = StoredGraph.newBuilder().setName("rmat").setSource("/data/rmat").setReplicas(2).setGeneration(4)
                .setState(ResidentState.GRAPH_READY).setLayout(GraphLayout.newBuilder().setDirected(true).setEdges(9)
                        .addAllFirstVertex(java.util.List.of(0, 5, 10))).setLoadedTimeMs(77).build();
        first.graphs().save(kept);
        first.graphs().save(kept.toBuilder().setName("gone").build());
        first.graphs().delete("gone");
        await().atMost(Duration.ofSeconds(2)).until(() -> first.backlog() == 0);

        Candidate b = candidate(cluster, "b", Clock.systemUTC());
        a.election().halt();
        await().atMost(TTL.plusSeconds(5)).until(() -> b.election().leadership().isPresent());
        EtcdClusterStore second = EtcdClusterStore.open(connect(cluster), b.election().leadership().orElseThrow());
        open.add(second);
        assertThat(second.takenOver()).isTrue();
        assertThat(second.storedJobs()).extracting(StoredJob::getJobId).containsExactly("job-1");
        assertThat(second.storedJobs().getFirst().getJobEpoch()).isEqualTo(3);
        assertThat(second.knownAgents()).containsExactly("agent-1");
        assertThat(second.storedGraphs()).containsExactly(kept);
        assertThat(second.epochs().next()).isGreaterThan(Math.max(e1, e2)).isGreaterThan(1000);
        // The deposed leader's store writes nothing any more.
        assertThatThrownBy(() -> first.jobs().save(StoredJob.newBuilder().setJobId("job-2").build()))
                .isInstanceOf(FencedWrites.RefusedException.class);
        assertThatThrownBy(() -> first.graphs().delete("rmat")).isInstanceOf(FencedWrites.RefusedException.class);
        assertThat(EtcdClusterStore.open(connect(cluster), b.election().leadership().orElseThrow()).storedGraphs())
                .extracting(StoredGraph::getName).containsExactly("rmat");
    }

    /** Real time shifted by a skew the test sets: a process that slept through {@code skew}. */
    private static final class SleptClock extends Clock {
        private volatile Duration slept = Duration.ZERO;

        @Override
        public Instant instant() {
            return Instant.now().plus(slept);
        }

        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    private ProcessLease leaseThatLooksValid(String cluster) throws Exception {
        return ProcessLease.grant(connect(cluster), TTL, Clock.systemUTC());
    }
}
