package io.graphagent.agent.job;

import io.graphagent.protocol.PackedArrays;
import io.graphagent.protocol.v1.ResolveRequest;
import io.graphagent.protocol.v1.ResolveResponse;

/**
 * One peer's mirror list of one partition this agent owns, learnt in calls of at most
 * {@link PeerMirrors#MAX_RANKS} ranks ({@code Resolve} with {@code mirrors}) and checked as each
 * answer arrives: ascending ranks inside the partition, the same total in every answer.
 *
 * <p>Not thread-safe: one call at a time ({@link #request}, then {@link #take} of its answer).
 */
final class MirrorList {
    private final String jobId;
    private final long epoch;
    private final int partition;
    /** Members of the partition: every rank is below it. */
    private final int members;
    private final String peerId;
    /** The list, sized by the first answer; null before it. */
    private int[] ranks;
    /** Ranks taken so far: the index the next call asks from. */
    private int first;

    MirrorList(String jobId, long epoch, int partition, int members, String peerId) {
        this.jobId = jobId;
        this.epoch = epoch;
        this.partition = partition;
        this.members = members;
        this.peerId = peerId;
    }

    /** The call that asks for the next ranks. */
    ResolveRequest request() {
        return ResolveRequest.newBuilder().setJobId(jobId).setJobEpoch(epoch).setPartition(partition)
                .setMirrors(true).setFirst(first).setCount(PeerMirrors.MAX_RANKS).build();
    }

    /**
     * Takes the answer to {@link #request}; true when the list is complete.
     *
     * @throws ExchangeFailedException naming the peer when the answer is malformed
     */
    boolean take(ResolveResponse answer) throws ExchangeFailedException {
        int total = answer.getMirrorTotal();
        int count = answer.getIds().size() / Integer.BYTES;
        if (ranks == null) {
            if (total > members) {
                throw malformed("mirrors " + total + " of its " + members + " members");
            }
            ranks = new int[total];
        }
        if (total != ranks.length || answer.getIds().size() % Integer.BYTES != 0 || first + count > total
                || (count == 0 && first < total)) {
            throw malformed("answered " + answer.getIds().size() + " bytes from mirror " + first + " of " + total + " ("
                    + ranks.length + " at first)");
        }
        int[] part = new int[count];
        PackedArrays.unpackInts(answer.getIds(), count, part);
        int bad = copyAscending(part, count, ranks, first, members);
        if (bad >= 0) {
            int previous = bad == 0 ? -1 : ranks[bad - 1];
            throw malformed("mirror " + bad + " is rank " + part[bad - first] + " after " + previous + ", of " + members
                    + " members");
        }
        first += count;
        return first >= ranks.length;
    }

    /**
     * Copies {@code part[0..count)} to {@code ranks[first..)} while each rank is above the one
     * before it and below {@code members}; returns the index in {@code ranks} of the first one
     * that is not (not copied), or -1. A small method of its own, so the JIT compiles this loop
     * alone and {@link #take} (a few calls per job) stays out of C2 (docs/performance.md, branch prjit).
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

    /** The owned partition whose mirrors this lists. */
    int partition() {
        return partition;
    }

    /** Whether every rank is in. */
    boolean complete() {
        return ranks != null && first >= ranks.length;
    }

    /** The list (complete after {@link #take} answered true; null before the first answer); do not modify. */
    int[] ranks() {
        return ranks;
    }

    /** The failure of a call of this list that did not answer, {@code why} saying how. */
    ExchangeFailedException callFailed(String why, Throwable cause) {
        return new ExchangeFailedException(peerId, new IllegalStateException("cannot learn the mirrors of partition "
                + partition + " from agent " + peerId + ": " + why, cause));
    }

    private ExchangeFailedException malformed(String what) {
        return new ExchangeFailedException(peerId, new IllegalStateException("agent " + peerId
                + " sent a malformed mirror list of partition " + partition + ": " + what));
    }
}
