package io.graphagent.coordinator;

import io.graphagent.config.GraphagentConfig;
import io.graphagent.config.HostPort;
import io.graphagent.coordinator.input.SplitServer;
import io.graphagent.coordinator.job.JobApi;
import io.graphagent.coordinator.job.JobScheduler;
import io.graphagent.coordinator.query.OnlineQueries;
import io.graphagent.coordinator.resident.ResidentRestart;
import io.graphagent.coordinator.membership.AgentDirectory;
import io.graphagent.coordinator.membership.ExitProbe;
import io.graphagent.coordinator.membership.FailureDetector;
import io.graphagent.coordinator.membership.Membership;
import io.graphagent.coordinator.membership.SessionEpochs;
import io.graphagent.coordinator.session.CoordinatorService;
import io.graphagent.coordinator.session.SessionStats;
import io.graphagent.net.cause.CauseCounter;
import io.graphagent.net.tls.NetworkThreads;
import io.graphagent.net.tls.Servers;
import io.graphagent.net.tls.TlsFilesException;
import io.graphagent.net.tls.TransportSecurity;
import io.grpc.Server;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running coordinator: membership with its failure detector, the job layer, and the gRPC
 * Coordinator service on {@code coordinator.listen} (mutual TLS unless {@code security} is
 * insecure, handshakes bounded by {@code tls.handshake-timeout}, client keepalive pings
 * tolerated down to {@code grpc.permit-keepalive-time}, messages up to
 * {@code grpc.max-message-size}).
 *
 * <p>Threads, all owned and stopped by {@link #close()}: {@code coordinator-net-*} (network
 * I/O), {@code coordinator-grpc-N} (service calls), {@code coordinator-session} (failure
 * detector ticks and Hello deadlines), {@code coordinator-membership-events} (tells the membership
 * listeners the agent transitions that no service call's thread waits to tell: a reconnect
 * storm's). Thread-safe.
 */
public final class CoordinatorServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CoordinatorServer.class);

    private final Server server;
    private final int port;
    private final Membership membership;
    private final JobApi jobs;
    private final CoordinatorService service;
    private final CauseCounter causes;
    private final FailureDetector detector;
    private final ScheduledExecutorService sessionThread;
    private final ExecutorService grpcThreads;
    private final ExecutorService membershipEvents;
    private final NetworkThreads networkThreads;
    /** Resident graphs and online queries; null when the job layer is not a JobScheduler (tests). */
    private final OnlineQueries online;

    private CoordinatorServer(Server server, Membership membership, JobApi jobs, CoordinatorService service,
            CauseCounter causes, FailureDetector detector, ScheduledExecutorService sessionThread,
            ExecutorService grpcThreads, ExecutorService membershipEvents, NetworkThreads networkThreads,
            OnlineQueries online) {
        this.online = online;
        this.server = server;
        this.port = server.getPort();
        this.membership = membership;
        this.jobs = jobs;
        this.service = service;
        this.causes = causes;
        this.detector = detector;
        this.sessionThread = sessionThread;
        this.grpcThreads = grpcThreads;
        this.membershipEvents = membershipEvents;
        this.networkThreads = networkThreads;
    }

    /**
     * Starts a coordinator and returns once it listens.
     *
     * @param config   the coordinator's configuration (listen address, session timing, grpc, tls)
     * @param security mutual TLS, or plaintext for an explicit --insecure
     * @param jobs     builds the job layer over the membership
     * @param clock    the coordinator's time: leases, status, server times in acks
     * @throws IOException       if the listen address cannot be bound
     * @throws TlsFilesException if the TLS files are unusable
     */
    public static CoordinatorServer start(GraphagentConfig config, TransportSecurity security,
            Function<AgentDirectory, JobApi> jobs, Clock clock) throws IOException, TlsFilesException {
        return start(config, security, jobs, clock, SessionEpochs.inMemory());
    }

    /**
     * Starts a coordinator whose session epochs come from {@code epochs}: the state directory's
     * membership store, so that a restarted coordinator hands out only epochs above every one of
     * its earlier incarnations.
     *
     * @see #start(GraphagentConfig, TransportSecurity, Function, Clock)
     */
    public static CoordinatorServer start(GraphagentConfig config, TransportSecurity security,
            Function<AgentDirectory, JobApi> jobs, Clock clock, SessionEpochs epochs) throws IOException, TlsFilesException {
        return start(config, security, jobs, clock, epochs, ResidentRestart.NONE);
    }

    /**
     * Starts a coordinator whose resident graphs are recorded in the store and taken back from
     * its records ({@code residents}): a restarted coordinator, or a new leader, knows them again.
     *
     * @see #start(GraphagentConfig, TransportSecurity, Function, Clock, SessionEpochs)
     */
    public static CoordinatorServer start(GraphagentConfig config, TransportSecurity security,
            Function<AgentDirectory, JobApi> jobs, Clock clock, SessionEpochs epochs, ResidentRestart residents)
            throws IOException, TlsFilesException {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(jobs, "jobs");
        List<AutoCloseable> started = new ArrayList<>();
        try {
            CauseCounter causes = new CauseCounter();
            NetworkThreads network = NetworkThreads.start("coordinator",
                    Math.max(2, Math.min(8, Runtime.getRuntime().availableProcessors())));
            started.add(network);
            ScheduledThreadPoolExecutor sessionThread = new ScheduledThreadPoolExecutor(1,
                    named("coordinator-session", false, Thread.MAX_PRIORITY));
            sessionThread.setRemoveOnCancelPolicy(true);
            started.add(sessionThread::shutdownNow);
            ExecutorService grpcThreads = Executors.newCachedThreadPool(named("coordinator-grpc", true, Thread.NORM_PRIORITY));
            started.add(grpcThreads::shutdownNow);

            ExecutorService membershipEvents = Executors.newSingleThreadExecutor(
                    named("coordinator-membership-events", false, Thread.NORM_PRIORITY));
            started.add(membershipEvents::shutdownNow);
            Membership membership = new Membership(config.session(), clock, causes, epochs);
            started.add(membership::close);
            membership.tellListenersOn(membershipEvents);
            membership.useExitProbe(ExitProbe.tcp(sessionThread));
            FailureDetector detector = FailureDetector.start(membership, sessionThread,
                    FailureDetector.period(config.session()));
            JobApi jobApi = Objects.requireNonNull(jobs.apply(membership), "the job layer factory returned null");
            if (jobApi instanceof AutoCloseable closeable) {
                started.add(closeable);
            }
            OnlineQueries online = jobApi instanceof JobScheduler scheduler
                    ? OnlineQueries.start(config, security, membership, scheduler, clock, network, residents) : null;
            if (online != null) {
                started.add(online);
            }
            CoordinatorService service = new CoordinatorService(config, security.isTls(), membership, jobApi,
                    sessionThread, causes, clock);
            if (online != null) {
                service.useResidentGraphs(online.graphs()::list, online::routingTable);
            }
            HostPort listen = config.coordinator().listen();
            io.grpc.ServerBuilder<?> builder = Servers.forAddress(new InetSocketAddress(listen.host(), listen.port()), security,
                            config.tls().handshakeTimeout(), causes, network)
                    .permitKeepAliveTime(config.grpc().permitKeepaliveTime().toNanos(), TimeUnit.NANOSECONDS)
                    .permitKeepAliveWithoutCalls(true)
                    .keepAliveTime(config.grpc().effectiveKeepaliveTime().toNanos(), TimeUnit.NANOSECONDS)
                    .keepAliveTimeout(config.grpc().keepaliveTimeout().toNanos(), TimeUnit.NANOSECONDS)
                    .maxInboundMessageSize((int) Math.min(config.grpc().maxMessageSize(), Integer.MAX_VALUE))
                    .executor(grpcThreads)
                    .addService(service.definition())
                    .addService(new SplitServer(jobApi).definition())
                    .addService(new io.graphagent.coordinator.program.ProgramServer(
                            new io.graphagent.graph.program.JarStore(
                                    io.graphagent.coordinator.job.JobScheduler.programsDir(config)),
                            config.job().userPrograms()).definition());
            if (online != null) {
                builder.addService(online.service());
            }
            Server server = builder.build().start();
            log.info("event=coordinator_started listen={}:{} tls={} cluster={} profile={} lease_ttl={} heartbeat_interval={}",
                    listen.host(), server.getPort(), security.isTls(), config.cluster().id(),
                    config.profile().configName(), config.session().leaseTtl(), config.session().heartbeatInterval());
            return new CoordinatorServer(server, membership, jobApi, service, causes, detector, sessionThread,
                    grpcThreads, membershipEvents, network, online);
        } catch (IOException | TlsFilesException | RuntimeException e) {
            for (AutoCloseable resource : started.reversed()) {
                try {
                    resource.close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    /** The port the service listens on (the bound one when configured as 0). */
    public int port() {
        return port;
    }

    /** The membership, as the job layer and status see it. */
    public Membership directory() {
        return membership;
    }

    /** Resident graphs and online queries, or empty when the job layer is not the scheduler. */
    public java.util.Optional<OnlineQueries> online() {
        return java.util.Optional.ofNullable(online);
    }

    /** The job layer given at start. */
    public JobApi jobs() {
        return jobs;
    }

    /** Connection and session failures by cause: TLS handshakes, refused Hellos, lease expiries, broken streams. */
    public CauseCounter causes() {
        return causes;
    }

    /** The gRPC service, e.g. to show the control plane in its Status. */
    public CoordinatorService service() {
        return service;
    }

    /** Counts of Hellos, sessions and refusals. */
    public SessionStats sessionStats() {
        return service.stats();
    }

    /** Stops listening, ends every session stream, stops the job layer and every thread; idempotent. */
    @Override
    public void close() {
        server.shutdown();
        if (online != null) {
            online.close();
        }
        detector.close();
        membership.close();
        if (jobs instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                log.warn("event=job_layer_close_failed detail=\"{}\"", e.toString(), e);
            }
        }
        try {
            if (!server.awaitTermination(2, TimeUnit.SECONDS)) {
                server.shutdownNow().awaitTermination(1, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
        }
        sessionThread.shutdownNow();
        grpcThreads.shutdownNow();
        // The transitions of the shutdown itself are still told (event log, metrics), briefly.
        membershipEvents.shutdown();
        try {
            if (!membershipEvents.awaitTermination(1, TimeUnit.SECONDS)) {
                membershipEvents.shutdownNow();
            }
        } catch (InterruptedException e) {
            membershipEvents.shutdownNow();
            Thread.currentThread().interrupt();
        }
        networkThreads.close();
        log.info("event=coordinator_stopped port={}", port);
    }

    /** Platform daemon threads named {@code prefix} (the first) or {@code prefix-N} (pools). */
    private static ThreadFactory named(String prefix, boolean numbered, int priority) {
        AtomicInteger next = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, numbered ? prefix + "-" + next.incrementAndGet() : prefix);
            thread.setDaemon(true);
            thread.setPriority(priority);
            return thread;
        };
    }
}
