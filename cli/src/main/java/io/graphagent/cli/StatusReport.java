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

        long alive = reply.getAgentsList().stream().filter(a -> a.getState() == io.graphagent.protocol.v1.AgentState.ALIVE).count();
        out.append('\n').append("agents: ").append(reply.getAgentsCount()).append(" (").append(alive).append(" alive)\n");
        if (reply.getAgentsCount() > 0) {
            TextTable agents = new TextTable("AGENT", "STATE", "SINCE", "HEARTBEAT", "RTT", "SKEW", "PARTITIONS", "TLS",
                    "VERSION", "ADDRESS", "CAUSE");
            for (AgentStatus a : reply.getAgentsList()) {
                long since = Math.max(0, c.getServerTimeMs() - a.getStateSinceMs());
                agents.add(a.getAgentId(), a.getState().name(), a.getStateSinceMs() == 0 ? "-" : Durations.millis(since),
                        Durations.millis(a.getLastHeartbeatAgeMs()) + " ago", Durations.micros(a.getRttMicros()),
                        Durations.signedMillis(a.getClockSkewMs()), Integer.toString(a.getPartitions()),
                        a.getTls() ? "yes" : "NO", a.getBuildVersion(), a.getDataAddress(), a.getStateCause());
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
        }
        return out.toString();
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

        // The same shape as the admin API's /api/agents and /api/jobs.
        List<Map<String, Object>> agents = reply.getAgentsList().stream().map(StatusJson::agent).toList();
        List<Map<String, Object>> jobs = reply.getJobsList().stream().map(StatusJson::job).toList();

        Map<String, Object> root = new LinkedHashMap<>();
        root.put("coordinator", coordinator);
        root.put("agents", agents);
        root.put("jobs", jobs);
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render status as JSON", e);
        }
    }

    private static String algorithm(JobStatus j) {
        return j.getSpec().getAlgorithm().name().toLowerCase(Locale.ROOT);
    }
}
