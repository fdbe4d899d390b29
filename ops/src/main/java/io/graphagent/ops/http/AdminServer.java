package io.graphagent.ops.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.graphagent.config.HostPort;
import io.graphagent.ops.dashboard.DashboardAssets;
import io.graphagent.ops.events.EventLog;
import io.graphagent.ops.loglevel.LogLevels;
import io.graphagent.ops.metrics.ClusterMetrics;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin HTTP server of a coordinator or an agent (the JDK's HTTP server, two named threads):
 *
 * <ul>
 *   <li>{@code /healthz}: 200 while the process runs; {@code /readyz}: 200 when ready (coordinator:
 *       started and accepting; agent: session ALIVE), else 503 with a one-line reason. Both stay
 *       open without a token, so that load balancers and kubelets need no secret.</li>
 *   <li>{@code /metrics}: Prometheus text format; {@code /api/agents}, {@code /api/jobs},
 *       {@code /api/events[?since=SEQ]}, {@code /api/loggers[/NAME]} (GET; PUT or POST
 *       {@code {"level":"DEBUG"}} or {@code ?level=DEBUG} to set): JSON. These need
 *       {@code Authorization: Bearer TOKEN} when {@code admin.token} is set (401 without).</li>
 *   <li>With a dashboard view: {@code /api/dashboard} (JSON, token as above) and the dashboard page
 *       at {@code /} and {@code /dashboard} (static files holding no data, served without the
 *       token, with a same-origin Content-Security-Policy); any other path is 404.</li>
 * </ul>
 *
 * Every handler reads in-memory state only and answers at once. Thread-safe.
 */
public final class AdminServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AdminServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();

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

    private final HttpServer server;
    private final ExecutorService threads;
    private final String role;

    private AdminServer(HttpServer server, ExecutorService threads, String role) {
        this.server = server;
        this.threads = threads;
        this.role = role;
    }

    /**
     * Binds {@code listen} (port 0: any free port) and starts serving.
     *
     * @param role  {@code coordinator} or {@code agent}, for log lines
     * @param token the bearer token the API requires; empty for none
     * @throws IOException if the address cannot be bound
     */
    public static AdminServer start(String role, HostPort listen, String token, ClusterMetrics metrics, EventLog events,
            Views views) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(listen.host(), listen.port()), 16);
        ExecutorService threads = Executors.newFixedThreadPool(2,
                Thread.ofPlatform().name(role + "-admin-", 1).daemon(true).factory());
        server.setExecutor(threads);
        PrometheusTextFormatWriter text = PrometheusTextFormatWriter.create();
        server.createContext("/healthz", ex -> handle(ex, null, () -> reply(ex, 200, "text/plain", "ok\n")));
        server.createContext("/readyz", ex -> handle(ex, null, () -> {
            Optional<String> reason = views.notReady().get();
            reply(ex, reason.isPresent() ? 503 : 200, "text/plain", reason.map(r -> "not ready: " + r).orElse("ready") + "\n");
        }));
        server.createContext("/metrics", ex -> handle(ex, token, () -> {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            text.write(body, metrics.registry().scrape());
            reply(ex, 200, PrometheusTextFormatWriter.CONTENT_TYPE, body.toByteArray());
        }));
        server.createContext("/api/agents", ex -> handle(ex, token, () -> json(ex, 200, views.agents().get())));
        server.createContext("/api/jobs", ex -> handle(ex, token, () -> json(ex, 200, views.jobs().get())));
        server.createContext("/api/events", ex -> handle(ex, token, () -> {
            long since = Long.parseLong(query(ex).getOrDefault("since", "0"));
            json(ex, 200, events.since(since));
        }));
        server.createContext("/api/loggers", ex -> handle(ex, token, () -> loggers(ex)));
        if (views.dashboard() != null) {
            DashboardAssets assets = DashboardAssets.load();
            server.createContext("/api/dashboard", ex -> handle(ex, token, () -> json(ex, 200, views.dashboard().get())));
            server.createContext("/", ex -> handle(ex, null, () -> page(ex, assets)));
        }
        server.start();
        log.info("event=admin_started role={} listen={}:{} token={}", role, listen.host(),
                server.getAddress().getPort(), token.isEmpty() ? "none" : "required");
        return new AdminServer(server, threads, role);
    }

    /** The bound port. */
    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
        log.info("event=admin_stopped role={}", role);
    }

    private static void page(HttpExchange ex, DashboardAssets assets) throws IOException {
        Optional<DashboardAssets.Asset> asset = assets.find(ex.getRequestURI().getPath());
        if (asset.isEmpty()) {
            reply(ex, 404, "text/plain", "not found: the dashboard is at /\n");
            return;
        }
        if (!ex.getRequestMethod().equals("GET") && !ex.getRequestMethod().equals("HEAD")) {
            reply(ex, 405, "text/plain", "use GET\n");
            return;
        }
        ex.getResponseHeaders().set("Content-Security-Policy", DashboardAssets.CONTENT_SECURITY_POLICY);
        ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        ex.getResponseHeaders().set("Referrer-Policy", "no-referrer");
        ex.getResponseHeaders().set("Cache-Control", "no-cache");
        reply(ex, 200, asset.get().contentType(), asset.get().body());
    }

    private static void loggers(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        String name = path.length() > "/api/loggers/".length() ? path.substring("/api/loggers/".length()) : "";
        String method = ex.getRequestMethod();
        if (method.equals("GET")) {
            json(ex, 200, name.isEmpty() ? LogLevels.all() : Map.of(name, LogLevels.get(name)));
            return;
        }
        if (!method.equals("PUT") && !method.equals("POST")) {
            json(ex, 405, error("use GET, PUT or POST"));
            return;
        }
        if (name.isEmpty()) {
            json(ex, 400, error("name the logger: /api/loggers/NAME"));
            return;
        }
        String level = query(ex).get("level");
        byte[] body = ex.getRequestBody().readAllBytes();
        if (level == null && body.length > 0) {
            level = JSON.readTree(body).path("level").asText(null);
        }
        try {
            Map<String, String> now = LogLevels.set(name, level);
            log.info("event=log_level_changed logger={} level={}", name, now.get("effective"));
            json(ex, 200, Map.of(name, now));
        } catch (IllegalArgumentException e) {
            json(ex, 400, error(e.getMessage()));
        }
    }

    @FunctionalInterface
    private interface Handler {
        void run() throws IOException;
    }

    /** Checks the token (when {@code token} is non-null and non-empty), runs the handler, turns failures into 400/500. */
    private static void handle(HttpExchange ex, String token, Handler handler) throws IOException {
        try (ex) {
            if (token != null && !token.isEmpty() && !authorized(ex, token)) {
                ex.getResponseHeaders().set("WWW-Authenticate", "Bearer");
                json(ex, 401, error("missing or wrong token: send 'Authorization: Bearer TOKEN' (admin.token)"));
                return;
            }
            handler.run();
        } catch (NumberFormatException e) {
            json(ex, 400, error("bad number: " + e.getMessage()));
        } catch (RuntimeException e) {
            log.warn("event=admin_request_failed path={} detail=\"{}\"", ex.getRequestURI().getPath(), e.toString(), e);
            json(ex, 500, error(e.toString()));
        }
    }

    private static boolean authorized(HttpExchange ex, String token) {
        String header = ex.getRequestHeaders().getFirst("Authorization");
        if (header == null || !header.startsWith("Bearer ")) {
            return false;
        }
        return MessageDigest.isEqual(header.substring("Bearer ".length()).strip().getBytes(StandardCharsets.UTF_8),
                token.getBytes(StandardCharsets.UTF_8));
    }

    private static Map<String, String> error(String message) {
        return Map.of("error", message);
    }

    private static Map<String, String> query(HttpExchange ex) {
        Map<String, String> out = new LinkedHashMap<>();
        String q = ex.getRequestURI().getRawQuery();
        if (q != null) {
            for (String pair : q.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return out;
    }

    private static void json(HttpExchange ex, int status, Object value) throws IOException {
        reply(ex, status, "application/json", JSON.writeValueAsBytes(value));
    }

    private static void reply(HttpExchange ex, int status, String type, String body) throws IOException {
        reply(ex, status, type, body.getBytes(StandardCharsets.UTF_8));
    }

    private static void reply(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }
}
