package io.graphagent.agent.load;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.graphagent.protocol.PackedArrays;
import io.graphagent.protocol.v1.DataPlaneGrpc;
import io.graphagent.protocol.v1.ResolveRequest;
import io.graphagent.protocol.v1.ResolveResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Asks the agent that owns a partition about its ids ({@code DataPlane.Resolve}), in calls of
 * at most {@link IdAnswers#MAX_IDS} ids, each with a deadline. Stateless apart from its channel.
 */
public final class IdLookup {
    private final String jobId;
    private final long jobEpoch;
    private final Duration deadline;

    public IdLookup(String jobId, long jobEpoch, Duration deadline) {
        this.jobId = jobId;
        this.jobEpoch = jobEpoch;
        this.deadline = deadline;
    }

    /** The ranks of {@code ids} in partition {@code partition} (-1 for ids it lacks). */
    public int[] ranks(ManagedChannel owner, String ownerId, int partition, long[] ids) throws LoadException {
        int[] ranks = new int[ids.length];
        for (int from = 0; from < ids.length; from += IdAnswers.MAX_IDS) {
            int count = Math.min(IdAnswers.MAX_IDS, ids.length - from);
            ResolveResponse answer = call(owner, ownerId, request(partition, count)
                    .setIds(PackedArrays.packLongs(ids, from, count)).build());
            if (answer.getIds().size() != 4L * count) {
                throw new LoadException("agent " + ownerId + " answered " + answer.getIds().size() + " bytes for " + count
                        + " ids of partition " + partition, false);
            }
            int[] part = new int[count];
            PackedArrays.unpackInts(answer.getIds(), count, part);
            System.arraycopy(part, 0, ranks, from, count);
        }
        return ranks;
    }

    /** The original ids at {@code ranks} of partition {@code partition}. */
    public long[] originals(ManagedChannel owner, String ownerId, int partition, int[] ranks) throws LoadException {
        long[] ids = new long[ranks.length];
        for (int from = 0; from < ranks.length; from += IdAnswers.MAX_IDS) {
            int count = Math.min(IdAnswers.MAX_IDS, ranks.length - from);
            ResolveResponse answer = call(owner, ownerId, request(partition, count).setToOriginal(true)
                    .setIds(PackedArrays.packInts(ranks, from, count)).build());
            if (answer.getIds().size() != 8L * count) {
                throw new LoadException("agent " + ownerId + " answered " + answer.getIds().size() + " bytes for " + count
                        + " ranks of partition " + partition, false);
            }
            long[] part = new long[count];
            PackedArrays.unpackLongs(answer.getIds(), count, part);
            System.arraycopy(part, 0, ids, from, count);
        }
        return ids;
    }

    private ResolveRequest.Builder request(int partition, int count) {
        return ResolveRequest.newBuilder().setJobId(jobId).setJobEpoch(jobEpoch).setPartition(partition).setCount(count);
    }

    private ResolveResponse call(ManagedChannel owner, String ownerId, ResolveRequest request) throws LoadException {
        try {
            return DataPlaneGrpc.newBlockingStub(owner).withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
                    .resolve(request);
        } catch (StatusRuntimeException e) {
            throw new LoadException("cannot learn the ids of partition " + request.getPartition() + " from agent " + ownerId
                    + ": " + e.getStatus().getCode() + " " + e.getStatus().getDescription(), false);
        }
    }
}
