package io.graphagent.agent.job;

import io.graphagent.graph.pregel.PartitionRunner;
import io.graphagent.protocol.PackedArrays;
import io.graphagent.protocol.v1.ResolveRequest;
import io.graphagent.protocol.v1.ResolveResponse;
import java.util.Map;

/**
 * Which members of this agent's partitions each peer mirrors, as ranks in the partition in the
 * peer's mirror order (ascending): what the mirrored broadcasts to that peer carry
 * ({@code Exchange.mirrored_broadcasts}). Learnt from the peers themselves ({@link MirrorFetch},
 * {@code DataPlane.Resolve} with {@code mirrors}) once per job epoch: a peer's mirrors are
 * the remote vertices its own kept edges reach, which this agent cannot derive (PageRank's
 * share keeps no out-neighbours). Immutable once fetched.
 */
final class PeerMirrors {
    /** Most ranks one answer carries: 256 KiB packed, under half a 1 MiB G1 region on either side. */
    static final int MAX_RANKS = 1 << 16;

    /** Per peer, per partition (owned by this agent; null for others): the peer's mirrors of it. */
    private final Map<String, int[][]> byPeer;

    /** @param byPeer per peer, per partition (null for those not owned): its mirror list ({@link MirrorList}) */
    PeerMirrors(Map<String, int[][]> byPeer) {
        this.byPeer = byPeer;
    }

    /** Peer {@code peer}'s mirrors of each owned partition, by partition (null for partitions not owned); do not modify. */
    int[][] of(String peer) {
        int[][] ranks = byPeer.get(peer);
        if (ranks == null) {
            throw new IllegalArgumentException("no mirror lists learnt from peer " + peer);
        }
        return ranks;
    }

    /**
     * Answers a peer's {@code Resolve} with {@code mirrors}: the ranks of this runner's mirrors
     * of the partition from index {@code first}, at most {@code count} (and {@link #MAX_RANKS}).
     *
     * @throws IllegalArgumentException when the request names another job or epoch, or is out of range
     */
    static ResolveResponse answer(ResolveRequest request, PartitionRunner runner, String jobId, long epoch) {
        if (!request.getJobId().equals(jobId) || request.getJobEpoch() != epoch) {
            throw new IllegalArgumentException("this agent holds job " + jobId + " at job epoch " + epoch + ", not "
                    + request.getJobId() + " at " + request.getJobEpoch());
        }
        int partition = request.getPartition();
        if (partition >= runner.partitioning().count()) {
            throw new IllegalArgumentException("no partition " + partition + " in job " + jobId);
        }
        int total = runner.mirrorCount(partition);
        int first = request.getFirst();
        if (first > total) {
            throw new IllegalArgumentException("mirror " + first + " of partition " + partition + " asked; this agent mirrors "
                    + total);
        }
        int count = Math.min(Math.min(request.getCount(), MAX_RANKS), total - first);
        int[] ranks = runner.mirrorRanks(partition, first, count);
        return ResolveResponse.newBuilder().setMirrorTotal(total).setIds(PackedArrays.packInts(ranks, 0, count)).build();
    }
}
