package io.graphagent.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.graphagent.protocol.ProtocolVersion;
import io.graphagent.ops.http.StatusJson;
import io.graphagent.protocol.v1.AgentStatus;
import io.graphagent.protocol.v1.CoordinatorInfo;
import io.graphagent.protocol.v1.JobStatus;
import io.graphagent.protocol.v1.StatusReply;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renders a {@link StatusReply} for {@code graphagent status}: a header line about the
 * coordinator, a table of agents and a table of jobs; or the same facts as one JSON document
 * with units in the key names, for scripts.
 */
final class StatusReport {
    private final String address;
    private final StatusReply reply;

    /** @param address the coordinator as dialled, HOST:PORT */
    StatusReport(String address, StatusReply reply) {
        this.address = address;
        this.reply = reply;
    }

    String text() {
        CoordinatorInfo c = reply.getCoordinator();
        StringBuilder out = new StringBuilder();
        out.append("coordinator ").append(address)
                .append("  cluster=").append(c.getClusterId())
                .append("  version=").append(c.getBuildVersion())
                .append("  protocol=").append(ProtocolVersion.describe(c.getProtocolMin(), c.getProtocolMax()))
                .append("  uptime=").append(Durations.millis(c.getUptimeMs()))
                .append("  tls=").append(c.getTls() ? "yes" : "NO (--insecure: plaintext, readable and forgeable on the network)")
                .append('\n');
        if (c.getStore().equals("etcd")) {
            controlPlane(out, c.getControlPlane());
        }

        long alive = reply.getAgentsList().stream().filter(a -> a.getState() == io.graphagent.protocol.v1.AgentState.ALIVE).count();
        out.append('\n').append("agents: ").append(reply.getAgentsCount()).append(" (").append(alive).append(" alive)\n");
        if (reply.getAgentsCount() > 0) {
            TextTable agents = new TextTable("AGENT", "STATE", "SINCE", "HEARTBEAT", "RTT", "SKEW", "PARTITIONS", "HEAP",
                    "TLS", "VERSION", "ADDRESS", "CAUSE");
            for (AgentStatus a : reply.getAgentsList()) {
                long since = Math.max(0, c.getServerTimeMs() - a.getStateSinceMs());
                agents.add(a.getAgentId(), a.getState().name(), a.getStateSinceMs() == 0 ? "-" : Durations.millis(since),
                        Durations.millis(a.getLastHeartbeatAgeMs()) + " ago", Durations.micros(a.getRttMicros()),
                        Durations.signedMillis(a.getClockSkewMs()), Integer.toString(a.getPartitions()),
                        heap(a), a.getTls() ? "yes" : "NO", a.getBuildVersion(), a.getDataAddress(), a.getStateCause());
            }
            out.append(agents.render());
        }

        out.append('\n').append("jobs: ").append(reply.getJobsCount()).append('\n');
        if (reply.getJobsCount() > 0) {
            TextTable jobs = new TextTable("JOB", "STATE", "ALGORITHM", "SUPERSTEP", "ELAPSED", "RECOVERIES", "GRAPH", "MESSAGE");
            for (JobStatus j : reply.getJobsList()) {
                jobs.add(j.getJobId(), j.getState().name(), algorithm(j), Integer.toString(j.getSuperstep()),
                        Durations.millis(j.getElapsedMs()), Integer.toString(j.getRecoveries()), j.getSpec().getGraph(),
                        j.getMessage());
            }
            out.append(jobs.render());
            partitions(out);
        }
        if (reply.getGraphsCount() > 0) {
            out.append('\n').append("resident graphs: ").append(reply.getGraphsCount()).append('\n')
                    .append(GraphCommand.GraphTable.of(reply.getGraphsList()));
            routing(out, reply.getRouting());
        }
        return out.toString();
    }

    /** Heap in use of the agent's maximum, in MiB, e.g. {@code 212/300M}. */
    private static String heap(AgentStatus a) {
        return a.getMaxHeapBytes() == 0 ? "-" : (a.getHeapUsedBytes() >> 20) + "/" + (a.getMaxHeapBytes() >> 20) + "M";
    }

    /** Where each partition of the jobs still running is: owner, vertices, edge entries, moves. */
    private void partitions(StringBuilder out) {
        for (JobStatus j : reply.getJobsList()) {
            if (j.getPartitionsCount() == 0 || isFinished(j)) {
                continue;
            }
            out.append('\n').append("partitions of ").append(j.getJobId()).append(": ").append(j.getPartitionsCount()).append('\n');
            TextTable table = new TextTable("PARTITION", "AGENT", "VERTICES", "EDGES", "MOVES");
            for (io.graphagent.protocol.v1.PartitionPlacement p : j.getPartitionsList()) {
                table.add(Integer.toString(p.getPartitionId()), p.getAgentId(), Long.toString(p.getVertices()),
                        Long.toString(p.getEdges()), Integer.toString(p.getMoves()));
            }
            out.append(table.render());
        }
    }

    /** The query routing table: each resident partition's heat and the replica it routes to; each agent's load. */
    private static void routing(StringBuilder out, io.graphagent.protocol.v1.RoutingTable t) {
        out.append('\n').append("query routing: ").append(t.getPolicy()).append(" (hot over ")
                .append(String.format(java.util.Locale.ROOT, "%.0f", t.getHotRate())).append(" requests/s)\n");
        TextTable table = new TextTable("GRAPH", "PARTITION", "RATE/S", "HOT", "REPLICAS", "ROUTES-TO", "REQUESTS", "VERTICES");
        for (io.graphagent.protocol.v1.PartitionRoute p : t.getPartitionsList()) {
            table.add(p.getGraph(), Integer.toString(p.getPartition()), String.format(java.util.Locale.ROOT, "%.1f", p.getRate()),
                    p.getHot() ? "HOT" : "-", String.join(",", p.getReplicasList()),
                    p.getRoutesTo().isEmpty() ? "NONE" : p.getRoutesTo(), Long.toString(p.getRequests()),
                    Long.toString(p.getVertices()));
        }
        out.append(table.render());
        TextTable agents = new TextTable("AGENT", "IN-FLIGHT", "REPORTED", "LATENCY", "COST", "LIVE");
        for (io.graphagent.protocol.v1.AgentLoad a : t.getAgentsList()) {
            agents.add(a.getAgentId(), Integer.toString(a.getInFlight()), Integer.toString(a.getReportedInFlight()),
                    String.format(java.util.Locale.ROOT, "%.2fms", a.getLatencyMs()),
                    String.format(java.util.Locale.ROOT, "%.2f", a.getCost()), a.getLive() ? "yes" : "NO");
        }
        out.append(agents.render());
    }

    private static boolean isFinished(JobStatus j) {
        return switch (j.getState()) {
            case SUCCEEDED, FAILED, CANCELLED -> true;
            default -> false;
        };
    }

    String json() {
        CoordinatorInfo c = reply.getCoordinator();
        Map<String, Object> coordinator = new LinkedHashMap<>();
        coordinator.put("address", address);
        coordinator.put("cluster_id", c.getClusterId());
        coordinator.put("build_version", c.getBuildVersion());
        coordinator.put("protocol_min", c.getProtocolMin());
        coordinator.put("protocol_max", c.getProtocolMax());
        coordinator.put("tls", c.getTls());
        coordinator.put("server_time_ms", c.getServerTimeMs());
        coordinator.put("uptime_ms", c.getUptimeMs());
        coordinator.put("store", c.getStore().isEmpty() ? "local" : c.getStore());
        if (c.getStore().equals("etcd")) {
            io.graphagent.protocol.v1.ControlPlane p = c.getControlPlane();
            Map<String, Object> plane = new LinkedHashMap<>();
            plane.put("leading", p.getLeading());
            plane.put("leader_term", p.getLeaderTerm());
            plane.put("leader_id", p.getLeaderId());
            plane.put("leader_address", p.getLeaderAddress());
            plane.put("etcd_healthy", p.getEtcdHealthy());
            plane.put("etcd_problem", p.getEtcdProblem());
            plane.put("coordinators", p.getMembersList().stream().map(m -> Map.of("id", m.getCoordinatorId(),
                    "address", m.getAddress(), "admin_address", m.getAdminAddress(), "role", m.getRole())).toList());
            coordinator.put("control_plane", plane);
        }

        // The same shape as the admin API's /api/agents and /api/jobs.
        List<Map<String, Object>> agents = reply.getAgentsList().stream().map(StatusJson::agent).toList();
        List<Map<String, Object>> jobs = reply.getJobsList().stream().map(StatusJson::job).toList();

        Map<String, Object> root = new LinkedHashMap<>();
        root.put("coordinator", coordinator);
        root.put("agents", agents);
        root.put("jobs", jobs);
        if (reply.getGraphsCount() > 0) {
            root.put("graphs", reply.getGraphsList().stream().map(io.graphagent.ops.http.QueryJson::graph).toList());
            root.put("routing", io.graphagent.ops.http.QueryJson.routing(reply.getRouting()));
        }
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render status as JSON", e);
        }
    }

    /** The etcd store's coordinators: leader and standbys, and etcd's health. */
    private static void controlPlane(StringBuilder out, io.graphagent.protocol.v1.ControlPlane p) {
        out.append("control plane: etcd ").append(String.join(",", p.getEtcdEndpointsList()))
                .append("  term=").append(p.getLeaderTerm())
                .append("  this coordinator ").append(p.getLeading() ? "LEADS" : "stands by")
                .append("  etcd=").append(p.getEtcdHealthy() ? "healthy" : "UNHEALTHY: " + p.getEtcdProblem())
                .append(p.getEtcdHealthy() ? "" : "  (no job is admitted until etcd has a quorum)").append('\n');
        TextTable members = new TextTable("COORDINATOR", "ROLE", "TERM", "SINCE", "ADDRESS", "ADMIN");
        for (io.graphagent.protocol.v1.ControlPlaneMember m : p.getMembersList()) {
            boolean leads = m.getRole().equals("leader");
            long since = leads && p.getLeaderSinceMs() > 0 ? p.getLeaderSinceMs() : m.getStartedTimeMs();
            members.add(m.getCoordinatorId(), m.getRole(), leads ? Long.toString(p.getLeaderTerm()) : "-",
                    since > 0 ? java.time.Instant.ofEpochMilli(since).truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                            .toString() : "-", m.getAddress(), m.getAdminAddress());
        }
        out.append(members.render());
        if (!p.getLeading()) {
            out.append(p.getLeaderAddress().isEmpty() ? "no leader is elected: agents and jobs are shown by the leader once"
                    + " there is one\n" : "agents and jobs: ask the leader, graphagent status --coordinator "
                    + p.getLeaderAddress() + "\n");
        }
    }

    /** The kernel, or a user program's class with the SHA-256 of its jar (who ran what code). */
    private static String algorithm(JobStatus j) {
        if (j.getSpec().hasProgram() && !j.getSpec().getProgram().getClassName().isEmpty()) {
            return j.getSpec().getProgram().getClassName() + " (jar sha256=" + j.getSpec().getProgram().getJarSha256() + ")";
        }
        return j.getSpec().getAlgorithm().name().toLowerCase(Locale.ROOT);
    }
}
