package io.graphagent.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Section {@code coordinator}: where the coordinator listens and keeps its state.
 *
 * @param listen address of the gRPC service agents and clients dial. Loopback by default:
 *     listening on a routable address (or 0.0.0.0) exposes it to the network, which is what
 *     a multi-machine cluster needs and what a laptop does not.
 * @param adminListen address of the admin HTTP server (metrics, health, log level, JSON
 *     API). Keep it on loopback unless a scraper on another machine needs it; then set
 *     {@code admin.token}.
 * @param stateDir directory of the coordinator's durable state (cluster store, event log);
 *     relative paths are resolved against the working directory.
 * @param store where the job records, session epochs and sessions live: {@code local} (the
 *     state directory; one coordinator) or {@code etcd} (leader election, standbys).
 * @param etcd the etcd cluster for {@code store: etcd}
 */
public record CoordinatorConfig(HostPort listen, HostPort adminListen, Path stateDir, StoreKind store, EtcdConfig etcd) {

    public CoordinatorConfig {
        Objects.requireNonNull(listen, "listen");
        Objects.requireNonNull(adminListen, "adminListen");
        Objects.requireNonNull(stateDir, "stateDir");
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(etcd, "etcd");
    }

    /** The local store: one coordinator on {@code stateDir}. */
    public CoordinatorConfig(HostPort listen, HostPort adminListen, Path stateDir) {
        this(listen, adminListen, stateDir, StoreKind.LOCAL, EtcdConfig.none(Profile.LAN.electionTtl()));
    }

    /** A copy with other addresses, the same store. */
    public CoordinatorConfig withAddresses(HostPort newListen, HostPort newAdminListen) {
        return new CoordinatorConfig(newListen, newAdminListen, stateDir, store, etcd);
    }

    /** A copy with another store. */
    public CoordinatorConfig withStore(StoreKind newStore, EtcdConfig newEtcd) {
        return new CoordinatorConfig(listen, adminListen, stateDir, newStore, newEtcd);
    }
}
