package io.graphagent.cli;

import io.graphagent.config.GraphagentConfig;
import io.graphagent.config.HostPort;
import io.graphagent.coordinator.etcd.EtcdConnection;
import io.graphagent.coordinator.etcd.EtcdException;
import io.graphagent.coordinator.leader.CoordinatorDirectory;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The coordinator addresses an agent or a client dials when given {@code --etcd}: the leader
 * and every registered coordinator, read from etcd, ahead of any {@code --coordinator}
 * addresses. Without {@code --etcd} only the configured ones.
 */
final class CoordinatorsFromEtcd {

    private CoordinatorsFromEtcd() {
    }

    /**
     * @param configured the --coordinator addresses (or agent.coordinator)
     * @param explicit   whether they were given on purpose (then etcd trouble is not fatal)
     */
    static List<HostPort> resolve(GraphagentConfig config, List<HostPort> configured, boolean explicit) {
        if (!EtcdOptions.configured(config)) {
            return configured;
        }
        Set<HostPort> all = new LinkedHashSet<>();
        try (EtcdConnection etcd = EtcdConnection.open(config.coordinator().etcd(), config.cluster().id())) {
            for (String address : CoordinatorDirectory.addresses(etcd)) {
                all.add(HostPort.parse(address));
            }
        } catch (EtcdException e) {
            if (!explicit) {
                throw new BadInputException("cannot find the coordinators in etcd: " + e.getMessage());
            }
        }
        if (explicit) {
            all.addAll(configured);
        }
        if (all.isEmpty()) {
            throw new BadInputException("no coordinator of cluster " + config.cluster().id() + " is registered in etcd at "
                    + String.join(",", config.coordinator().etcd().endpoints()),
                    "start a coordinator with --etcd (and the same cluster.id), or pass --coordinator HOST:PORT");
        }
        return new ArrayList<>(all);
    }
}
