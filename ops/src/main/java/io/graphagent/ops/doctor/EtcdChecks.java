package io.graphagent.ops.doctor;

import io.graphagent.config.EtcdConfig;
import io.graphagent.coordinator.etcd.EtcdConnection;
import io.graphagent.coordinator.etcd.EtcdException;
import io.graphagent.coordinator.etcd.EtcdProbe;
import io.graphagent.protocol.v1.StoredLeader;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code doctor --etcd}: the etcd cluster of the etcd store, in order: the client settings
 * (TLS files, or plaintext allowed), each member's reachability and version, a quorum read,
 * and which coordinator leads. One {@link CheckResult} per line; a check that depends on a
 * failed one is SKIPPED. Every call bounded by the connection's timeout. Stateless.
 */
public final class EtcdChecks {

    private EtcdChecks() {
    }

    public static List<CheckResult> run(EtcdConfig config, String clusterId) {
        List<CheckResult> results = new ArrayList<>();
        EtcdConnection etcd;
        try {
            etcd = EtcdConnection.open(config, clusterId);
        } catch (EtcdException e) {
            results.add(CheckResult.fail("etcd-client", e.getMessage(), "see the message"));
            results.add(CheckResult.skipped("etcd-quorum", "etcd-client failed"));
            results.add(CheckResult.skipped("etcd-leader", "etcd-client failed"));
            return results;
        }
        try (etcd) {
            results.add(CheckResult.pass("etcd-client", (config.plaintext() ? "plaintext (--etcd-insecure) to " : "mutual TLS to ")
                    + String.join(",", config.endpoints())));
            EtcdProbe.Health health = EtcdProbe.check(etcd);
            for (EtcdProbe.Endpoint e : health.endpoints()) {
                results.add(e.reachable()
                        ? CheckResult.pass("etcd-member " + e.url(), "etcd " + e.version() + (e.raftLeader() ? ", leads etcd's raft" : ""))
                        : CheckResult.fail("etcd-member " + e.url(), e.problem(), "start the member, or check the network"
                        + " and its TLS; with a quorum of the others the cluster carries on"));
            }
            if (!health.quorum()) {
                results.add(CheckResult.fail("etcd-quorum", health.problem(), "start enough members for a majority:"
                        + " without it no job is admitted and no coordinator can lead"));
                results.add(CheckResult.skipped("etcd-leader", "etcd-quorum failed"));
                return results;
            }
            results.add(CheckResult.pass("etcd-quorum", (health.endpoints().size() - health.down().size()) + " of "
                    + health.endpoints().size() + " members answer"));
            try {
                java.util.Optional<StoredLeader> leader = io.graphagent.coordinator.leader.CoordinatorDirectory.leader(etcd);
                if (leader.isEmpty()) {
                    results.add(CheckResult.warn("etcd-leader", "no coordinator of cluster " + clusterId + " leads",
                            "start a coordinator with --etcd and the same cluster.id (an election takes one TTL after a leader dies)"));
                } else {
                    StoredLeader l = leader.get();
                    results.add(CheckResult.pass("etcd-leader", l.getCoordinatorId() + " at " + l.getAddress() + ", term "
                            + l.getTerm()));
                }
            } catch (EtcdException e) {
                results.add(CheckResult.fail("etcd-leader", e.getMessage(), "see the message"));
            }
            return results;
        }
    }
}
