package io.graphagent.ops.http;

import io.graphagent.config.SessionConfig;
import io.graphagent.ops.dashboard.RttHistory;
import io.graphagent.protocol.v1.AgentState;
import io.graphagent.protocol.v1.AgentStatus;
import io.graphagent.protocol.v1.JobStatus;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What {@code /api/dashboard} answers: the agents (with their RTT and lease-margin history and
 * whether they are late), every job, the query routing table (the heat view: each resident
 * partition's request rate, whether it is hot, its replicas and the one it routes to, with
 * each agent's routing cost; null without online queries), the control plane (the
 * coordinators, leader and standbys, with term and since when), and the timing that gives the
 * numbers their meaning, in one object so that the page renders one consistent moment.
 * Thread-safe.
 */
final class DashboardView {

    /** A heartbeat older than this many intervals makes an agent late. */
    static final int LATE_AFTER_INTERVALS = 2;

    private final Supplier<List<AgentStatus>> agents;
    private final Supplier<List<JobStatus>> jobs;
    private final SessionConfig session;
    private final RttHistory history;
    private final Clock clock;
    /** The routing table as {@code /api/partitions} shows it, or null without online queries. */
    private final Supplier<Map<String, Object>> routing;
    /** The control plane as {@link StatusJson#controlPlane} shows it (the Coordinators panel), or null. */
    private volatile Supplier<Map<String, Object>> controlPlane;

    DashboardView(Supplier<List<AgentStatus>> agents, Supplier<List<JobStatus>> jobs, SessionConfig session,
            RttHistory history, Clock clock) {
        this(agents, jobs, session, history, clock, null);
    }

    /** @param routing the query routing table ({@link QueryJson#routing}), or null without online queries */
    DashboardView(Supplier<List<AgentStatus>> agents, Supplier<List<JobStatus>> jobs, SessionConfig session,
            RttHistory history, Clock clock, Supplier<Map<String, Object>> routing) {
        this.routing = routing;
        this.agents = agents;
        this.jobs = jobs;
        this.session = session;
        this.history = history;
        this.clock = clock;
    }

    /** Where the Coordinators panel's data comes from (the coordinator's control plane, read on each snapshot). */
    void useControlPlane(Supplier<Map<String, Object>> plane) {
        this.controlPlane = java.util.Objects.requireNonNull(plane, "plane");
    }

    /** Samples every agent's RTT and lease margin into the history (the sampler thread calls this). */
    void sample() {
        history.sample(agents.get(), clock.millis());
    }

    Map<String, Object> snapshot() {
        Map<String, Object> timing = new LinkedHashMap<>();
        timing.put("heartbeat_interval_ms", session.heartbeatInterval().toMillis());
        timing.put("suspect_after_ms", session.suspectAfter().toMillis());
        timing.put("lease_ttl_ms", session.leaseTtl().toMillis());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("now_ms", clock.millis());
        out.put("timing", timing);
        out.put("agents", agents.get().stream().map(this::agent).toList());
        out.put("jobs", jobs.get().stream().map(StatusJson::job).toList());
        out.put("routing", routing == null ? null : routing.get());
        Supplier<Map<String, Object>> plane = controlPlane;
        out.put("control_plane", plane == null ? null : plane.get());
        return out;
    }

    private Map<String, Object> agent(AgentStatus s) {
        Map<String, Object> m = StatusJson.agent(s);
        boolean live = s.getState() == AgentState.ALIVE || s.getState() == AgentState.SUSPECT;
        m.put("lease_margin_ms", live ? Math.max(0, session.leaseTtl().toMillis() - s.getLastHeartbeatAgeMs()) : 0);
        m.put("late", late(s, session.heartbeatInterval()));
        m.put("history", history.of(s.getAgentId()));
        return m;
    }

    /** SUSPECT, or ALIVE with a heartbeat older than {@value #LATE_AFTER_INTERVALS} intervals. */
    static boolean late(AgentStatus s, Duration heartbeatInterval) {
        return s.getState() == AgentState.SUSPECT || (s.getState() == AgentState.ALIVE
                && s.getLastHeartbeatAgeMs() > LATE_AFTER_INTERVALS * heartbeatInterval.toMillis());
    }
}
