package io.graphagent.agent.resident;

import io.graphagent.protocol.PackedArrays;
import io.graphagent.protocol.v1.LookupReply;
import io.graphagent.protocol.v1.LookupRequest;
import io.graphagent.protocol.v1.PartitionMap;
import io.graphagent.protocol.v1.PartitionOwner;
import io.graphagent.protocol.v1.ShardGrpc;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.TimeUnit;

/**
 * The dense id of a BFS or SSSP source in a resident graph, for a batch job attached to it:
 * from this agent's own replica of the source's partition when it holds one, else asked of
 * the partition's owner in the job ({@code Shard.Lookup}).
 */
public final class ResidentSource {
    /** Bound on the one lookup. */
    static final long DEADLINE_MS = 30_000;

    /** The owner could not be asked; retrying (a recovery) may help. */
    public static final class LookupFailedException extends Exception {
        LookupFailedException(String message) {
            super(message);
        }
    }

    private final ResidentGraph graph;
    private final PartitionMap owners;
    private final ResidentCommands.Channels channels;

    public ResidentSource(ResidentGraph graph, PartitionMap owners, ResidentCommands.Channels channels) {
        this.graph = graph;
        this.owners = owners;
        this.channels = channels;
    }

    /** The dense id of original id {@code source}, or -1 when the graph has no such vertex. */
    public int denseOf(long source) throws LookupFailedException {
        int p;
        try {
            p = graph.partitioning().partitionOfId(source);
        } catch (IllegalArgumentException e) {
            return -1;
        }
        var held = graph.holdings().shareOf(p);
        if (held != null) {
            return new IdsOfPartition(graph, held, p).denseOf(source);
        }
        PartitionOwner owner = owners.getOwners(p);
        try {
            LookupReply reply = ShardGrpc.newBlockingStub(channels.to(owner.getDataAddress()))
                    .withDeadlineAfter(DEADLINE_MS, TimeUnit.MILLISECONDS)
                    .lookup(LookupRequest.newBuilder().setGraph(graph.name()).setGeneration(graph.generation())
                            .setPartition(p).setCount(1).setIds(PackedArrays.packLongs(new long[] {source}, 0, 1)).build());
            int[] dense = new int[1];
            PackedArrays.unpackInts(reply.getIds(), 1, dense);
            return dense[0];
        } catch (StatusRuntimeException e) {
            throw new LookupFailedException("cannot learn the dense id of source vertex " + source + " from agent "
                    + owner.getAgentId() + ": " + e.getStatus().getCode() + " " + e.getStatus().getDescription());
        } catch (Exception e) {
            throw new LookupFailedException("cannot dial agent " + owner.getAgentId() + " for the source vertex: " + e);
        }
    }
}
