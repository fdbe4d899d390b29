package io.graphagent.ops.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.graphagent.config.Profile;
import io.graphagent.coordinator.membership.Admission;
import io.graphagent.coordinator.membership.FakeConnection;
import io.graphagent.coordinator.membership.MemberSession;
import io.graphagent.coordinator.membership.Membership;
import io.graphagent.net.cause.CauseCounter;
import io.graphagent.net.testing.FakeClock;
import io.graphagent.protocol.v1.Heartbeat;
import io.graphagent.protocol.v1.Hello;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The fault metrics of issue 4, fed as the coordinator feeds them, on a fake clock. */
class ClusterMetricsTest {

    private final FakeClock clock = new FakeClock();
    private final ClusterMetrics metrics = new ClusterMetrics(clock);

    private MetricSnapshot snapshot(String name) {
        return metrics.registry().scrape().stream().filter(m -> m.getMetadata().getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no metric " + name));
    }

    private double counter(String name) {
        return ((CounterSnapshot) snapshot(name)).getDataPoints().get(0).getValue();
    }

    @Test
    void checkpointBytesAndRedoneSuperstepsAddUp() {
        metrics.checkpointDone("job-1", 4, 120, 1_000_000);
        metrics.checkpointDone("job-1", 9, 130, 1_500_000);
        metrics.recovered("job-1", 10, 3, 250);
        metrics.recovered("job-1", 10, 0, 90);

        assertThat(counter("graphagent_checkpoint_bytes")).isEqualTo(2_500_000);
        assertThat(counter("graphagent_supersteps_redone")).isEqualTo(3);
        assertThat(((HistogramSnapshot) snapshot("graphagent_recovery_duration_seconds")).getDataPoints().get(0).getCount())
                .isEqualTo(2);
    }

    @Test
    void anAgentsCheckpointCopiesAndFetchesAreCounted() {
        io.graphagent.agent.checkpoint.ReplicaCounters copies = new io.graphagent.agent.checkpoint.ReplicaCounters();
        metrics.observeCheckpointCopies(copies);
        copies.copied(4, 37_000);
        copies.stored(4, 33_000);
        copies.fetched(2, 20_000);
        copies.fetched(1, 9_000);
        copies.failed();

        CounterSnapshot bytes = (CounterSnapshot) snapshot("graphagent_checkpoint_copy_bytes");
        assertThat(bytes.getDataPoints()).extracting(d -> d.getLabels().get("direction") + "=" + (long) d.getValue())
                .containsExactlyInAnyOrder("sent=37000", "received=33000");
        assertThat(counter("graphagent_checkpoint_fetches")).isEqualTo(3);
        assertThat(counter("graphagent_checkpoint_fetch_bytes")).isEqualTo(29_000);
        assertThat(counter("graphagent_checkpoint_copy_failures")).isEqualTo(1);
    }

    @Test
    void aLeaseExpiryIsObservedAsDetectionLatencyFromTheLastHeartbeat() {
        var timing = Profile.TEST.defaults().session();
        Membership membership = new Membership(timing, clock, new CauseCounter());
        metrics.observeCoordinator(membership, new CauseCounter());
        MemberSession session = ((Admission.Admitted) membership.admit(Hello.newBuilder().setAgentId("agent-1")
                .setDataAddress("127.0.0.1:1").build(), "agent-1", 1, new FakeConnection("127.0.0.1:50001"))).session();
        membership.heartbeat(session, Heartbeat.newBuilder().setSeq(1).setSessionEpoch(session.epoch().value()).build());

        clock.advance(timing.leaseTtl().plus(Duration.ofMillis(40)));
        membership.tick();

        HistogramSnapshot.HistogramDataPointSnapshot point =
                ((HistogramSnapshot) snapshot("graphagent_detection_seconds")).getDataPoints().get(0);
        assertThat(point.getLabels().get("cause")).isEqualTo("lease_expired");
        assertThat(point.getCount()).isEqualTo(1);
        assertThat(point.getSum()).isEqualTo(timing.leaseTtl().plusMillis(40).toMillis() / 1000.0);
        assertThat(counter("graphagent_fenced_reports")).isZero();
    }
}
