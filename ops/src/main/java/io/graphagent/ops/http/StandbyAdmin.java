package io.graphagent.ops.http;

import io.graphagent.config.GraphagentConfig;
import io.graphagent.ops.events.EventLog;
import io.graphagent.ops.metrics.ClusterMetrics;
import io.graphagent.ops.metrics.ControlPlaneMetrics;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The admin HTTP server of a coordinator that stands by (etcd store): {@code /healthz},
 * {@code /readyz} (503 with where the leader is), {@code /metrics} (the control-plane gauges of
 * {@link ControlPlaneMetrics} and the JVM's; agent and job metrics stay at zero) and its event
 * log, on the same {@code coordinator.admin-listen} that {@link CoordinatorAdmin} takes when the
 * coordinator leads. Close it before the leader's admin starts and start it again once that one
 * is closed: the two never hold the port or the event log at once. Thread-safe.
 */
public final class StandbyAdmin implements AutoCloseable {

    private final AdminServer server;
    private final EventLog events;

    private StandbyAdmin(AdminServer server, EventLog events) {
        this.server = server;
        this.events = events;
    }

    /**
     * @param notReady why this coordinator serves no agents or jobs (standing by, the leader's address)
     * @throws IOException when the admin address cannot be bound
     */
    public static StandbyAdmin start(GraphagentConfig config, ControlPlaneMetrics.Source controlPlane,
            Supplier<String> notReady, Clock clock) throws IOException {
        ClusterMetrics metrics = new ClusterMetrics(clock);
        ControlPlaneMetrics.register(metrics.registry(), controlPlane);
        EventLog events = EventLog.open(config.coordinator().stateDir(), clock);
        try {
            AdminServer server = AdminServer.start("coordinator", config.coordinator().adminListen(), config.admin().token(),
                    metrics, events, new AdminServer.Views(() -> Optional.of(notReady.get()), List::of, List::of));
            return new StandbyAdmin(server, events);
        } catch (IOException | RuntimeException e) {
            events.close();
            throw e;
        }
    }

    /** The bound port. */
    public int port() {
        return server.port();
    }

    /** The event log (etcd health changes seen while standing by go here). */
    public EventLog events() {
        return events;
    }

    @Override
    public void close() {
        server.close();
        events.close();
    }
}
