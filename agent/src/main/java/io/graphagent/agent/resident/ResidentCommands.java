package io.graphagent.agent.resident;

import io.graphagent.graph.partition.GraphShare;
import io.graphagent.protocol.v1.DropReplicas;
import io.graphagent.protocol.v1.FetchPartitionRequest;
import io.graphagent.protocol.v1.PartitionChunk;
import io.graphagent.protocol.v1.PartitionOwner;
import io.graphagent.protocol.v1.ReplicatePartitions;
import io.graphagent.protocol.v1.ResidentHeld;
import io.graphagent.protocol.v1.ShardGrpc;
import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator's orders about resident graphs, run on the agent's job thread: build replicas
 * of partitions by copying them from a holder ({@code Shard.FetchPartition}), drop replicas or
 * a whole graph. Each answers what the agent holds of the graph afterwards and how long it took
 * on the injected clock.
 */
public final class ResidentCommands {
    private static final Logger log = LoggerFactory.getLogger(ResidentCommands.class);

    /** Where a peer's data address is dialled. */
    @FunctionalInterface
    public interface Channels {
        Channel to(String dataAddress) throws Exception;
    }

    /** A replica that could not be built: names the partition, the source and why. */
    public static final class ReplicaFailedException extends Exception {
        ReplicaFailedException(String message) {
            super(message);
        }
    }

    private final ResidentStore store;
    private final Channels channels;
    private final Duration copyDeadline;
    private final Clock clock;

    /**
     * @param copyDeadline bound on copying one partition
     * @param clock        times each order (the agent's clock)
     */
    public ResidentCommands(ResidentStore store, Channels channels, Duration copyDeadline, Clock clock) {
        this.store = store;
        this.channels = channels;
        this.copyDeadline = copyDeadline;
        this.clock = clock;
    }

    /** Builds the replicas the order names, one partition after the other. */
    public ResidentHeld replicate(String name, long generation, ReplicatePartitions order) throws ReplicaFailedException {
        long t0 = clock.millis();
        ResidentGraph graph;
        try {
            graph = store.at(name, generation, order.getLayout());
        } catch (IllegalStateException e) {
            throw new ReplicaFailedException(e.getMessage());
        }
        for (PartitionOwner source : order.getSourcesList()) {
            int p = source.getPartitionId();
            if (graph.holdings().holds(p)) {
                continue;
            }
            GraphShare replica = copy(graph, p, source);
            graph.add(replica);
            log.info("event=replica_built graph={} generation={} partition={} source={} vertices={} edge_entries={} bytes={}",
                    name, generation, p, source.getAgentId(), replica.ownedVertices(), replica.edgeEntries(),
                    replica.sizeInBytes());
        }
        return held(graph, t0);
    }

    private GraphShare copy(ResidentGraph graph, int p, PartitionOwner source) throws ReplicaFailedException {
        ShareFromChunks replica = new ShareFromChunks(graph.partitioning(), new int[] {p}, graph.directed(),
                graph.weighted(), graph.numEdges());
        String where = "partition " + p + " of graph " + graph.name() + " from agent " + source.getAgentId() + " at "
                + source.getDataAddress();
        try {
            Iterator<PartitionChunk> chunks = ShardGrpc.newBlockingStub(channels.to(source.getDataAddress()))
                    .withDeadlineAfter(copyDeadline.toMillis(), TimeUnit.MILLISECONDS)
                    .fetchPartition(FetchPartitionRequest.newBuilder().setGraph(graph.name())
                            .setGeneration(graph.generation()).setPartition(p).build());
            boolean last = false;
            while (chunks.hasNext()) {
                PartitionChunk chunk = chunks.next();
                replica.add(chunk);
                last = chunk.getLast();
            }
            if (!last) {
                throw new ReplicaFailedException("cannot copy " + where + ": the stream ended before the last chunk");
            }
            return replica.build();
        } catch (StatusRuntimeException e) {
            throw new ReplicaFailedException("cannot copy " + where + ": " + e.getStatus().getCode() + " "
                    + e.getStatus().getDescription());
        } catch (IllegalArgumentException e) {
            throw new ReplicaFailedException("cannot copy " + where + ": " + e.getMessage());
        } catch (ReplicaFailedException e) {
            throw e;
        } catch (Exception e) {
            throw new ReplicaFailedException("cannot copy " + where + ": " + e);
        }
    }

    /** Drops the partitions the order names (the whole graph when it names none). */
    public ResidentHeld drop(String name, long generation, DropReplicas order) {
        long t0 = clock.millis();
        int[] partitions = order.getPartitionIdsList().stream().mapToInt(Integer::intValue).toArray();
        ResidentGraph graph = store.drop(name, generation, partitions);
        log.info("event=replicas_dropped graph={} generation={} partitions={}", name, generation,
                partitions.length == 0 ? "all" : java.util.Arrays.toString(partitions));
        if (graph == null || partitions.length == 0) {
            return ResidentHeld.newBuilder().setGraph(name).setTimeMs(ms(t0)).build();
        }
        return held(graph, t0);
    }

    private ResidentHeld held(ResidentGraph graph, long t0) {
        Holdings now = graph.holdings();
        ResidentHeld.Builder held = ResidentHeld.newBuilder().setGraph(graph.name()).setBytes(now.bytes()).setTimeMs(ms(t0));
        for (int p : now.partitions()) {
            held.addPartitionIds(p);
        }
        return held.build();
    }

    /** Milliseconds since {@code t0} on the clock; 0 when a wall clock stepped back. */
    private long ms(long t0) {
        return Math.max(0, clock.millis() - t0);
    }
}
