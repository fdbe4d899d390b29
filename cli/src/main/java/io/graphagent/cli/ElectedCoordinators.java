package io.graphagent.cli;

import io.graphagent.config.EtcdConfig;
import io.graphagent.config.GraphagentConfig;
import io.graphagent.config.HostPort;
import io.graphagent.coordinator.etcd.EtcdConnection;
import io.graphagent.coordinator.etcd.EtcdException;
import io.graphagent.coordinator.etcd.EtcdProbe;
import io.graphagent.coordinator.etcd.LocalEtcd;
import io.graphagent.coordinator.leader.CoordinatorDirectory;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The coordinators of a local cluster on the etcd store ({@code local --etcd}): the address
 * each listens on, the etcd they elect their leader through (one member started under the
 * state directory for {@code --etcd auto}, plaintext on 127.0.0.1, stopped with the cluster),
 * and which of them leads now.
 */
final class ElectedCoordinators implements AutoCloseable {
    /** What one call to etcd may take while a local cluster looks at it. */
    private static final Duration ETCD_CALL = Duration.ofSeconds(1);

    private final String endpoints;
    private final List<HostPort> addresses;
    /** The etcd started for {@code --etcd auto}, else null. */
    private final LocalEtcd localEtcd;

    private ElectedCoordinators(String endpoints, List<HostPort> addresses, LocalEtcd localEtcd) {
        this.endpoints = endpoints;
        this.addresses = List.copyOf(addresses);
        this.localEtcd = localEtcd;
    }

    /**
     * {@code count} coordinators on {@code endpoints}, or on an etcd started now for "auto",
     * listening on ports from {@code firstPort} on (free ones when it is 0).
     *
     * @throws BadInputException when {@code count} is less than 1
     * @throws LocalCluster.LocalClusterException when the etcd started here does not answer
     */
    static ElectedCoordinators use(LocalState state, String endpoints, int count, int firstPort) throws IOException {
        if (count < 1) {
            throw new BadInputException("--coordinators " + count + " is less than 1", "pass 1 or more, e.g. 2");
        }
        LocalEtcd started = null;
        try {
            if (endpoints.equals("auto")) {
                Path dir = etcdDir(state);
                state.deleteTree(dir);
                started = LocalEtcd.start(LocalEtcd.DEFAULT_BINARY, dir, 1);
                endpoints = started.endpoints();
                awaitQuorum(state, endpoints);
            }
            List<HostPort> addresses = new ArrayList<>();
            for (int port : LocalPorts.coordinatorPorts(firstPort, count)) {
                addresses.add(new HostPort("127.0.0.1", port));
            }
            return new ElectedCoordinators(endpoints, addresses, started);
        } catch (IOException | RuntimeException e) {
            if (started != null) {
                started.close();
            }
            throw e;
        }
    }

    private static Path etcdDir(LocalState state) {
        return state.dir().resolve("etcd");
    }

    private static void awaitQuorum(LocalState state, String endpoints) {
        EtcdConfig config = new EtcdConfig(EtcdConfig.parseEndpoints(endpoints), Optional.empty(), Optional.empty(),
                Optional.empty(), true, Duration.ofSeconds(2));
        PollDeadline deadline = PollDeadline.after(LocalEtcd.startupTime().plusSeconds(10));
        try (EtcdConnection c = EtcdConnection.open(config, "local", ETCD_CALL)) {
            while (!EtcdProbe.check(c).quorum()) {
                if (deadline.passed()) {
                    throw new LocalCluster.LocalClusterException("the local etcd (" + endpoints + ") did not answer; see its log in "
                            + etcdDir(state));
                }
                deadline.pause();
            }
        } catch (EtcdException e) {
            throw new LocalCluster.LocalClusterException(e.getMessage());
        }
    }

    /** The etcd endpoints, comma-separated. */
    String endpoints() {
        return endpoints;
    }

    /** Where coordinator-1 .. coordinator-N listen. */
    List<HostPort> addresses() {
        return addresses;
    }

    /** The etcd started for {@code --etcd auto}, if any. */
    Optional<LocalEtcd> localEtcd() {
        return Optional.ofNullable(localEtcd);
    }

    /** The leader's address as etcd names it, if one is elected (empty while etcd does not answer). */
    Optional<HostPort> leader(LocalState state) {
        GraphagentConfig config = ConfigOption.load(state.config(), System.getenv());
        EtcdConfig e = new EtcdConfig(EtcdConfig.parseEndpoints(endpoints), Optional.empty(), Optional.empty(),
                Optional.empty(), true, config.coordinator().etcd().electionTtl());
        try (EtcdConnection c = EtcdConnection.open(e, config.cluster().id(), ETCD_CALL)) {
            return CoordinatorDirectory.leader(c).map(l -> HostPort.parse(l.getAddress()));
        } catch (EtcdException ex) {
            return Optional.empty();
        }
    }

    /** Waits until one coordinator leads and returns its address. */
    HostPort awaitLeader(LocalState state, Duration timeout) {
        PollDeadline deadline = PollDeadline.after(timeout);
        while (true) {
            Optional<HostPort> leader = leader(state);
            if (leader.isPresent()) {
                return leader.get();
            }
            if (deadline.passed()) {
                throw new LocalCluster.LocalClusterException("no coordinator was elected leader within "
                        + Durations.millis(timeout.toMillis()));
            }
            deadline.pause();
        }
    }

    /** Stops the etcd started here, if any. */
    @Override
    public void close() {
        if (localEtcd != null) {
            localEtcd.close();
        }
    }
}
