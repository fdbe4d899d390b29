package io.graphagent.agent.job;

import io.graphagent.agent.dataplane.PeerSender;
import io.graphagent.graph.pregel.PartitionRunner;
import io.graphagent.protocol.PackedArrays;
import io.graphagent.protocol.v1.DataPlaneGrpc;
import io.graphagent.protocol.v1.ResolveRequest;
import io.graphagent.protocol.v1.ResolveResponse;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Which members of this agent's partitions each peer mirrors, as ranks in the partition in the
 * peer's mirror order (ascending): what the mirrored broadcasts to that peer carry
 * ({@code Exchange.mirrored_broadcasts}). Learnt from the peers themselves ({@link #fetch},
 * {@code DataPlane.Resolve} with {@code mirrors}) once per job epoch: a peer's mirrors are
 * the remote vertices its own kept edges reach, which this agent cannot derive (PageRank's
 * share keeps no out-neighbours). Immutable once fetched.
 */
final class PeerMirrors {
    /** Most ranks one answer carries: 256 KiB packed, under half a 1 MiB G1 region on either side. */
    static final int MAX_RANKS = 1 << 16;

    /** Per peer, per partition (owned by this agent; null for others): the peer's mirrors of it. */
    private final Map<String, int[][]> byPeer;

    private PeerMirrors(Map<String, int[][]> byPeer) {
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
     * Asks every peer for its mirrors of each of {@code owned}, in calls of at most
     * {@link #MAX_RANKS}; each list is checked (ascending ranks inside the partition).
     *
     * @throws ExchangeFailedException naming the peer when a call fails or an answer is malformed
     */
    static PeerMirrors fetch(String jobId, long epoch, PartitionRunner runner, int[] owned,
                             Map<String, PeerSender> peers, Duration deadline) throws ExchangeFailedException {
        Map<String, int[][]> byPeer = new HashMap<>();
        for (Map.Entry<String, PeerSender> peer : peers.entrySet()) {
            String peerId = peer.getKey();
            DataPlaneGrpc.DataPlaneBlockingStub stub = DataPlaneGrpc.newBlockingStub(peer.getValue().channel());
            Function<ResolveRequest, ResolveResponse> ask = request -> {
                try {
                    return stub.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS).resolve(request);
                } catch (StatusRuntimeException e) {
                    throw new IllegalStateException(e.getStatus().getCode() + " " + e.getStatus().getDescription(), e);
                }
            };
            int[][] lists = new int[runner.partitioning().count()][];
            for (int p : owned) {
                lists[p] = list(jobId, epoch, p, runner.partitioning().size(p), peerId, ask);
            }
            byPeer.put(peer.getKey(), lists);
        }
        return new PeerMirrors(byPeer);
    }

    /**
     * Peer {@code peerId}'s mirrors of owned {@code partition} (of {@code members} members),
     * asked with {@code ask} (which throws IllegalStateException when the call fails) in calls
     * of at most {@link #MAX_RANKS}, and checked.
     */
    static int[] list(String jobId, long epoch, int partition, int members, String peerId,
                      Function<ResolveRequest, ResolveResponse> ask) throws ExchangeFailedException {
        int[] ranks = null;
        int first = 0;
        do {
            ResolveRequest request = ResolveRequest.newBuilder().setJobId(jobId).setJobEpoch(epoch).setPartition(partition)
                    .setMirrors(true).setFirst(first).setCount(MAX_RANKS).build();
            ResolveResponse answer;
            try {
                answer = ask.apply(request);
            } catch (IllegalStateException e) {
                throw new ExchangeFailedException(peerId, new IllegalStateException("cannot learn the mirrors of partition "
                        + partition + " from agent " + peerId + ": " + e.getMessage(), e));
            }
            int total = answer.getMirrorTotal();
            int count = answer.getIds().size() / Integer.BYTES;
            if (ranks == null) {
                if (total > members) {
                    throw malformed(peerId, partition, "mirrors " + total + " of its " + members + " members");
                }
                ranks = new int[total];
            }
            if (total != ranks.length || answer.getIds().size() % Integer.BYTES != 0 || first + count > total
                    || (count == 0 && first < total)) {
                throw malformed(peerId, partition, "answered " + answer.getIds().size() + " bytes from mirror " + first
                        + " of " + total + " (" + ranks.length + " at first)");
            }
            int[] part = new int[count];
            PackedArrays.unpackInts(answer.getIds(), count, part);
            int bad = copyAscending(part, count, ranks, first, members);
            if (bad >= 0) {
                int previous = bad == 0 ? -1 : ranks[bad - 1];
                throw malformed(peerId, partition, "mirror " + bad + " is rank " + part[bad - first] + " after " + previous
                        + ", of " + members + " members");
            }
            first += count;
        } while (first < ranks.length);
        return ranks;
    }

    /**
     * Copies {@code part[0..count)} to {@code ranks[first..)} while each rank is above the one
     * before it and below {@code members}; returns the index in {@code ranks} of the first one
     * that is not (not copied), or -1. A small method of its own, so the JIT compiles this loop
     * alone and {@link #list} (a few calls per job) stays out of C2 (docs/performance.md, branch prjit).
     */
    private static int copyAscending(int[] part, int count, int[] ranks, int first, int members) {
        int previous = first == 0 ? -1 : ranks[first - 1];
        for (int i = 0; i < count; i++) {
            int rank = part[i];
            if (rank <= previous || rank >= members) {
                return first + i;
            }
            ranks[first + i] = rank;
            previous = rank;
        }
        return -1;
    }

    private static ExchangeFailedException malformed(String peerId, int partition, String what) {
        return new ExchangeFailedException(peerId, new IllegalStateException("agent " + peerId
                + " sent a malformed mirror list of partition " + partition + ": " + what));
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
