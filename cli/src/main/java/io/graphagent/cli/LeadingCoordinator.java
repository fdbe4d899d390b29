package io.graphagent.cli;

import io.graphagent.config.GraphagentConfig;
import io.graphagent.coordinator.CoordinatorServer;
import io.graphagent.coordinator.job.JobScheduler;
import io.graphagent.coordinator.leader.ControlPlaneNode;
import io.graphagent.coordinator.leader.Leadership;
import io.graphagent.coordinator.membership.Membership;
import io.graphagent.coordinator.resident.ResidentRestart;
import io.graphagent.coordinator.session.ControlPlaneView;
import io.graphagent.coordinator.store.EtcdClusterStore;
import io.graphagent.net.tls.TransportSecurity;
import io.graphagent.ops.http.CoordinatorAdmin;
import io.graphagent.ops.metrics.ControlPlaneMetrics;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a coordinator of the etcd store does once elected: it starts the coordinator proper on
 * the address its standby server held, over the store of its term. Before the first Hello is
 * served, the membership takes over the previous leader's sessions (each SUSPECT with a lease
 * that gives its agent {@link #carryOverGrace} to resume), refuses to command once the
 * leadership lapses, and mirrors sessions and ALIVE agents into etcd; then the admin server
 * starts and the unfinished jobs resume from their last checkpoint, as after a restart.
 */
final class LeadingCoordinator implements ControlPlaneNode.Role {

    private static final Logger log = LoggerFactory.getLogger(LeadingCoordinator.class);

    private final GraphagentConfig settings;
    private final TransportSecurity security;
    private final Clock clock;
    private final ControlPlaneNode[] node;
    private final java.util.function.BiConsumer<CoordinatorAdmin, Leadership> onAdmin;
    private final StandbyAdminSlot standby;

    /**
     * @param node    filled in once the node exists (the role needs its listen port)
     * @param onAdmin told of each admin server started (the etcd health events go there)
     * @param standby the admin port while standing by: given up before the leader's admin starts, taken back after
     */
    LeadingCoordinator(GraphagentConfig settings, TransportSecurity security, Clock clock, ControlPlaneNode[] node,
                       java.util.function.BiConsumer<CoordinatorAdmin, Leadership> onAdmin, StandbyAdminSlot standby) {
        this.standby = standby;
        this.settings = settings;
        this.security = security;
        this.clock = clock;
        this.node = node;
        this.onAdmin = onAdmin;
    }

    /**
     * How long a carried-over session waits for its agent: one capped reconnect delay plus a
     * lease, the longest a live agent takes to find the new leader (as {@code Rejoin} waits after
     * a restart).
     */
    static Duration carryOverGrace(GraphagentConfig config) {
        return config.session().reconnect().max().plus(config.session().leaseTtl());
    }

    @Override
    public AutoCloseable lead(Leadership leadership, EtcdClusterStore store, ControlPlaneView view) throws IOException {
        GraphagentConfig at = ConfigEdits.with(settings, settings.coordinator().withAddresses(node[0].listenAddress(),
                settings.coordinator().adminListen()));
        CoordinatorServer server;
        try {
            server = CoordinatorServer.start(at, security, directory -> {
                Membership membership = (Membership) directory;
                membership.useLeadership(leadership::valid);
                membership.addListener(store.mirror(membership));
                membership.carryOver(store.sessions(), carryOverGrace(settings));
                return new JobScheduler(directory, settings, clock, store.jobs(), store.storedJobs(), store.knownAgents());
            }, clock, store.epochs(), new ResidentRestart(store.graphs(), store.storedGraphs(), store.knownAgents()));
        } catch (io.graphagent.net.tls.TlsFilesException e) {
            throw new IOException(e.getMessage(), e);
        }
        server.service().useControlPlane(view);
        // From here agents resume their sessions and clients submit: the failover's end. The admin server and the
        // resumption of jobs follow.
        log.info("event=leader_serving term={} listen={} since_elected_ms={}", leadership.term().value(),
                node[0].listenAddress(), Duration.between(leadership.electedAt(), clock.instant()).toMillis());
        CoordinatorAdmin admin;
        standby.yieldToLeader();
        try {
            admin = CoordinatorAdmin.start(settings, server, security, clock);
            ControlPlaneMetrics.register(admin.metrics().registry(), ControlPlaneMetrics.Source.of(node[0]));
        } catch (IOException e) {
            server.close();
            standby.takeBack();
            throw new IOException("cannot serve admin HTTP on " + settings.coordinator().adminListen() + ": " + e.getMessage()
                    + ". Fix: stop the process that holds the port, or pass --admin-listen HOST:PORT", e);
        }
        onAdmin.accept(admin, leadership);
        List<String> resuming = server.jobs() instanceof JobScheduler scheduler ? scheduler.resumeStoredJobs() : List.of();
        admin.events().append("leader_elected", "", store.takenOver() ? "leader_changed" : "leader_elected",
                "this coordinator leads, " + leadership.term() + "; sessions carried over: " + store.sessions().size()
                        + "; resuming " + (resuming.isEmpty() ? "no job" : String.join(", ", resuming)));
        log.info("event=leader_started term={} listen={} sessions_carried_over={} resuming={}", leadership.term().value(),
                node[0].listenAddress(), store.sessions().size(), resuming);
        return () -> {
            admin.events().append("leader_deposed", "", "leader_deposed", "this coordinator no longer leads ("
                    + leadership.term() + "): " + leadership.deposedBecause());
            admin.close();
            server.close();
            standby.takeBack();
        };
    }
}
