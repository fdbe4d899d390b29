package io.graphagent.coordinator.membership;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * An agent's right to its session: it expires {@code ttl} after its last renewal (the last
 * heartbeat received), and a lease that has expired stays expired: {@link #renew} refuses it,
 * so a heartbeat that arrives after the deadline but before the failure detector's next tick
 * cannot bring a dead session back. Only the coordinator renews and expires leases; agents
 * merely learn the remaining time from acks. Immutable.
 *
 * @param ttl       session.lease-ttl
 * @param renewedAt the coordinator's time of the last renewal
 */
public record Lease(Duration ttl, Instant renewedAt) {

    public Lease {
        Objects.requireNonNull(renewedAt, "renewedAt");
        Objects.requireNonNull(ttl, "ttl");
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("lease ttl must be positive, got " + ttl);
        }
    }

    /** A fresh lease granted at {@code now}. */
    public static Lease grant(Instant now, Duration ttl) {
        return new Lease(ttl, now);
    }

    /** The instant the lease runs out unless renewed before. */
    public Instant expiresAt() {
        return renewedAt.plus(ttl);
    }

    /** Whether the lease has run out at {@code now} (at the deadline itself it has). */
    public boolean expired(Instant now) {
        return !now.isBefore(expiresAt());
    }

    /** Time left at {@code now}; zero once expired. */
    public Duration remaining(Instant now) {
        Duration left = Duration.between(now, expiresAt());
        return left.isNegative() ? Duration.ZERO : left;
    }

    /** Time since the last renewal at {@code now}; zero if the clock stepped back. */
    public Duration sinceRenewal(Instant now) {
        Duration since = Duration.between(renewedAt, now);
        return since.isNegative() ? Duration.ZERO : since;
    }

    /**
     * The lease renewed at {@code now}.
     *
     * @throws IllegalStateException if it has already expired: the session must be fenced instead
     */
    public Lease renew(Instant now) {
        if (expired(now)) {
            throw new IllegalStateException("lease expired at " + expiresAt() + " cannot be renewed at " + now);
        }
        return new Lease(ttl, now.isBefore(renewedAt) ? renewedAt : now);
    }
}
