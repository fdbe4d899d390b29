package io.graphagent.ops.http;

import io.graphagent.config.HostPort;
import io.graphagent.ops.events.EventLog;
import io.graphagent.ops.metrics.ClusterMetrics;
import java.io.IOException;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin HTTP server of a coordinator or an agent, on Jetty (a server made for untrusted
 * clients, rather than the JDK's built-in one, whose two threads two idle connections could hold):
 *
 * <ul>
 *   <li>{@code /healthz}: 200 while the process runs; {@code /readyz}: 200 when ready (coordinator:
 *       started and accepting; agent: session ALIVE), else 503 with a one-line reason. Both stay
 *       open without a token, so that load balancers and kubelets need no secret.</li>
 *   <li>{@code /metrics}: Prometheus text format; {@code /api/agents}, {@code /api/jobs},
 *       {@code /api/events[?since=SEQ]}, {@code /api/loggers[/NAME]} (GET; PUT or POST
 *       {@code {"level":"DEBUG"}} or {@code ?level=DEBUG} to set): JSON. Token rules in
 *       {@link AdminAccess}.</li>
 *   <li>With a dashboard view: {@code /api/dashboard} (JSON, token as above) and the dashboard page
 *       at {@code /} and {@code /dashboard} (static files holding no data, served without the
 *       token, with a same-origin Content-Security-Policy); any other path is 404.</li>
 * </ul>
 *
 * Limits in {@link AdminLimits}: read deadlines, a bounded pool, a connection limit, header and
 * body sizes. Every handler reads in-memory state only and answers at once. Thread-safe.
 */
public final class AdminServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AdminServer.class);

    /**
     * What the JSON API shows; each supplier is called per request.
     *
     * @param dashboard what {@code /api/dashboard} answers, or null for no dashboard (agents):
     *                  then neither it nor the page is served
     */
    public record Views(Supplier<Optional<String>> notReady, Supplier<Object> agents, Supplier<Object> jobs,
            Supplier<Object> dashboard) {
        public Views {
            Objects.requireNonNull(notReady, "notReady");
            Objects.requireNonNull(agents, "agents");
            Objects.requireNonNull(jobs, "jobs");
        }

        /** Views without a dashboard. */
        public Views(Supplier<Optional<String>> notReady, Supplier<Object> agents, Supplier<Object> jobs) {
            this(notReady, agents, jobs, null);
        }
    }

    private final Server server;
    private final ServerConnector connector;
    private final String role;

    private AdminServer(Server server, ServerConnector connector, String role) {
        this.server = server;
        this.connector = connector;
        this.role = role;
    }

    /**
     * Binds {@code listen} (port 0: any free port) and starts serving.
     *
     * @param role  {@code coordinator} or {@code agent}, for log lines and thread names
     * @param token the bearer token the API requires; empty for none (loopback only)
     * @throws IllegalArgumentException when {@code listen} is not loopback and {@code token} is empty
     * @throws IOException if the address cannot be bound
     */
    public static AdminServer start(String role, HostPort listen, String token, ClusterMetrics metrics, EventLog events,
            Views views) throws IOException {
        AdminAccess access = AdminAccess.of(role, listen, token);
        QueuedThreadPool pool = new QueuedThreadPool(AdminLimits.MAX_THREADS, AdminLimits.MIN_THREADS);
        pool.setName(role + "-admin");
        pool.setDaemon(true);
        Server server = new Server(pool);
        server.setStopTimeout(1000);
        HttpConfiguration http = new HttpConfiguration();
        http.setRequestHeaderSize(AdminLimits.MAX_HEADER_BYTES);
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        http.setMinRequestDataRate(AdminLimits.MIN_REQUEST_BYTES_PER_SECOND);
        ServerConnector connector = new ServerConnector(server, null,
                new ScheduledExecutorScheduler(role + "-admin-timer", true), null, 1, 1, new HttpConnectionFactory(http));
        connector.setHost(listen.host());
        connector.setPort(listen.port());
        connector.setIdleTimeout(AdminLimits.IDLE_TIMEOUT.toMillis());
        connector.setAcceptQueueSize(AdminLimits.ACCEPT_QUEUE);
        server.addConnector(connector);
        NetworkConnectionLimit limit = new NetworkConnectionLimit(AdminLimits.MAX_CONNECTIONS, connector);
        limit.setEndPointIdleTimeout(AdminLimits.IDLE_TIMEOUT_AT_LIMIT.toMillis());
        server.addBean(limit);
        server.setHandler(new AdminHandler(access, metrics, events, views));
        try {
            server.start();
        } catch (Exception e) {
            stopQuietly(server);
            throw e instanceof IOException io ? io : new IOException("cannot start the admin HTTP server on " + listen
                    + ": " + e.getMessage(), e);
        }
        log.info("event=admin_started role={} listen={}:{} token={} max_connections={} idle_timeout_ms={}", role,
                listen.host(), connector.getLocalPort(), token.isEmpty() ? "none (reads open on loopback, changes refused)"
                        : "required", AdminLimits.MAX_CONNECTIONS, AdminLimits.IDLE_TIMEOUT.toMillis());
        return new AdminServer(server, connector, role);
    }

    /**
     * Refuses, before anything starts, an admin address other machines reach without a token.
     *
     * @throws IllegalArgumentException naming the address, the risk and the fix
     */
    public static void checkAccess(String role, HostPort listen, String token) {
        AdminAccess.of(role, listen, token);
    }

    /** The bound port. */
    public int port() {
        return connector.getLocalPort();
    }

    @Override
    public void close() {
        stopQuietly(server);
        log.info("event=admin_stopped role={}", role);
    }

    private static void stopQuietly(Server server) {
        try {
            server.stop();
        } catch (Exception e) {
            log.debug("event=admin_stop_failed detail=\"{}\"", e.toString());
        }
    }
}
