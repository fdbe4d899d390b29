package io.graphagent.coordinator.query;

import io.graphagent.coordinator.resident.ResidentGraphs;
import io.graphagent.coordinator.session.RoleCheck;
import io.graphagent.coordinator.session.TransportPeer;
import io.graphagent.net.certs.CertificateRole;
import io.graphagent.protocol.v1.DegreeReply;
import io.graphagent.protocol.v1.DegreeRequest;
import io.graphagent.protocol.v1.DropGraphReply;
import io.graphagent.protocol.v1.DropGraphRequest;
import io.graphagent.protocol.v1.KHopReply;
import io.graphagent.protocol.v1.KHopRequest;
import io.graphagent.protocol.v1.ListGraphsReply;
import io.graphagent.protocol.v1.ListGraphsRequest;
import io.graphagent.protocol.v1.LoadGraphReply;
import io.graphagent.protocol.v1.LoadGraphRequest;
import io.graphagent.protocol.v1.NeighboursReply;
import io.graphagent.protocol.v1.NeighboursRequest;
import io.graphagent.protocol.v1.PathReply;
import io.graphagent.protocol.v1.PathRequest;
import io.graphagent.protocol.v1.QueryGrpc;
import io.graphagent.protocol.v1.RoutingRequest;
import io.graphagent.protocol.v1.RoutingTable;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gRPC Query service on the coordinator: resident graphs and the queries, for client
 * certificates only (an agent's key cannot load or drop graphs). A refused query answers its
 * {@link QueryException}'s status; a vertex not in the graph answers {@code found: false}.
 */
final class QueryService extends QueryGrpc.QueryImplBase {
    private static final Logger log = LoggerFactory.getLogger(QueryService.class);

    private final ResidentGraphs graphs;
    private final QueryGateway gateway;
    private final java.util.function.Supplier<RoutingTable> routing;

    QueryService(ResidentGraphs graphs, QueryGateway gateway, java.util.function.Supplier<RoutingTable> routing) {
        this.graphs = graphs;
        this.gateway = gateway;
        this.routing = routing;
    }

    ServerServiceDefinition definition() {
        return ServerInterceptors.intercept(this, TransportPeer.interceptor());
    }

    /** A call's answer, or a failure with its status. */
    @FunctionalInterface
    private interface Answer<T> {
        T get() throws QueryException;
    }

    private <T> void answer(String what, StreamObserver<T> reply, Answer<T> answer) {
        Optional<String> refusal = RoleCheck.refusal(TransportPeer.current(), CertificateRole.CLIENT, what,
                "use the client certificate (client.pem of `graphagent certs init`; --certs DIR picks it)");
        if (refusal.isPresent()) {
            reply.onError(Status.PERMISSION_DENIED.withDescription(refusal.get()).asRuntimeException());
            return;
        }
        T value;
        try {
            value = answer.get();
        } catch (QueryException e) {
            reply.onError(e.toStatus());
            return;
        } catch (RuntimeException e) {
            log.error("event=call_failed call={} detail=\"{}\"", what, e.toString(), e);
            reply.onError(Status.INTERNAL.withDescription(what + " failed on the coordinator: " + e).asRuntimeException());
            return;
        }
        reply.onNext(value);
        reply.onCompleted();
    }

    @Override
    public void loadGraph(LoadGraphRequest request, StreamObserver<LoadGraphReply> reply) {
        answer("load graphs", reply, () -> graphs.load(request));
    }

    @Override
    public void listGraphs(ListGraphsRequest request, StreamObserver<ListGraphsReply> reply) {
        answer("list graphs", reply, () -> ListGraphsReply.newBuilder().addAllGraphs(graphs.list()).build());
    }

    @Override
    public void dropGraph(DropGraphRequest request, StreamObserver<DropGraphReply> reply) {
        answer("drop graphs", reply, () -> graphs.drop(request.getName()));
    }

    @Override
    public void neighbours(NeighboursRequest request, StreamObserver<NeighboursReply> reply) {
        answer("query", reply, () -> gateway.neighbours(request));
    }

    @Override
    public void degree(DegreeRequest request, StreamObserver<DegreeReply> reply) {
        answer("query", reply, () -> gateway.degree(request));
    }

    @Override
    public void kHop(KHopRequest request, StreamObserver<KHopReply> reply) {
        answer("query", reply, () -> gateway.khop(request));
    }

    @Override
    public void shortestPath(PathRequest request, StreamObserver<PathReply> reply) {
        answer("query", reply, () -> gateway.shortestPath(request));
    }

    @Override
    public void routing(RoutingRequest request, StreamObserver<RoutingTable> reply) {
        answer("read the routing table", reply, routing::get);
    }
}
