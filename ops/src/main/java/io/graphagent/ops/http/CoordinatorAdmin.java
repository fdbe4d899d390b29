package io.graphagent.ops.http;

import io.graphagent.config.GraphagentConfig;
import io.graphagent.coordinator.CoordinatorServer;
import io.graphagent.coordinator.job.JobScheduler;
import io.graphagent.net.certs.PemFiles;
import io.graphagent.net.tls.TransportSecurity;
import io.graphagent.ops.dashboard.RttHistory;
import io.graphagent.ops.events.EventLog;
import io.graphagent.ops.metrics.ClusterMetrics;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator's operability: metrics, the event log ({@code coordinator.state-dir/events.jsonl})
 * and the admin HTTP server on {@code coordinator.admin-listen}, all fed by the coordinator's
 * listener hooks, and the dashboard. Owns the {@code coordinator-rtt-sampler} thread (RTT metrics
 * and the dashboard's RTT history). Start it right after the
 * coordinator, before jobs are submitted; close it before the coordinator.
 */
public final class CoordinatorAdmin implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CoordinatorAdmin.class);

    private final AdminServer server;
    private final EventLog events;
    private final ClusterMetrics metrics;
    private final ScheduledExecutorService sampler;
    /** The query HTTP API (query.http-listen), or null when the coordinator has no online side. */
    private final QueryHttpServer queries;

    private CoordinatorAdmin(AdminServer server, EventLog events, ClusterMetrics metrics, ScheduledExecutorService sampler,
                             QueryHttpServer queries) {
        this.queries = queries;
        this.server = server;
        this.events = events;
        this.metrics = metrics;
        this.sampler = sampler;
    }

    /** Hooks metrics and events onto {@code coordinator} and starts the admin HTTP server. */
    public static CoordinatorAdmin start(GraphagentConfig config, CoordinatorServer coordinator, TransportSecurity security,
            Clock clock) throws IOException {
        ClusterMetrics metrics = new ClusterMetrics(clock);
        metrics.observeCoordinator(coordinator.directory(), coordinator.causes());
        certificate(security).ifPresent(notAfter -> metrics.certificateExpires("coordinator", notAfter));
        EventLog events = EventLog.open(config.coordinator().stateDir(), clock);
        events.observe(coordinator.directory(), coordinator.causes());
        if (coordinator.jobs() instanceof JobScheduler scheduler) {
            scheduler.addListener(metrics);
            scheduler.addListener(events);
        }
        ScheduledExecutorService sampler = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("coordinator-rtt-sampler").daemon(true).factory());
        Duration period = ClusterMetrics.samplePeriod(config.session().heartbeatInterval());
        sampler.scheduleAtFixedRate(metrics::sampleRoundTrips, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
        DashboardView dashboard = new DashboardView(() -> coordinator.directory().statuses(),
                () -> coordinator.jobs().jobs(true), config.session(), new RttHistory(config.session().leaseTtl()), clock,
                coordinator.online().<java.util.function.Supplier<java.util.Map<String, Object>>>map(
                        online -> () -> QueryJson.routing(online.routingTable())).orElse(null));
        dashboard.useControlPlane(() -> {
            io.graphagent.coordinator.session.ControlPlaneView view = coordinator.service().controlPlane();
            return StatusJson.controlPlane(view.store(), view.controlPlane());
        });
        sampler.scheduleAtFixedRate(dashboard::sample, 0, period.toMillis(), TimeUnit.MILLISECONDS);
        sampler.scheduleAtFixedRate(events::flushFailures, EventLog.FAILURE_WINDOW.toMillis(),
                EventLog.FAILURE_WINDOW.toMillis(), TimeUnit.MILLISECONDS);
        try {
            AdminServer server = AdminServer.start("coordinator", config.coordinator().adminListen(), config.admin().token(),
                    metrics, events, new AdminServer.Views(
                            () -> Optional.empty(),
                            () -> coordinator.directory().statuses().stream().map(StatusJson::agent).toList(),
                            () -> coordinator.jobs().jobs(true).stream().map(StatusJson::job).toList(),
                            dashboard::snapshot));
            QueryHttpServer queries = null;
            if (coordinator.online().isPresent()) {
                io.graphagent.ops.metrics.QueryMetrics.observe(metrics, coordinator.online().get());
                try {
                    queries = QueryHttpServer.start(config.query().httpListen(), config.admin().token(),
                            config.query().maxInFlight(), coordinator.online().get());
                } catch (IOException | RuntimeException e) {
                    server.close();
                    throw e;
                }
            }
            return new CoordinatorAdmin(server, events, metrics, sampler, queries);
        } catch (IOException | RuntimeException e) {
            sampler.shutdownNow();
            events.close();
            throw e;
        }
    }

    /** The admin HTTP port (the bound one when configured as 0). */
    public int port() {
        return server.port();
    }

    public EventLog events() {
        return events;
    }

    public ClusterMetrics metrics() {
        return metrics;
    }

    /** The query HTTP API's port (the bound one when configured as 0); empty without online queries. */
    public java.util.OptionalInt queryPort() {
        return queries == null ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(queries.port());
    }

    @Override
    public void close() {
        if (queries != null) {
            queries.close();
        }
        server.close();
        sampler.shutdownNow();
        events.close();
    }

    /** When this process's own certificate expires, for TLS from files; empty otherwise or unreadable. */
    static Optional<java.time.Instant> certificate(TransportSecurity security) {
        if (security instanceof TransportSecurity.Tls tls) {
            try {
                return PemFiles.readCertificates(tls.files().cert()).stream().findFirst()
                        .map(c -> c.getNotAfter().toInstant());
            } catch (IOException | RuntimeException e) {
                log.warn("event=certificate_unreadable file={} detail=\"{}\"", tls.files().cert(), e.toString());
            }
        }
        return Optional.empty();
    }
}
