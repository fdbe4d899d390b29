package io.graphagent.ops.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.graphagent.config.HostPort;
import io.graphagent.coordinator.query.OnlineQueries;
import io.graphagent.coordinator.query.QueryException;
import io.graphagent.protocol.v1.DegreeRequest;
import io.graphagent.protocol.v1.Direction;
import io.graphagent.protocol.v1.KHopRequest;
import io.graphagent.protocol.v1.NeighboursRequest;
import io.graphagent.protocol.v1.PathRequest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's HTTP JSON API on {@code query.http-listen} (the coordinator is the gateway),
 * on Jetty, token rules as the admin API's reads ({@link AdminAccess}: with {@code admin.token}
 * set every call needs {@code Authorization: Bearer TOKEN}; without one it listens on loopback
 * only). GET only:
 * <ul>
 *   <li>{@code /api/query/neighbours?graph=G&vertex=V[&direction=out|in|both][&limit=N][&deadline_ms=D]}</li>
 *   <li>{@code /api/query/khop?graph=G&vertex=V&k=K[&direction=..][&limit=N][&deadline_ms=D]}</li>
 *   <li>{@code /api/query/path?graph=G&from=A&to=B[&direction=..][&max_depth=N][&deadline_ms=D]}</li>
 *   <li>{@code /api/query/degree?graph=G&vertex=V[&deadline_ms=D]}</li>
 *   <li>{@code /api/graphs} (the resident graphs), {@code /api/partitions} (the routing table)</li>
 * </ul>
 * A vertex not in the graph answers 404 with {@code "found": false}; a refusal answers the
 * status of its {@link QueryException.Kind} with {@code {"error": ...}} (503 busy with a
 * {@code Retry-After} header and {@code retry_after_ms}). Queries block a Jetty thread while
 * the agents answer: the pool is sized by {@code query.max-in-flight}, whose admission answers
 * busy beyond it. Thread-safe.
 */
public final class QueryHttpServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(QueryHttpServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Server server;
    private final ServerConnector connector;

    private QueryHttpServer(Server server, ServerConnector connector) {
        this.server = server;
        this.connector = connector;
    }

    /** Binds {@code listen} (port 0: any free port) and serves {@code online}'s queries. */
    public static QueryHttpServer start(HostPort listen, String token, int maxInFlight, OnlineQueries online)
            throws IOException {
        AdminAccess access = AdminAccess.of("coordinator", listen, token);
        QueuedThreadPool pool = new QueuedThreadPool(Math.max(16, maxInFlight + 8), 4);
        pool.setName("query-http");
        pool.setDaemon(true);
        Server server = new Server(pool);
        server.setStopTimeout(1000);
        HttpConfiguration http = new HttpConfiguration();
        http.setRequestHeaderSize(AdminLimits.MAX_HEADER_BYTES);
        http.setSendServerVersion(false);
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost(listen.host());
        connector.setPort(listen.port());
        connector.setIdleTimeout(AdminLimits.IDLE_TIMEOUT.toMillis());
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                serve(access, online, request, response, callback);
                return true;
            }
        });
        try {
            server.start();
        } catch (Exception e) {
            try {
                server.stop();
            } catch (Exception ignored) {
                // nothing more to free
            }
            throw e instanceof IOException io ? io : new IOException("cannot start the query HTTP API on " + listen
                    + " (query.http-listen): " + e.getMessage(), e);
        }
        log.info("event=query_http_started listen={}:{} token={}", listen.host(), connector.getLocalPort(),
                token.isEmpty() ? "none (loopback)" : "required");
        return new QueryHttpServer(server, connector);
    }

    public int port() {
        return connector.getLocalPort();
    }

    private static void serve(AdminAccess access, OnlineQueries online, Request request, Response response,
                              Callback callback) {
        String path = request.getHttpURI().getPath();
        Optional<AdminAccess.Refusal> refused = access.check(AdminAccess.Kind.READ,
                request.getHeaders().get(HttpHeader.AUTHORIZATION));
        if (refused.isPresent()) {
            response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer");
            json(response, callback, refused.get().status(), Map.of("error", refused.get().message()));
            return;
        }
        if (!request.getMethod().equals("GET")) {
            json(response, callback, 405, Map.of("error", "use GET"));
            return;
        }
        Fields q = Request.extractQueryParameters(request);
        try {
            var gateway = online.gateway();
            Map<String, Object> body = switch (path) {
                case "/api/query/neighbours" -> QueryJson.neighbours(gateway.neighbours(NeighboursRequest.newBuilder()
                        .setGraph(required(q, "graph")).setVertex(number(q, "vertex", null)).setDirection(direction(q))
                        .setLimit((int) number(q, "limit", 0L)).setDeadlineMs(deadline(q)).build()));
                case "/api/query/khop" -> QueryJson.khop(gateway.khop(KHopRequest.newBuilder().setGraph(required(q, "graph"))
                        .setVertex(number(q, "vertex", null)).setK((int) number(q, "k", 2L)).setDirection(direction(q))
                        .setLimit((int) number(q, "limit", 0L)).setDeadlineMs(deadline(q)).build()));
                case "/api/query/path" -> QueryJson.path(gateway.shortestPath(PathRequest.newBuilder()
                        .setGraph(required(q, "graph")).setFrom(number(q, "from", null)).setTo(number(q, "to", null))
                        .setDirection(direction(q)).setMaxDepth((int) number(q, "max_depth", 0L)).setDeadlineMs(deadline(q))
                        .build()));
                case "/api/query/degree" -> QueryJson.degree(gateway.degree(DegreeRequest.newBuilder()
                        .setGraph(required(q, "graph")).setVertex(number(q, "vertex", null)).setDeadlineMs(deadline(q)).build()));
                case "/api/graphs" -> Map.of("graphs", online.graphs().list().stream().map(QueryJson::graph).toList());
                case "/api/partitions" -> QueryJson.routing(online.routingTable());
                default -> null;
            };
            if (body == null) {
                json(response, callback, 404, Map.of("error", "no such path " + path + ": /api/query/{neighbours,khop,path,"
                        + "degree}, /api/graphs, /api/partitions"));
            } else {
                json(response, callback, Boolean.FALSE.equals(body.get("found")) ? 404 : 200, body);
            }
        } catch (QueryException e) {
            Map<String, Object> error = new java.util.LinkedHashMap<>();
            error.put("error", e.getMessage());
            error.put("kind", e.kind().name().toLowerCase(java.util.Locale.ROOT));
            if (e.kind() == QueryException.Kind.BUSY) {
                error.put("retry_after_ms", e.retryAfterMs());
                response.getHeaders().put(HttpHeader.RETRY_AFTER, Long.toString(Math.max(1, (e.retryAfterMs() + 999) / 1000)));
            }
            json(response, callback, e.kind().httpStatus(), error);
        } catch (BadParameter e) {
            json(response, callback, 400, Map.of("error", e.getMessage(), "kind", "bad_request"));
        } catch (RuntimeException e) {
            log.warn("event=query_http_failed path={} detail=\"{}\"", path, e.toString(), e);
            json(response, callback, 500, Map.of("error", e.toString()));
        }
    }

    /** A missing or malformed query parameter. */
    private static final class BadParameter extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BadParameter(String message) {
            super(message, null, false, false);
        }
    }

    private static String required(Fields q, String name) {
        String value = q.getValue(name);
        if (value == null || value.isEmpty()) {
            throw new BadParameter("missing parameter " + name);
        }
        return value;
    }

    private static long number(Fields q, String name, Long fallback) {
        String value = q.getValue(name);
        if (value == null || value.isEmpty()) {
            if (fallback == null) {
                throw new BadParameter("missing parameter " + name);
            }
            return fallback;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new BadParameter("parameter " + name + "=" + value + " is not a whole number");
        }
    }

    private static int deadline(Fields q) {
        long ms = number(q, "deadline_ms", 0L);
        if (ms < 0 || ms > Integer.MAX_VALUE) {
            throw new BadParameter("deadline_ms=" + ms + " is out of range");
        }
        return (int) ms;
    }

    private static Direction direction(Fields q) {
        String value = q.getValue("direction");
        if (value == null || value.isEmpty()) {
            return Direction.EDGES_OUT;
        }
        return switch (value) {
            case "out" -> Direction.EDGES_OUT;
            case "in" -> Direction.EDGES_IN;
            case "both" -> Direction.EDGES_BOTH;
            default -> throw new BadParameter("direction=" + value + ": use out, in or both");
        };
    }

    private static void json(Response response, Callback callback, int status, Object value) {
        try {
            byte[] body = JSON.writeValueAsBytes(value);
            response.setStatus(status);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
            response.write(true, ByteBuffer.wrap(body), callback);
        } catch (IOException e) {
            callback.failed(e);
        }
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            log.debug("event=query_http_stop_failed detail=\"{}\"", e.toString());
        }
    }
}
