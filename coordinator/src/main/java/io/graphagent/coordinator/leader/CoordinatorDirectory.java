package io.graphagent.coordinator.leader;

import io.etcd.jetcd.KeyValue;
import io.graphagent.coordinator.etcd.EtcdConnection;
import io.graphagent.coordinator.etcd.EtcdException;
import io.graphagent.coordinator.etcd.ProtoText;
import io.graphagent.protocol.v1.StoredCoordinator;
import io.graphagent.protocol.v1.StoredLeader;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Where agents and clients given {@code --etcd} find the coordinators: the leader's address
 * first (the leader key), then every registered coordinator's (coordinators/). They dial the
 * first and follow the standbys' redirects from there. Stateless.
 */
public final class CoordinatorDirectory {

    private CoordinatorDirectory() {
    }

    /**
     * The coordinators' service addresses, leader first; empty when none is registered.
     *
     * @throws EtcdException when etcd does not answer
     */
    public static List<String> addresses(EtcdConnection etcd) throws EtcdException {
        Set<String> addresses = new LinkedHashSet<>();
        leader(etcd).ifPresent(l -> addresses.add(l.getAddress()));
        for (KeyValue kv : etcd.getPrefix(etcd.keys().coordinators(), "list the coordinators").getKvs()) {
            addresses.add(ProtoText.parse(EtcdConnection.text(kv.getKey()), EtcdConnection.text(kv.getValue()),
                    StoredCoordinator.newBuilder()).getAddress());
        }
        addresses.remove("");
        return new ArrayList<>(addresses);
    }

    /**
     * The leader key, if a coordinator leads.
     *
     * @throws EtcdException when etcd does not answer or the value is not a leader record
     */
    public static java.util.Optional<StoredLeader> leader(EtcdConnection etcd) throws EtcdException {
        List<KeyValue> leader = etcd.await(etcd.kv().get(EtcdConnection.bytes(etcd.keys().leader())), "read the leader key")
                .getKvs();
        if (leader.isEmpty()) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(ProtoText.parse(etcd.keys().leader(), EtcdConnection.text(leader.getFirst().getValue()),
                StoredLeader.newBuilder()).build());
    }
}
