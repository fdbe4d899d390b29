package io.graphagent.ops.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.graphagent.ops.dashboard.DashboardAssets;
import io.graphagent.ops.events.EventLog;
import io.graphagent.ops.loglevel.LogLevels;
import io.graphagent.ops.metrics.ClusterMetrics;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The routes of the admin HTTP server ({@link AdminServer} lists them): checks each request's
 * token by what it does ({@link AdminAccess}), answers from memory, and turns failures into
 * 400/500 with a JSON error. Thread-safe.
 */
final class AdminHandler extends Handler.Abstract {

    private static final Logger log = LoggerFactory.getLogger(AdminServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LOGGERS = "/api/loggers";

    private final AdminAccess access;
    private final ClusterMetrics metrics;
    private final EventLog events;
    private final AdminServer.Views views;
    private final DashboardAssets assets;
    private final PrometheusTextFormatWriter text = PrometheusTextFormatWriter.create();

    AdminHandler(AdminAccess access, ClusterMetrics metrics, EventLog events, AdminServer.Views views) {
        this.access = access;
        this.metrics = metrics;
        this.events = events;
        this.views = views;
        this.assets = views.dashboard() == null ? null : DashboardAssets.load();
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = request.getHttpURI().getPath();
        String method = request.getMethod();
        try {
            AdminAccess.Kind kind = kind(path, method);
            Optional<AdminAccess.Refusal> refused = access.check(kind, request.getHeaders().get(HttpHeader.AUTHORIZATION));
            if (refused.isPresent()) {
                if (refused.get().status() == 401) {
                    response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer");
                }
                json(response, callback, refused.get().status(), error(refused.get().message()));
                return true;
            }
            route(request, response, callback, path, method);
        } catch (NumberFormatException e) {
            json(response, callback, 400, error("bad number: " + e.getMessage()));
        } catch (IOException | RuntimeException e) {
            log.warn("event=admin_request_failed path={} detail=\"{}\"", path, e.toString(), e);
            json(response, callback, 500, error(e.toString()));
        }
        return true;
    }

    /** What a request does: the page and the probes are open, setting a level changes state, the rest reads. */
    private AdminAccess.Kind kind(String path, String method) {
        if (path.equals("/healthz") || path.equals("/readyz")) {
            return AdminAccess.Kind.OPEN;
        }
        if (path.startsWith(LOGGERS) && (method.equals("PUT") || method.equals("POST"))) {
            return AdminAccess.Kind.CHANGE;
        }
        boolean api = path.startsWith("/api/") || path.equals("/metrics");
        return api ? AdminAccess.Kind.READ : AdminAccess.Kind.OPEN;
    }

    private void route(Request request, Response response, Callback callback, String path, String method) throws IOException {
        Fields query = Request.extractQueryParameters(request);
        switch (path) {
            case "/healthz" -> reply(response, callback, 200, "text/plain", "ok\n");
            case "/readyz" -> {
                Optional<String> reason = views.notReady().get();
                reply(response, callback, reason.isPresent() ? 503 : 200, "text/plain",
                        reason.map(r -> "not ready: " + r).orElse("ready") + "\n");
            }
            case "/metrics" -> {
                ByteArrayOutputStream body = new ByteArrayOutputStream();
                text.write(body, metrics.registry().scrape());
                reply(response, callback, 200, PrometheusTextFormatWriter.CONTENT_TYPE, body.toByteArray());
            }
            case "/api/agents" -> json(response, callback, 200, views.agents().get());
            case "/api/jobs" -> json(response, callback, 200, views.jobs().get());
            case "/api/events" -> {
                String since = query.getValue("since");
                json(response, callback, 200, events.since(since == null ? 0 : Long.parseLong(since)));
            }
            default -> {
                if (path.equals(LOGGERS) || path.startsWith(LOGGERS + "/")) {
                    loggers(request, response, callback, path, method, query.getValue("level"));
                } else if (assets != null && path.equals("/api/dashboard")) {
                    json(response, callback, 200, views.dashboard().get());
                } else if (assets != null) {
                    page(response, callback, path, method);
                } else {
                    reply(response, callback, 404, "text/plain", "not found\n");
                }
            }
        }
    }

    private void page(Response response, Callback callback, String path, String method) {
        Optional<DashboardAssets.Asset> asset = assets.find(path);
        if (asset.isEmpty()) {
            reply(response, callback, 404, "text/plain", "not found: the dashboard is at /\n");
            return;
        }
        if (!method.equals("GET") && !method.equals("HEAD")) {
            reply(response, callback, 405, "text/plain", "use GET\n");
            return;
        }
        response.getHeaders().put("Content-Security-Policy", DashboardAssets.CONTENT_SECURITY_POLICY);
        response.getHeaders().put("X-Content-Type-Options", "nosniff");
        response.getHeaders().put("Referrer-Policy", "no-referrer");
        response.getHeaders().put("Cache-Control", "no-cache");
        reply(response, callback, 200, asset.get().contentType(), asset.get().body());
    }

    private void loggers(Request request, Response response, Callback callback, String path, String method, String level) {
        String name = path.length() > (LOGGERS + "/").length() ? path.substring((LOGGERS + "/").length()) : "";
        if (method.equals("GET")) {
            if (name.isEmpty()) {
                json(response, callback, 200, LogLevels.all());
            } else if (LogLevels.exists(name)) {
                json(response, callback, 200, Map.of(name, LogLevels.get(name)));
            } else {
                json(response, callback, 404, error(unknownLogger(name)));
            }
            return;
        }
        if (!method.equals("PUT") && !method.equals("POST")) {
            json(response, callback, 405, error("use GET, PUT or POST"));
            return;
        }
        if (name.isEmpty()) {
            json(response, callback, 400, error("name the logger: /api/loggers/NAME"));
            return;
        }
        if (level != null) {
            setLevel(response, callback, name, level);
            return;
        }
        long length = request.getLength();
        if (length > AdminLimits.MAX_BODY_BYTES) {
            json(response, callback, 413, error("body over " + AdminLimits.MAX_BODY_BYTES + " bytes: send {\"level\":\"DEBUG\"}"));
            return;
        }
        Content.Source.asByteArrayAsync(request, AdminLimits.MAX_BODY_BYTES).whenComplete((body, failure) -> {
            if (failure != null) {
                json(response, callback, 400, error("cannot read the body within " + AdminLimits.MAX_BODY_BYTES
                        + " bytes: send {\"level\":\"DEBUG\"}"));
                return;
            }
            try {
                String asked = body.length == 0 ? null : JSON.readTree(body).path("level").asText(null);
                setLevel(response, callback, name, asked);
            } catch (IOException e) {
                json(response, callback, 400, error("the body is not JSON: send {\"level\":\"DEBUG\"}"));
            }
        });
    }

    private void setLevel(Response response, Callback callback, String name, String level) {
        if (!LogLevels.exists(name)) {
            json(response, callback, 404, error(unknownLogger(name)));
            return;
        }
        try {
            Map<String, String> now = LogLevels.set(name, level);
            log.info("event=log_level_changed logger={} level={}", name, now.get("effective"));
            json(response, callback, 200, Map.of(name, now));
        } catch (IllegalArgumentException e) {
            json(response, callback, 400, error(e.getMessage()));
        }
    }

    private static String unknownLogger(String name) {
        return "no logger '" + name + "' in this process: `graphagent log-level` lists them (a package such as"
                + " io.graphagent or a class name)";
    }

    private static Map<String, String> error(String message) {
        return Map.of("error", message);
    }

    private static void json(Response response, Callback callback, int status, Object value) {
        try {
            reply(response, callback, status, "application/json", JSON.writeValueAsBytes(value));
        } catch (IOException e) {
            callback.failed(e);
        }
    }

    private static void reply(Response response, Callback callback, int status, String type, String body) {
        reply(response, callback, status, type, body.getBytes(StandardCharsets.UTF_8));
    }

    private static void reply(Response response, Callback callback, int status, String type, byte[] body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
    }
}
