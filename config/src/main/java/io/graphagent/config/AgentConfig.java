package io.graphagent.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Section {@code agent}: how an agent finds the coordinator and its peers find it.
 *
 * @param coordinators addresses of the coordinators to dial, in order: with the etcd store
 *     list every coordinator, so that the agent finds the leader when one is down (a standby
 *     names the leader; the agent follows). One address with the local store.
 * @param dataListen address the agent's data plane (peer message exchange) listens on;
 *     port 0 takes any free port, which avoids clashes when several agents share a machine
 *     at the cost of a port a firewall cannot be told in advance.
 * @param dataAdvertise address peers should dial to reach the data plane, when it differs
 *     from {@code dataListen} (a wildcard listen address, NAT, a container). Empty: the
 *     listen address with the bound port.
 * @param id the agent's name, unique in the cluster. Empty: the subject (CN) of the
 *     agent's certificate with TLS, else the host name. With TLS an id that differs from the
 *     certificate subject is refused (IDENTITY_REFUSED).
 * @param workDir directory for the agent's local files (spilled data, checkpoints written
 *     locally); relative paths are resolved against the working directory.
 */
public record AgentConfig(List<HostPort> coordinators, HostPort dataListen, Optional<HostPort> dataAdvertise,
                          String id, Path workDir) {

    public AgentConfig {
        coordinators = List.copyOf(coordinators);
        if (coordinators.isEmpty()) {
            throw new IllegalArgumentException("an agent needs at least one coordinator address");
        }
        Objects.requireNonNull(dataListen, "dataListen");
        Objects.requireNonNull(dataAdvertise, "dataAdvertise");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(workDir, "workDir");
    }

    /** One coordinator to dial. */
    public AgentConfig(HostPort coordinator, HostPort dataListen, Optional<HostPort> dataAdvertise, String id, Path workDir) {
        this(List.of(coordinator), dataListen, dataAdvertise, id, workDir);
    }

    /** The first coordinator listed. */
    public HostPort coordinator() {
        return coordinators.getFirst();
    }
}
