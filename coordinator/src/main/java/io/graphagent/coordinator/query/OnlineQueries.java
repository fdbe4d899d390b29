package io.graphagent.coordinator.query;

import io.graphagent.config.GraphagentConfig;
import io.graphagent.coordinator.job.JobScheduler;
import io.graphagent.coordinator.membership.AgentDirectory;
import io.graphagent.coordinator.resident.ResidentGraphs;
import io.graphagent.coordinator.resident.ResidentRestart;
import io.graphagent.net.tls.NetworkThreads;
import io.graphagent.net.tls.TransportSecurity;
import io.graphagent.protocol.v1.RoutingTable;
import io.grpc.ServerServiceDefinition;
import java.time.Clock;

/**
 * The coordinator's online side, wired together: the resident graphs, the router with its
 * heat, the gateway and its gRPC Query service. Resident graphs' reports are taken from the
 * session's report stream before the job scheduler sees it; membership news reach the graphs
 * and the router. Created by the coordinator beside its job scheduler; closed with it.
 */
public final class OnlineQueries implements AutoCloseable {
    private final ResidentGraphs graphs;
    private final Router router;
    private final ShardChannels channels;
    private final QueryGateway gateway;
    private final ServerServiceDefinition service;
    private volatile QueryGateway.QueryObserver observer = QueryGateway.QueryObserver.NONE;

    private OnlineQueries(GraphagentConfig config, TransportSecurity security, AgentDirectory directory,
                          JobScheduler scheduler, Clock clock, NetworkThreads network, ResidentRestart restart) {
        this.graphs = new ResidentGraphs(directory, config, clock, scheduler.commandIds(), restart);
        this.router = new Router(config.query(), clock, directory::alive);
        directory.addListener(router::onTransition);
        graphs.useHeat(router);
        scheduler.useResidents(graphs);
        directory.setReportSink((agent, report) -> {
            if (!graphs.onReport(agent, report)) {
                scheduler.onReport(agent, report);
            }
        });
        this.channels = new ShardChannels(config, security, network);
        QueryGateway.QueryObserver relay = new QueryGateway.QueryObserver() {
            @Override
            public void answered(String kind, String outcome, long micros) {
                observer.answered(kind, outcome, micros);
            }

            @Override
            public void retried(String cause) {
                observer.retried(cause);
            }

            @Override
            public void shed(String where) {
                observer.shed(where);
            }
        };
        this.gateway = new QueryGateway(config.query(), graphs, router, channels, clock, relay);
        this.service = new QueryService(graphs, gateway, this::routingTable).definition();
    }

    /**
     * @param security the coordinator's TLS identity, with which it dials the agents' data addresses
     * @param network  the network threads of the gateway's channels (owned by the caller)
     */
    public static OnlineQueries start(GraphagentConfig config, TransportSecurity security, AgentDirectory directory,
                                      JobScheduler scheduler, Clock clock, NetworkThreads network) {
        return start(config, security, directory, scheduler, clock, network, ResidentRestart.NONE);
    }

    /**
     * @param restart where resident graphs are recorded, and those an earlier coordinator recorded:
     *                taken back before the scheduler reloads the jobs on them
     */
    public static OnlineQueries start(GraphagentConfig config, TransportSecurity security, AgentDirectory directory,
                                      JobScheduler scheduler, Clock clock, NetworkThreads network,
                                      ResidentRestart restart) {
        return new OnlineQueries(config, security, directory, scheduler, clock, network, restart);
    }

    /** The gRPC Query service, to add to the coordinator's server. */
    public ServerServiceDefinition service() {
        return service;
    }

    public ResidentGraphs graphs() {
        return graphs;
    }

    public QueryGateway gateway() {
        return gateway;
    }

    public Router router() {
        return router;
    }

    /** Where queries go now: every resident partition, its heat and the replica it routes to. */
    public RoutingTable routingTable() {
        var views = graphs.views().values();
        router.retain(views);
        return router.table(views);
    }

    /** Who is told of every query answered and request retried (metrics). */
    public void observe(QueryGateway.QueryObserver metrics) {
        this.observer = metrics;
    }

    @Override
    public void close() {
        graphs.close();
        channels.close();
    }
}
