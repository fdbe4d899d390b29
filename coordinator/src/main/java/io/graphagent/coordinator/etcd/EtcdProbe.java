package io.graphagent.coordinator.etcd;

import io.etcd.jetcd.maintenance.StatusResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * Health of the etcd cluster as one client sees it: each endpoint's status (reachable, its
 * member id, whether it leads etcd's Raft, its error) and whether a quorum answers a
 * linearizable read. Used by {@code doctor --etcd}, the coordinator's health watch and tests.
 * Every call is bounded by the connection's timeout. Stateless.
 */
public final class EtcdProbe {

    /** One endpoint's answer. */
    public record Endpoint(String url, boolean reachable, boolean raftLeader, String version, String problem) {
    }

    /** The cluster's answer: every endpoint, and whether a quorum served a read. */
    public record Health(List<Endpoint> endpoints, boolean quorum, String problem) {

        /** Endpoints that did not answer. */
        public List<Endpoint> down() {
            return endpoints.stream().filter(e -> !e.reachable()).toList();
        }
    }

    /** The linearizable read that tells a quorum, in the words of its failure ("etcd at ... did not ..."). */
    public static final String QUORUM_READ = "serve a read (quorum)";

    private EtcdProbe() {
    }

    /** Asks every endpoint for its status and the cluster for a linearizable read of the leader key. */
    public static Health check(EtcdConnection etcd) {
        List<Endpoint> endpoints = new ArrayList<>();
        for (String url : etcd.config().endpoints()) {
            try {
                StatusResponse status = etcd.await(etcd.client().getMaintenanceClient().statusMember(url),
                        "answer a status request at " + url);
                endpoints.add(new Endpoint(url, true, status.getLeader() == status.getHeader().getMemberId(),
                        status.getVersion(), ""));
            } catch (EtcdException e) {
                endpoints.add(new Endpoint(url, false, false, "", e.getMessage()));
            }
        }
        try {
            etcd.await(etcd.kv().get(EtcdConnection.bytes(etcd.keys().leader())), QUORUM_READ);
            return new Health(endpoints, true, "");
        } catch (EtcdException e) {
            return new Health(endpoints, false, e.getMessage());
        }
    }
}
