package io.graphagent.coordinator.leader;

import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.graphagent.coordinator.etcd.EtcdConnection;
import io.graphagent.coordinator.etcd.EtcdException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The etcd lease of one coordinator process (TTL {@code coordinator.etcd.election-ttl}): its
 * {@code coordinators/ID} key, and the leader key and the agent registry while it leads, are
 * bound to it, so they vanish one TTL after the process stops renewing it (killed, paused,
 * cut off from etcd). Renewed by {@link #renew()} (a keepalive request), called by the
 * election thread every third of the TTL.
 *
 * <p>The lease counts as running until one TTL after the last successful renewal was
 * <em>requested</em>: etcd started its new TTL no earlier than that, so the local deadline
 * never outlives etcd's. Only the election thread renews; any thread may ask
 * {@link #validAt}. Thread-safe.
 */
final class ProcessLease {

    private final EtcdConnection etcd;
    private final Duration ttl;
    private final Clock clock;
    private final long id;
    private volatile Instant validUntil;
    private volatile String lastProblem = "";

    private ProcessLease(EtcdConnection etcd, Duration ttl, Clock clock, long id, Instant validUntil) {
        this.etcd = etcd;
        this.ttl = ttl;
        this.clock = clock;
        this.id = id;
        this.validUntil = validUntil;
    }

    /** Grants a new lease of {@code ttl} (whole seconds). */
    static ProcessLease grant(EtcdConnection etcd, Duration ttl, Clock clock) throws EtcdException {
        Objects.requireNonNull(ttl, "ttl");
        Instant asked = clock.instant();
        long id = etcd.await(etcd.client().getLeaseClient().grant(ttl.toSeconds()), "grant a lease").getID();
        return new ProcessLease(etcd, ttl, clock, id, asked.plus(ttl));
    }

    long id() {
        return id;
    }

    Duration ttl() {
        return ttl;
    }

    /** Whether the lease may still run at {@code now}. */
    boolean validAt(Instant now) {
        return now.isBefore(validUntil);
    }

    /** Whether it has surely run out (then renewing is pointless: etcd has deleted its keys). */
    boolean expiredAt(Instant now) {
        return !validAt(now);
    }

    /** The last renewal failure, for messages. */
    String lastProblem() {
        return lastProblem;
    }

    /**
     * One keepalive. Returns normally when etcd renewed the lease.
     *
     * @throws EtcdException when etcd did not answer or the lease no longer exists there
     */
    void renew() throws EtcdException {
        Instant asked = clock.instant();
        if (expiredAt(asked)) {
            throw new EtcdException("lease " + Long.toHexString(id) + " ran out at " + validUntil + " before it was renewed"
                    + (lastProblem.isEmpty() ? " (the process was paused or starved)" : " (" + lastProblem + ")"),
                    "nothing: this coordinator stands by and campaigns again");
        }
        LeaseKeepAliveResponse answer;
        try {
            answer = etcd.await(etcd.client().getLeaseClient().keepAliveOnce(id), "renew the election lease");
        } catch (EtcdException e) {
            lastProblem = e.getMessage();
            throw e;
        }
        if (answer.getTTL() <= 0) {
            lastProblem = "etcd no longer knows lease " + Long.toHexString(id);
            validUntil = asked;
            throw new EtcdException(lastProblem, "nothing: this coordinator stands by and campaigns again");
        }
        lastProblem = "";
        validUntil = asked.plus(ttl);
    }

    /** Revokes the lease (its keys go at once); best effort, bounded. */
    void revoke() {
        validUntil = Instant.MIN;
        try {
            etcd.await(etcd.client().getLeaseClient().revoke(id), "revoke the lease");
        } catch (EtcdException e) {
            // It runs out by itself within its TTL.
        }
    }
}
