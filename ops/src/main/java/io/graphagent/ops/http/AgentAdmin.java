package io.graphagent.ops.http;

import io.graphagent.agent.checkpoint.ReplicaCounters;
import io.graphagent.agent.session.SessionClient;
import io.graphagent.config.HostPort;
import io.graphagent.net.tls.TransportSecurity;
import io.graphagent.ops.events.EventLog;
import io.graphagent.ops.metrics.ClusterMetrics;
import java.io.IOException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An agent's operability: metrics from its session client (round trips, reconnects, clock
 * offset), an in-memory event log of its connection failures, and the admin HTTP server.
 * {@code /readyz} is 200 while the session is ALIVE (a Welcome received, the stream open).
 */
public final class AgentAdmin implements AutoCloseable {

    private final AdminServer server;

    private AgentAdmin(AdminServer server) {
        this.server = server;
    }

    /** Hooks onto {@code client} (call before it starts) and serves on {@code listen}. */
    public static AgentAdmin start(HostPort listen, String token, SessionClient client, TransportSecurity security,
            Clock clock) throws IOException {
        return start(listen, token, client, null, security, clock);
    }

    /**
     * Like {@link #start(HostPort, String, SessionClient, TransportSecurity, Clock)}, with the
     * metrics of the agent's checkpoint copies ({@code copies} null: none).
     */
    public static AgentAdmin start(HostPort listen, String token, SessionClient client, ReplicaCounters copies,
            TransportSecurity security, Clock clock) throws IOException {
        ClusterMetrics metrics = new ClusterMetrics(clock);
        metrics.observeAgent(client);
        if (copies != null) {
            metrics.observeCheckpointCopies(copies);
        }
        CoordinatorAdmin.certificate(security).ifPresent(notAfter -> metrics.certificateExpires("agent", notAfter));
        EventLog events = EventLog.inMemory(clock);
        events.observe(client.causes(), client.agentId());
        AdminServer server = AdminServer.start("agent", listen, token, metrics, events, new AdminServer.Views(
                () -> client.connected() ? Optional.empty() : Optional.of("session not ALIVE (dialling or reconnecting)"),
                () -> List.of(self(client)),
                List::of));
        return new AgentAdmin(server);
    }

    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.close();
    }

    private static Map<String, Object> self(SessionClient client) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("agent", client.agentId());
        m.put("state", client.connected() ? "ALIVE" : "DISCONNECTED");
        m.put("session", client.sessionId());
        m.put("epoch", client.epoch());
        m.put("rtt_micros", client.lastRtt().toNanos() / 1000);
        m.put("clock_offset_ms", client.clockOffset().toMillis());
        m.put("attempts", client.attempts());
        return m;
    }
}
