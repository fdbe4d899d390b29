package io.graphagent.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Section {@code query}: online queries over resident graphs. The coordinator is the gateway
 * (its gRPC Query service and an HTTP JSON API); agents answer the hops.
 *
 * @param httpListen address of the gateway's HTTP JSON API on the coordinator. Loopback by
 *     default; any other address needs {@code admin.token}, which the API then requires, as
 *     the admin API does.
 * @param deadline deadline of a query that names none. Shorter frees the gateway sooner from
 *     queries nobody waits for; longer lets big neighbourhoods finish on a busy cluster.
 * @param routing how each request picks a partition's replica ({@link QueryRouting}).
 * @param hotRate requests per second to one partition over which it is hot and gains an
 *     extra replica on the least-loaded agent. Lower spreads load sooner, at the cost of
 *     copying partitions (memory and network) for brief bursts.
 * @param heatWindow the time over which a partition's request rate is averaged (exponential
 *     decay with this time constant). Shorter reacts to bursts faster; longer ignores them.
 * @param coolAfter how long a hot partition must stay under half the hot rate before its extra
 *     replica is given back. Longer avoids copying a partition back and forth.
 * @param maxInFlight queries the gateway runs or queues at once; more are answered "busy,
 *     retry after" at once rather than queued without bound.
 * @param agentMaxInFlight requests an agent executes or queues at once; more are answered
 *     busy, and the gateway tries another replica.
 * @param maxVertices the most vertices one k-hop or path query may reach; a larger one is
 *     refused (its memory is the gateway's).
 */
public record QueryConfig(HostPort httpListen, Duration deadline, QueryRouting routing, double hotRate,
                          Duration heatWindow, Duration coolAfter, int maxInFlight, int agentMaxInFlight,
                          int maxVertices) {

    /** Default port of the gateway's HTTP API. */
    public static final int HTTP_PORT = 7490;

    public QueryConfig {
        Objects.requireNonNull(httpListen, "httpListen");
        Objects.requireNonNull(deadline, "deadline");
        Objects.requireNonNull(routing, "routing");
        Objects.requireNonNull(heatWindow, "heatWindow");
        Objects.requireNonNull(coolAfter, "coolAfter");
    }

    /** The defaults: HTTP on 127.0.0.1:7490, 2 s deadline, heat routing, 200 requests/s hot. */
    public static QueryConfig defaults() {
        return new QueryConfig(new HostPort("127.0.0.1", HTTP_PORT), Duration.ofSeconds(2), QueryRouting.HEAT, 200.0,
                Duration.ofSeconds(10), Duration.ofSeconds(30), 256, 64, 2_000_000);
    }

    /** These settings with another HTTP address. */
    public QueryConfig withHttpListen(HostPort listen) {
        return new QueryConfig(listen, deadline, routing, hotRate, heatWindow, coolAfter, maxInFlight, agentMaxInFlight,
                maxVertices);
    }

    /** These settings with another routing policy. */
    public QueryConfig withRouting(QueryRouting policy) {
        return new QueryConfig(httpListen, deadline, policy, hotRate, heatWindow, coolAfter, maxInFlight, agentMaxInFlight,
                maxVertices);
    }

    /** These settings with other heat thresholds. */
    public QueryConfig withHeat(double rate, Duration window, Duration cool) {
        return new QueryConfig(httpListen, deadline, routing, rate, window, cool, maxInFlight, agentMaxInFlight, maxVertices);
    }

    /** These settings with other bounds on work in flight. */
    public QueryConfig withInFlight(int gateway, int agent) {
        return new QueryConfig(httpListen, deadline, routing, hotRate, heatWindow, coolAfter, gateway, agent, maxVertices);
    }
}
