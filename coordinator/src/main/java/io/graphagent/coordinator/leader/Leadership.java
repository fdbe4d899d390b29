package io.graphagent.coordinator.leader;

import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.graphagent.coordinator.etcd.EtcdConnection;
import io.graphagent.protocol.LeaderTerm;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;

/**
 * One won election, as long as it lasts: the term, the etcd lease the leader key is bound to,
 * and the revision at which this process created the leader key. Every write of the leader
 * is a transaction conditioned on {@link #fence()}: the leader key still exists with that
 * create revision, i.e. nobody else has been elected since. Locally, {@link #valid()} says
 * whether the lease can still be running: it holds until one TTL after the last keepalive
 * request was <em>sent</em>, which is never later than etcd's own expiry. A leader checks it
 * before every command it sends, so a process that wakes from a pause longer than the TTL
 * acts on nothing before it notices that it was deposed. Thread-safe.
 */
public final class Leadership {

    private final LeaderTerm term;
    private final String leaderKey;
    private final long createRevision;
    private final ProcessLease lease;
    private final Clock clock;
    private final Instant electedAt;
    private volatile String deposedBecause;

    Leadership(LeaderTerm term, String leaderKey, long createRevision, ProcessLease lease, Clock clock) {
        this.term = Objects.requireNonNull(term, "term");
        this.leaderKey = Objects.requireNonNull(leaderKey, "leaderKey");
        this.createRevision = createRevision;
        this.lease = Objects.requireNonNull(lease, "lease");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.electedAt = clock.instant();
    }

    public LeaderTerm term() {
        return term;
    }

    /** When this process won, on its clock. */
    public Instant electedAt() {
        return electedAt;
    }

    /** The revision at which this process created the leader key (what {@link #fence()} compares). */
    long createRevision() {
        return createRevision;
    }

    /** The etcd lease id the leader key (and the agent registry) is bound to. */
    public long leaseId() {
        return lease.id();
    }

    /** Whether this process may still act as leader now: not deposed, and its lease cannot have run out. */
    public boolean valid() {
        return deposedBecause == null && lease.validAt(clock.instant());
    }

    /** Why the leadership ended, or null while it holds. */
    public String deposedBecause() {
        if (deposedBecause == null && !lease.validAt(clock.instant())) {
            return "the election lease was not renewed in time: " + lease.lastProblem();
        }
        return deposedBecause;
    }

    /** The condition of every write: the leader key is still the one this process created. */
    public Cmp fence() {
        return new Cmp(EtcdConnection.bytes(leaderKey), Cmp.Op.EQUAL, CmpTarget.createRevision(createRevision));
    }

    /** Ends the leadership (idempotent: the first reason stays). */
    void depose(String why) {
        if (deposedBecause == null) {
            deposedBecause = Objects.requireNonNull(why, "why");
        }
    }

    @Override
    public String toString() {
        return term + " (leader key revision " + createRevision + ", lease " + Long.toHexString(lease.id()) + ")";
    }
}
