package io.graphagent.ops.metrics;

import io.graphagent.coordinator.query.OnlineQueries;
import io.graphagent.coordinator.query.QueryGateway;
import io.graphagent.protocol.v1.AgentLoad;
import io.graphagent.protocol.v1.PartitionRoute;
import io.graphagent.protocol.v1.RoutingTable;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * Metrics of the online queries on the coordinator: queries by kind and outcome with their
 * latency, requests retried on another replica by cause, and the routing table (each resident
 * partition's request rate, whether it is hot, its live replicas; each agent's load as the
 * router weighs it), read from the router at each scrape.
 */
public final class QueryMetrics implements QueryGateway.QueryObserver {
    private static final double[] LATENCY_BUCKETS = {0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5};

    private final Counter queries;
    private final Histogram latency;
    private final Counter retries;
    private final Counter shed;

    private QueryMetrics(PrometheusRegistry registry, OnlineQueries online) {
        queries = Counter.builder().name("graphagent_queries_total")
                .help("Online queries answered by the gateway, by kind and outcome (ok, busy, deadline, no_graph...).")
                .labelNames("kind", "outcome").register(registry);
        latency = Histogram.builder().name("graphagent_query_duration_seconds")
                .help("Time of online queries at the gateway, by kind.").labelNames("kind")
                .classicOnly().classicUpperBounds(LATENCY_BUCKETS).register(registry);
        retries = Counter.builder().name("graphagent_query_retries_total")
                .help("Query requests sent again to another replica, by cause: a DisconnectCause label for a connection failure"
                        + " (connection_refused, deadline_exceeded, tls_unknown_ca...), the membership cause of an agent that left"
                        + " ALIVE, or busy / not_held.").labelNames("cause").register(registry);
        shed = Counter.builder().name("graphagent_queries_shed_total")
                .help("Queries refused busy (\"retry after\") instead of queued: at the gateway (query.max-in-flight) or"
                        + " because every live replica of a partition was busy (query.agent-max-in-flight).")
                .labelNames("where").register(registry);
        shed.labelValues(QueryGateway.SHED_AT_GATEWAY);
        shed.labelValues(QueryGateway.SHED_BY_REPLICAS);
        GaugeWithCallback.builder().name("graphagent_partition_request_rate")
                .help("Requests per second to each resident partition, averaged over query.heat-window.")
                .labelNames("graph", "partition").callback(cb -> {
                    for (PartitionRoute p : table(online).getPartitionsList()) {
                        cb.call(p.getRate(), p.getGraph(), Integer.toString(p.getPartition()));
                    }
                }).register(registry);
        GaugeWithCallback.builder().name("graphagent_partition_hot")
                .help("1 while a resident partition is hot (holds an extra replica), else 0.")
                .labelNames("graph", "partition").callback(cb -> {
                    for (PartitionRoute p : table(online).getPartitionsList()) {
                        cb.call(p.getHot() ? 1 : 0, p.getGraph(), Integer.toString(p.getPartition()));
                    }
                }).register(registry);
        GaugeWithCallback.builder().name("graphagent_partition_live_replicas")
                .help("Live replicas of each resident partition.")
                .labelNames("graph", "partition").callback(cb -> {
                    for (PartitionRoute p : table(online).getPartitionsList()) {
                        cb.call(p.getReplicasCount(), p.getGraph(), Integer.toString(p.getPartition()));
                    }
                }).register(registry);
        GaugeWithCallback.builder().name("graphagent_query_agent_cost")
                .help("The router's cost of one more request to each agent: (in flight + 1) x latency ms.")
                .labelNames("agent").callback(cb -> {
                    for (AgentLoad a : table(online).getAgentsList()) {
                        cb.call(a.getCost(), a.getAgentId());
                    }
                }).register(registry);
        CounterWithCallback.builder().name("graphagent_query_agent_requests_total")
                .help("Query requests the router has sent each agent since the gateway started (hops, retries, lookups).")
                .labelNames("agent").callback(cb -> {
                    for (AgentLoad a : table(online).getAgentsList()) {
                        cb.call(a.getRequests(), a.getAgentId());
                    }
                }).register(registry);
    }

    private static RoutingTable table(OnlineQueries online) {
        return online.routingTable();
    }

    /** Registers the query metrics on {@code metrics}' registry and observes {@code online}'s gateway. */
    public static QueryMetrics observe(ClusterMetrics metrics, OnlineQueries online) {
        QueryMetrics q = new QueryMetrics(metrics.registry(), online);
        online.observe(q);
        return q;
    }

    @Override
    public void answered(String kind, String outcome, long micros) {
        queries.labelValues(kind, outcome).inc();
        if (outcome.equals("ok")) {
            latency.labelValues(kind).observe(micros / 1e6);
        }
    }

    @Override
    public void retried(String cause) {
        retries.labelValues(cause).inc();
    }

    @Override
    public void shed(String where) {
        shed.labelValues(where).inc();
    }
}
