package io.graphagent.coordinator.leader;

import io.graphagent.config.GraphagentConfig;
import io.graphagent.config.HostPort;
import io.graphagent.coordinator.etcd.EtcdConnection;
import io.graphagent.coordinator.session.ControlPlaneView;
import io.graphagent.coordinator.session.CoordinatorService;
import io.graphagent.coordinator.store.EtcdClusterStore;
import io.graphagent.coordinator.store.StoreException;
import io.graphagent.net.cause.CauseCounter;
import io.graphagent.net.tls.NetworkThreads;
import io.graphagent.net.tls.Servers;
import io.graphagent.net.tls.TlsFilesException;
import io.graphagent.net.tls.TransportSecurity;
import io.graphagent.protocol.v1.StoredCoordinator;
import io.grpc.Server;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One coordinator process of the etcd store: it registers itself, campaigns, and is in one of
 * two roles at a time. As a standby it serves {@link StandbyService} on
 * {@code coordinator.listen} (agents and clients are redirected to the leader; a call of a
 * service only the leader has is refused alike, {@link RefusedElsewhere}). Once elected it
 * closes that server's listener (its connections close in the background,
 * {@link ServerRetirement}), opens the {@link EtcdClusterStore} of its term (the jobs, sessions and
 * epochs earlier leaders left) and hands it to the {@link Role}, which starts the leading
 * coordinator on the same address; deposed, it closes the role and stands by again. Role
 * changes happen one at a time on the {@code coordinator-role} thread. Thread-safe.
 */
public final class ControlPlaneNode implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ControlPlaneNode.class);

    /** What leading means for this process: start the coordinator on the store of the term; closing it stops it. */
    @FunctionalInterface
    public interface Role {
        /**
         * Starts the leading coordinator (membership, job scheduler, admin) on {@code store}.
         *
         * @param view shows the control plane in Status and stamps the term on Welcome
         */
        AutoCloseable lead(Leadership leadership, EtcdClusterStore store, ControlPlaneView view) throws Exception;
    }

    private final GraphagentConfig config;
    private final TransportSecurity security;
    private final EtcdConnection etcd;
    private final LeaderElection election;
    private final EtcdHealthWatch health;
    private final EtcdControlPlane view;
    private final Role role;
    private final Clock clock;
    private final NetworkThreads network;
    private final CauseCounter causes = new CauseCounter();
    private final ExecutorService roleThread = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("coordinator-role").daemon(true).factory());

    /** The longest the connections of a closed standby server are waited for, in the background. */
    static final java.time.Duration STANDBY_CLOSE_BOUND = java.time.Duration.ofSeconds(2);

    // Confined to the role thread.
    private Server standby;
    private java.util.concurrent.CompletableFuture<Boolean> standbyClosing = java.util.concurrent.CompletableFuture.completedFuture(true);
    private StandbyService standbyService;
    private AutoCloseable leading;
    private EtcdClusterStore store;
    private volatile boolean closed;
    private volatile int boundPort;

    private ControlPlaneNode(GraphagentConfig config, TransportSecurity security, EtcdConnection etcd,
                             StoredCoordinator self, Role role, Clock clock) {
        this.config = config;
        this.security = security;
        this.etcd = etcd;
        this.role = role;
        this.clock = clock;
        this.network = NetworkThreads.start("standby", 1);
        this.health = new EtcdHealthWatch(etcd);
        this.election = new LeaderElection(etcd, self, config.coordinator().etcd().electionTtl(), clock,
                new LeaderElection.Listener() {
                    @Override
                    public void elected(Leadership leadership) {
                        roleThread.execute(() -> lead(leadership));
                    }

                    @Override
                    public void deposed(Leadership leadership, String why) {
                        roleThread.execute(() -> standBy("deposed: " + why));
                    }
                });
        this.view = new EtcdControlPlane(etcd, election, health);
    }

    /**
     * Starts standing by on {@code config.coordinator().listen()} and campaigning.
     *
     * @param self this coordinator's id and the addresses the others and the agents dial
     * @throws IOException when the listen address cannot be bound
     */
    public static ControlPlaneNode start(GraphagentConfig config, TransportSecurity security, EtcdConnection etcd,
                                         StoredCoordinator self, Role role, Clock clock) throws IOException {
        ControlPlaneNode node = new ControlPlaneNode(config, security, etcd, self, role, clock);
        try {
            node.roleThread.submit(() -> {
                node.startStandbyServer();
                return null;
            }).get();
        } catch (java.util.concurrent.ExecutionException e) {
            node.close();
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            node.close();
            throw new IOException("interrupted while starting", e);
        }
        node.health.start();
        node.election.start();
        return node;
    }

    /** The election, for status and tests. */
    public LeaderElection election() {
        return election;
    }

    /** The etcd health watch (events and metrics subscribe to it). */
    public EtcdHealthWatch health() {
        return health;
    }

    /** The control plane as Status shows it. */
    public ControlPlaneView view() {
        return view;
    }

    /** The port the coordinator service listens on (standby or leader). */
    public int port() {
        return boundPort;
    }

    /** Whether this process leads now. */
    public boolean leading() {
        return election.leadership().isPresent();
    }

    /** The leading role while this process leads. */
    public synchronized Optional<AutoCloseable> role() {
        return Optional.ofNullable(leading);
    }

    private void lead(Leadership leadership) {
        if (closed || !leadership.valid()) {
            return;
        }
        stopStandbyServer();
        try {
            store = EtcdClusterStore.open(etcd, leadership);
            AutoCloseable started = role.lead(leadership, store, view);
            synchronized (this) {
                leading = started;
            }
            log.info("event=leading coordinator={} term={} jobs={} sessions_carried_over={} takeover_ms={}",
                    election.self().getCoordinatorId(), leadership.term().value(), store.storedJobs().size(),
                    store.sessions().size(), java.time.Duration.between(leadership.electedAt(), clock.instant()).toMillis());
        } catch (StoreException | RuntimeException e) {
            log.error("event=lead_failed coordinator={} term={} detail=\"{}\"", election.self().getCoordinatorId(),
                    leadership.term().value(), e.getMessage());
            election.resign("could not start leading: " + e.getMessage());
        } catch (Exception e) {
            log.error("event=lead_failed coordinator={} term={} detail=\"{}\"", election.self().getCoordinatorId(),
                    leadership.term().value(), e.toString(), e);
            election.resign("could not start leading: " + e);
        }
    }

    private void standBy(String why) {
        AutoCloseable was;
        synchronized (this) {
            was = leading;
            leading = null;
        }
        if (was != null) {
            try {
                was.close();
            } catch (Exception e) {
                log.warn("event=leader_role_close_failed detail=\"{}\"", e.toString(), e);
            }
        }
        if (store != null) {
            store.close();
            store = null;
        }
        log.warn("event=standing_by coordinator={} detail=\"{}\"", election.self().getCoordinatorId(), why);
        if (!closed) {
            try {
                startStandbyServer();
            } catch (IOException e) {
                log.error("event=standby_listen_failed detail=\"{}\"", e.getMessage());
            }
        }
    }

    private void startStandbyServer() throws IOException {
        if (standby != null) {
            return;
        }
        HostPort listen = config.coordinator().listen();
        StandbyService service = new StandbyService(config.cluster().id(), security.isTls(),
                CoordinatorService.timingPolicy(config.timingPolicy()), view, election, health::problem, clock);
        standbyService = service;
        try {
            standby = Servers.forAddress(new InetSocketAddress(listen.host(), boundPort != 0 ? boundPort : listen.port()),
                            security, config.tls().handshakeTimeout(), causes, network)
                    .permitKeepAliveTime(config.grpc().permitKeepaliveTime().toNanos(), TimeUnit.NANOSECONDS)
                    .permitKeepAliveWithoutCalls(true)
                    .addService(standbyService)
                    .fallbackHandlerRegistry(new RefusedElsewhere(() -> service.refusalOfCall().status()))
                    .build()
                    .start();
        } catch (TlsFilesException e) {
            throw new IOException(e.getMessage(), e);
        }
        boundPort = standby.getPort();
        log.info("event=standby_listening coordinator={} listen={}:{}", election.self().getCoordinatorId(), listen.host(),
                boundPort);
    }

    /**
     * Closes the standby's listener (its port is free when this returns) and its connections in
     * the background, bounded by {@link #STANDBY_CLOSE_BOUND}: an elected standby serves without
     * waiting for a reconnect storm's connections to close.
     */
    private void stopStandbyServer() {
        if (standby == null) {
            return;
        }
        standbyClosing = ServerRetirement.retire(standby, "standby", STANDBY_CLOSE_BOUND);
        standby = null;
    }

    /** Waits, bounded, for the last standby server's connections to close (before the network threads stop). */
    private void awaitStandbyClosed() {
        try {
            standbyClosing.get(STANDBY_CLOSE_BOUND.toMillis() + 1_000, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            log.warn("event=standby_close_incomplete detail=\"{}\"", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The address the leading coordinator must bind: the standby's port, now free. */
    public HostPort listenAddress() {
        return new HostPort(config.coordinator().listen().host(), boundPort);
    }

    /** Resigns if leading (a standby takes over at once), stops everything. Idempotent. */
    @Override
    public void close() {
        closed = true;
        election.close();
        health.close();
        try {
            roleThread.submit(() -> {
                standBy("stopping");
                stopStandbyServer();
                awaitStandbyClosed();
            }).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.warn("event=control_plane_close_incomplete detail=\"{}\"", e.toString());
        }
        roleThread.shutdownNow();
        network.close();
        Objects.requireNonNull(etcd).close();
    }
}
