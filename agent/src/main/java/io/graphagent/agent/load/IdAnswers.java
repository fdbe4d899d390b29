package io.graphagent.agent.load;

import io.graphagent.protocol.PackedArrays;
import io.graphagent.protocol.v1.ResolveRequest;
import io.graphagent.protocol.v1.ResolveResponse;
import java.util.Arrays;
import java.util.function.IntFunction;

/**
 * Answers a peer's {@code Resolve} call from the sorted vertex ids of the partitions this agent
 * owns: an original id's rank in its partition (-1 when the partition has no such vertex), or
 * the original id at a rank. Ranks, not dense ids: the asker adds the partition's first dense
 * id, which the owner may not have learnt yet when the call arrives. Stateless.
 */
public final class IdAnswers {
    private IdAnswers() {
    }

    /** Most ids one call may carry (8 bytes each, far under the message limit). */
    public static final int MAX_IDS = 1 << 17;

    /** A partition's vertex ids in rank order (ascending): {@code ids[from .. to)}. */
    public record Slice(long[] ids, int from, int to) {
        public static Slice of(long[] ids) {
            return new Slice(ids, 0, ids.length);
        }
    }

    /**
     * @param idsOf a partition's vertex ids, or null when this agent does not own it (yet)
     * @throws IllegalArgumentException when the request is malformed or names a partition this agent does not own
     */
    public static ResolveResponse answer(ResolveRequest request, int partitions, String jobId, long jobEpoch,
                                         IntFunction<Slice> idsOf) {
        if (!request.getJobId().equals(jobId) || request.getJobEpoch() != jobEpoch) {
            throw new IllegalArgumentException("this agent holds job " + jobId + " at job epoch " + jobEpoch + ", not "
                    + request.getJobId() + " at " + request.getJobEpoch());
        }
        if (request.getMirrors()) {
            throw new IllegalArgumentException("job " + jobId + " is loading here: no mirrors to tell yet");
        }
        int p = request.getPartition();
        int count = request.getCount();
        Slice slice = p < partitions ? idsOf.apply(p) : null;
        if (slice == null) {
            throw new IllegalArgumentException("this agent does not own partition " + p + " of job " + jobId);
        }
        if (count < 0 || count > MAX_IDS) {
            throw new IllegalArgumentException(count + " ids in one Resolve call; at most " + MAX_IDS);
        }
        if (request.getToOriginal()) {
            if (request.getIds().size() != 4L * count) {
                throw new IllegalArgumentException("malformed Resolve: " + request.getIds().size() + " bytes for " + count + " ranks");
            }
            int[] ranks = new int[count];
            PackedArrays.unpackInts(request.getIds(), count, ranks);
            long[] originals = new long[count];
            for (int i = 0; i < count; i++) {
                int size = slice.to() - slice.from();
                if (ranks[i] < 0 || ranks[i] >= size) {
                    throw new IllegalArgumentException("rank " + ranks[i] + " outside partition " + p + " of " + size
                            + " vertices");
                }
                originals[i] = slice.ids()[slice.from() + ranks[i]];
            }
            return ResolveResponse.newBuilder().setIds(PackedArrays.packLongs(originals, 0, count)).build();
        }
        if (request.getIds().size() != 8L * count) {
            throw new IllegalArgumentException("malformed Resolve: " + request.getIds().size() + " bytes for " + count + " ids");
        }
        long[] asked = new long[count];
        PackedArrays.unpackLongs(request.getIds(), count, asked);
        int[] ranks = new int[count];
        for (int i = 0; i < count; i++) {
            int at = Arrays.binarySearch(slice.ids(), slice.from(), slice.to(), asked[i]);
            ranks[i] = at >= 0 ? at - slice.from() : -1;
        }
        return ResolveResponse.newBuilder().setIds(PackedArrays.packInts(ranks, 0, count)).build();
    }
}
