package io.graphagent.ops.http;

import io.graphagent.protocol.v1.AgentLoad;
import io.graphagent.protocol.v1.DegreeReply;
import io.graphagent.protocol.v1.KHopReply;
import io.graphagent.protocol.v1.NeighboursReply;
import io.graphagent.protocol.v1.PartitionRoute;
import io.graphagent.protocol.v1.PathReply;
import io.graphagent.protocol.v1.QueryStats;
import io.graphagent.protocol.v1.ReplicaMemory;
import io.graphagent.protocol.v1.ResidentGraph;
import io.graphagent.protocol.v1.RoutingTable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON documents of the query HTTP API: replies of the Query service as plain maps with
 * snake_case keys (units in the key: {@code *_ms}, {@code *_micros}, {@code *_bytes}).
 */
public final class QueryJson {
    private QueryJson() {
    }

    static Map<String, Object> stats(QueryStats s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("hops", s.getHops());
        m.put("requests", s.getRequests());
        m.put("retries", s.getRetries());
        m.put("vertices_visited", s.getVerticesVisited());
        m.put("elapsed_micros", s.getElapsedMicros());
        return m;
    }

    private static Map<String, Object> found(boolean found, String message) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("found", found);
        if (!message.isEmpty()) {
            m.put("message", message);
        }
        return m;
    }

    static Map<String, Object> neighbours(NeighboursReply r) {
        Map<String, Object> m = found(r.getFound(), r.getMessage());
        if (r.getFound()) {
            m.put("count", r.getCount());
            m.put("neighbours", r.getNeighboursList());
            m.put("truncated", r.getTruncated());
        }
        m.put("stats", stats(r.getStats()));
        return m;
    }

    static Map<String, Object> degree(DegreeReply r) {
        Map<String, Object> m = found(r.getFound(), r.getMessage());
        if (r.getFound()) {
            m.put("out_degree", r.getOutDegree());
            m.put("in_degree", r.getInDegree());
        }
        m.put("stats", stats(r.getStats()));
        return m;
    }

    static Map<String, Object> khop(KHopReply r) {
        Map<String, Object> m = found(r.getFound(), r.getMessage());
        if (r.getFound()) {
            m.put("count", r.getCount());
            m.put("per_hop", r.getPerHopList());
            m.put("vertices", r.getVerticesList());
            m.put("truncated", r.getTruncated());
        }
        m.put("stats", stats(r.getStats()));
        return m;
    }

    static Map<String, Object> path(PathReply r) {
        Map<String, Object> m = found(r.getFound(), r.getMessage());
        if (r.getFound()) {
            m.put("connected", r.getConnected());
            m.put("length", r.getLength());
            m.put("path", r.getPathList());
        }
        m.put("stats", stats(r.getStats()));
        return m;
    }

    public static Map<String, Object> graph(ResidentGraph g) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", g.getName());
        m.put("state", g.getState().name().substring("GRAPH_".length()));
        m.put("message", g.getMessage());
        m.put("source", g.getSource());
        m.put("directed", g.getDirected());
        m.put("vertices", g.getVertices());
        m.put("edges", g.getEdges());
        m.put("partitions", g.getPartitions());
        m.put("replicas", g.getReplicas());
        m.put("generation", g.getGeneration());
        List<Map<String, Object>> memory = new java.util.ArrayList<>();
        for (ReplicaMemory r : g.getMemoryList()) {
            Map<String, Object> a = new LinkedHashMap<>();
            a.put("agent_id", r.getAgentId());
            a.put("partitions", r.getPartitionIdsList());
            a.put("bytes", r.getBytes());
            memory.add(a);
        }
        m.put("memory", memory);
        return m;
    }

    /** The routing table: what {@code /api/partitions} answers. */
    public static Map<String, Object> routing(RoutingTable t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("policy", t.getPolicy());
        m.put("hot_rate", t.getHotRate());
        List<Map<String, Object>> partitions = new java.util.ArrayList<>();
        for (PartitionRoute p : t.getPartitionsList()) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("graph", p.getGraph());
            r.put("partition", p.getPartition());
            r.put("rate", p.getRate());
            r.put("hot", p.getHot());
            r.put("replicas", p.getReplicasList());
            r.put("routes_to", p.getRoutesTo());
            r.put("vertices", p.getVertices());
            r.put("requests", p.getRequests());
            partitions.add(r);
        }
        m.put("partitions", partitions);
        List<Map<String, Object>> agents = new java.util.ArrayList<>();
        for (AgentLoad a : t.getAgentsList()) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("agent_id", a.getAgentId());
            r.put("in_flight", a.getInFlight());
            r.put("requests", a.getRequests());
            r.put("reported_in_flight", a.getReportedInFlight());
            r.put("latency_ms", a.getLatencyMs());
            r.put("cost", a.getCost());
            r.put("live", a.getLive());
            agents.add(r);
        }
        m.put("agents", agents);
        return m;
    }
}
