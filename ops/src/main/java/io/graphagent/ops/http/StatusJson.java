package io.graphagent.ops.http;

import io.graphagent.protocol.v1.AgentStatus;
import io.graphagent.protocol.v1.JobStatus;
import io.graphagent.protocol.v1.JobSummary;
import io.graphagent.protocol.v1.PartitionPlacement;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JSON shape of the coordinator's {@code AgentStatus} and {@code JobStatus}, the one shape
 * of the admin API ({@code /api/agents}, {@code /api/jobs}, {@code /api/dashboard}) and of
 * {@code graphagent status --json}: snake_case keys, units in the names. Stateless.
 */
public final class StatusJson {
    private StatusJson() {
    }

    public static Map<String, Object> agent(AgentStatus s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("agent", s.getAgentId());
        m.put("state", s.getState().name());
        m.put("cause", s.getStateCause());
        m.put("state_since_ms", s.getStateSinceMs());
        m.put("heartbeat_age_ms", s.getLastHeartbeatAgeMs());
        m.put("rtt_micros", s.getRttMicros());
        m.put("clock_skew_ms", s.getClockSkewMs());
        m.put("partitions", s.getPartitions());
        m.put("tls", s.getTls());
        m.put("data_address", s.getDataAddress());
        m.put("remote_address", s.getRemoteAddress());
        m.put("build", s.getBuildVersion());
        m.put("protocol", s.getProtocolVersion());
        m.put("epoch", s.getEpoch());
        m.put("session_id", s.getSessionId());
        m.put("session_age_ms", s.getSessionAgeMs());
        m.put("reconnects", s.getReconnects());
        m.put("cores", s.getCores());
        m.put("heap_used_bytes", s.getHeapUsedBytes());
        m.put("max_heap_bytes", s.getMaxHeapBytes());
        return m;
    }

    public static Map<String, Object> job(JobStatus j) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("job", j.getJobId());
        m.put("state", j.getState().name());
        boolean user = j.getSpec().hasProgram() && !j.getSpec().getProgram().getClassName().isEmpty();
        m.put("algorithm", user ? j.getSpec().getProgram().getClassName()
                : j.getSpec().getAlgorithm().name().toLowerCase(java.util.Locale.ROOT));
        // A user program's class and the SHA-256 of its jar: who ran what code; null for a built-in kernel.
        m.put("program", user ? j.getSpec().getProgram().getClassName() : null);
        m.put("jar_sha256", user ? j.getSpec().getProgram().getJarSha256() : null);
        m.put("graph", j.getSpec().getGraph());
        m.put("superstep", j.getSuperstep());
        m.put("max_supersteps", j.getMaxSupersteps());
        m.put("submitted_time_ms", j.getSubmittedTimeMs());
        m.put("elapsed_ms", j.getElapsedMs());
        m.put("recoveries", j.getRecoveries());
        m.put("last_checkpoint", j.hasLastCheckpointSuperstep() ? j.getLastCheckpointSuperstep() : null);
        m.put("output", j.getSpec().getOutputPath());
        m.put("job_epoch", j.getJobEpoch());
        m.put("message", j.getMessage());
        m.put("failure_kind", j.getFailureKind() == io.graphagent.protocol.v1.JobFailureKind.JOB_FAILURE_KIND_UNSPECIFIED
                ? null : j.getFailureKind().name().toLowerCase(java.util.Locale.ROOT));
        m.put("summary", j.hasSummary() ? summary(j.getSummary()) : null);
        m.put("partitions", j.getPartitionsList().stream().map(StatusJson::partition).toList());
        return m;
    }

    private static Map<String, Object> summary(JobSummary s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("output_path", s.getOutputPath());
        m.put("vertices", s.getVertices());
        m.put("edges", s.getEdges());
        m.put("supersteps", s.getSupersteps());
        m.put("total_time_ms", s.getTotalTimeMs());
        m.put("load_time_ms", s.getLoadTimeMs());
        m.put("compute_time_ms", s.getComputeTimeMs());
        m.put("output_time_ms", s.getOutputTimeMs());
        m.put("recoveries", s.getRecoveries());
        m.put("messages", s.getMessages());
        m.put("bytes_exchanged", s.getBytesExchanged());
        m.put("agents", s.getAgents());
        m.put("partitions", s.getPartitions());
        return m;
    }

    private static Map<String, Object> partition(PartitionPlacement p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("partition", p.getPartitionId());
        m.put("agent", p.getAgentId());
        m.put("vertices", p.getVertices());
        m.put("edges", p.getEdges());
        m.put("moves", p.getMoves());
        return m;
    }

    /**
     * The control plane for the dashboard's Coordinators panel: the store, the leader's term and
     * since when it leads, etcd's health, and every coordinator with its role and since when it
     * holds it (the leader: elected; a standby: started). The local store has one coordinator and
     * no term.
     */
    static Map<String, Object> controlPlane(String store, io.graphagent.protocol.v1.ControlPlane p) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("store", store);
        m.put("leader_term", p.getLeaderTerm());
        m.put("leader_id", p.getLeaderId());
        m.put("leader_address", p.getLeaderAddress());
        m.put("leader_since_ms", p.getLeaderSinceMs());
        m.put("etcd_healthy", p.getEtcdHealthy());
        m.put("etcd_problem", p.getEtcdProblem());
        m.put("coordinators", p.getMembersList().stream().map(c -> {
            Map<String, Object> one = new java.util.LinkedHashMap<>();
            boolean leads = c.getRole().equals("leader");
            one.put("coordinator_id", c.getCoordinatorId());
            one.put("role", c.getRole());
            one.put("term", leads ? p.getLeaderTerm() : 0L);
            one.put("since_ms", leads && p.getLeaderSinceMs() > 0 ? p.getLeaderSinceMs() : c.getStartedTimeMs());
            one.put("address", c.getAddress());
            one.put("admin_address", c.getAdminAddress());
            return one;
        }).toList());
        return m;
    }
}
