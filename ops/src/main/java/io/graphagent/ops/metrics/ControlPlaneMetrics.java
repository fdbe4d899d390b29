package io.graphagent.ops.metrics;

import io.graphagent.coordinator.leader.ControlPlaneNode;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * The control plane of the etcd store as metrics, read at each scrape from the coordinator's
 * election and etcd health watch: {@code graphagent_etcd_quorum} (1 while a quorum of etcd
 * serves reads), {@code graphagent_etcd_members_down}, {@code graphagent_coordinator_leading}
 * (1 on the leader) and {@code graphagent_leader_term} (this leader's term, or the term of the
 * leader a standby sees; 0 when none). Every coordinator of the etcd store exposes them, the
 * standbys too ({@code ops/prometheus/alerts.yml}: EtcdQuorumLost, NoCoordinatorLeads), so that
 * they go on being scraped when no coordinator leads. Stateless.
 */
public final class ControlPlaneMetrics {

    /** What the gauges read; each supplier is called on the scrape thread and must not block. */
    public record Source(BooleanSupplier quorum, IntSupplier membersDown, BooleanSupplier leading, LongSupplier term) {
        public Source {
            Objects.requireNonNull(quorum, "quorum");
            Objects.requireNonNull(membersDown, "membersDown");
            Objects.requireNonNull(leading, "leading");
            Objects.requireNonNull(term, "term");
        }

        /** The gauges of {@code node}: its health watch's last probe and its election's cached state. */
        public static Source of(ControlPlaneNode node) {
            return new Source(() -> node.health().quorum(), () -> node.health().membersDown(), node::leading,
                    () -> node.view().term().value());
        }
    }

    private ControlPlaneMetrics() {
    }

    /** Registers the four gauges in {@code registry}. */
    public static void register(PrometheusRegistry registry, Source source) {
        GaugeWithCallback.builder().name("graphagent_etcd_quorum")
                .help("1 while a quorum of the etcd members serves a linearizable read (probed every second), else 0:"
                        + " no job is admitted and no leader can be elected.")
                .callback(cb -> cb.call(source.quorum().getAsBoolean() ? 1 : 0)).register(registry);
        GaugeWithCallback.builder().name("graphagent_etcd_members_down")
                .help("etcd members (of coordinator.etcd.endpoints) that did not answer the last status probe.")
                .callback(cb -> cb.call(source.membersDown().getAsInt())).register(registry);
        GaugeWithCallback.builder().name("graphagent_coordinator_leading")
                .help("1 while this coordinator leads (holds the etcd election), 0 while it stands by.")
                .callback(cb -> cb.call(source.leading().getAsBoolean() ? 1 : 0)).register(registry);
        GaugeWithCallback.builder().name("graphagent_leader_term")
                .help("The leader term this coordinator leads in, or that of the leader it sees; 0 when none leads.")
                .callback(cb -> cb.call(source.term().getAsLong())).register(registry);
    }
}
