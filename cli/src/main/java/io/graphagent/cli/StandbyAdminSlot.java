package io.graphagent.cli;

import io.graphagent.config.GraphagentConfig;
import io.graphagent.coordinator.leader.ControlPlaneNode;
import io.graphagent.ops.events.EventLog;
import io.graphagent.ops.http.StandbyAdmin;
import io.graphagent.ops.metrics.ControlPlaneMetrics;
import io.graphagent.protocol.v1.StoredLeader;
import java.io.IOException;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin port of a coordinator of the etcd store, while it does not lead: a
 * {@link StandbyAdmin} (health, readiness 503, control-plane metrics) that gives the port up
 * when the leader's admin server needs it ({@link #yieldToLeader}) and takes it again once that
 * one has closed ({@link #takeBack}). So the control-plane metrics are scraped however the
 * leadership moves, and while no coordinator leads. Thread-safe: one lock orders the hand-overs.
 */
final class StandbyAdminSlot {

    private static final Logger log = LoggerFactory.getLogger(StandbyAdminSlot.class);

    private final GraphagentConfig settings;
    private final Clock clock;
    private final ControlPlaneNode[] node;
    private StandbyAdmin open;
    private boolean leaderHoldsPort;
    private boolean closed;

    /** @param node filled in once the node exists */
    StandbyAdminSlot(GraphagentConfig settings, Clock clock, ControlPlaneNode[] node) {
        this.settings = settings;
        this.clock = clock;
        this.node = node;
    }

    /** Serves the standby admin unless the leader's holds the port. */
    synchronized void serve() {
        if (open != null || leaderHoldsPort || closed || node[0] == null) {
            return;
        }
        ControlPlaneNode n = node[0];
        try {
            open = StandbyAdmin.start(settings, ControlPlaneMetrics.Source.of(n), () -> notReady(n), clock);
        } catch (IOException | RuntimeException e) {
            log.warn("cause=admin_unavailable event=standby_admin_failed listen={} detail=\"{}\" fix=\"free the admin port"
                    + " or pass --admin-listen HOST:PORT\"", settings.coordinator().adminListen(), e.getMessage());
        }
    }

    /** Closes the standby admin: the leader's admin server starts on the port next. */
    synchronized void yieldToLeader() {
        leaderHoldsPort = true;
        closeOpen();
    }

    /** The leader's admin has closed: serve the standby admin again. */
    synchronized void takeBack() {
        leaderHoldsPort = false;
        serve();
    }

    /** The standby admin's event log, while it serves. */
    synchronized Optional<EventLog> events() {
        return open == null ? Optional.empty() : Optional.of(open.events());
    }

    /** Closes for good. */
    synchronized void close() {
        closed = true;
        closeOpen();
    }

    private void closeOpen() {
        if (open != null) {
            open.close();
            open = null;
        }
    }

    private static String notReady(ControlPlaneNode n) {
        Optional<StoredLeader> leader = n.election().leader();
        String etcd = n.health().problem();
        return "standing by: " + leader.map(l -> "the leader is " + l.getCoordinatorId() + " at " + l.getAddress()
                + " (admin " + l.getAdminAddress() + ")").orElse("no coordinator leads")
                + (etcd.isEmpty() ? "" : "; " + etcd);
    }
}
