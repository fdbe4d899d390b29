package io.graphagent.agent.session;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * What an agent needs to resume its session after a broken stream: the session id, its epoch,
 * the coordinator's lease ttl and when the lease was last renewed as far as the agent knows
 * (its last heartbeat ack). Past that lease the coordinator has declared the agent DEAD and
 * moved its partitions, so the agent drops its job state instead of asking to resume.
 * Immutable.
 *
 * @param sessionId the id from Welcome
 * @param epoch     the session epoch from Welcome
 * @param leaseTtl  the coordinator's lease ttl (Welcome's timing policy)
 * @param lastAck   the agent's time of the last ack (or of the Welcome)
 */
record ResumeTicket(String sessionId, long epoch, Duration leaseTtl, Instant lastAck) {

    ResumeTicket {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(leaseTtl, "leaseTtl");
        Objects.requireNonNull(lastAck, "lastAck");
    }

    /** Time since the lease was last renewed, at {@code now}. */
    Duration silence(Instant now) {
        Duration since = Duration.between(lastAck, now);
        return since.isNegative() ? Duration.ZERO : since;
    }

    /** Whether the lease may still run at {@code now}, so that a Hello can resume the session. */
    boolean resumable(Instant now) {
        return silence(now).compareTo(leaseTtl) < 0;
    }

    /** The ticket after an ack at {@code now}. */
    ResumeTicket acked(Instant now) {
        return new ResumeTicket(sessionId, epoch, leaseTtl, now);
    }
}
