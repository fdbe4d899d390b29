package io.graphagent.coordinator.membership;

import io.graphagent.config.DurationFormat;
import io.graphagent.config.SessionConfig;
import io.graphagent.protocol.v1.AgentState;
import io.graphagent.protocol.v1.CoordinatorMessage;
import io.graphagent.protocol.v1.Heartbeat;
import io.graphagent.protocol.v1.HeartbeatAck;
import java.time.Instant;
import java.util.List;

/**
 * Keeps the sessions' leases on the coordinator's clock: a heartbeat of the current session and
 * epoch renews its lease and is acked; a lease that ran out makes its agent DEAD and a heartbeat
 * older than {@code suspect-after} makes it SUSPECT. Only the coordinator renews and expires
 * leases ({@link Lease}). Not thread-safe: used under {@link Membership}'s lock; messages are
 * queued on {@code after}.
 */
final class LeaseKeeper {

    private final SessionConfig timing;
    private final Transitions transitions;
    private final Fencing fencing;
    private final Takeover takeover;

    LeaseKeeper(SessionConfig timing, Transitions transitions, Fencing fencing, Takeover takeover) {
        this.timing = timing;
        this.transitions = transitions;
        this.fencing = fencing;
        this.takeover = takeover;
    }

    /**
     * Renews the lease of a heartbeat's session and acks it, or fences the session when its
     * epoch is stale or its lease already expired.
     *
     * @param record the agent's record, or null when the agent is unknown
     */
    void heartbeat(MemberSession session, AgentRecord record, Heartbeat heartbeat, Instant now, List<Runnable> after) {
        if (record == null || !record.isCurrent(session)) {
            Fencing.fenceStream(session, heartbeat.getSessionEpoch(), record, "heartbeat on a session that is over", after);
            return;
        }
        if (!record.epoch.matches(heartbeat.getSessionEpoch())) {
            fencing.fence(record, now, "heartbeat of epoch " + heartbeat.getSessionEpoch() + " on the session of epoch "
                    + record.epoch, heartbeat.getSessionEpoch(), after);
            return;
        }
        if (record.lease.expired(now)) {
            fencing.expire(record, now, after);
            return;
        }
        record.lease = record.lease.renew(now);
        record.heard(heartbeat);
        if (record.state == AgentState.JOINING) {
            transitions.record(record.moveTo(AgentState.ALIVE, LifecycleCause.FIRST_HEARTBEAT.label(), now,
                    "heartbeat " + heartbeat.getSeq()));
        } else if (record.state == AgentState.SUSPECT) {
            transitions.record(record.moveTo(AgentState.ALIVE, LifecycleCause.HEARTBEAT_RESUMED.label(), now,
                    "heartbeat " + heartbeat.getSeq()));
        }
        CoordinatorMessage ack = CoordinatorMessage.newBuilder().setHeartbeatAck(HeartbeatAck.newBuilder()
                .setSeq(heartbeat.getSeq())
                .setServerTimeMs(now.toEpochMilli())
                .setAgentSendTimeMs(heartbeat.getAgentSendTimeMs())
                .setLeaseRemainingMs(record.lease.remaining(now).toMillis())
                .setSessionEpoch(record.epoch.value())).build();
        AgentConnection connection = record.connection;
        after.add(() -> connection.send(ack));
    }

    /**
     * Whether a live session's lease ran out: its lease expired and, for a session carried over
     * from the previous leader that has not resumed yet, the takeover stopped making progress
     * ({@link TakeoverWindow}).
     */
    boolean ranOut(AgentRecord record, Instant now) {
        return record.lease.expired(now) && !takeover.holds(record, now);
    }

    /**
     * One pass over {@code records} at {@code now}: expires every live lease that ran out (DEAD,
     * stream fenced) and makes SUSPECT every live agent whose last heartbeat is older than
     * suspect-after.
     */
    void check(Iterable<AgentRecord> records, Instant now, List<Runnable> after) {
        for (AgentRecord record : records) {
            if (!record.live()) {
                continue;
            }
            if (ranOut(record, now)) {
                fencing.expire(record, now, after);
            } else if (record.state != AgentState.SUSPECT
                    && record.lease.sinceRenewal(now).compareTo(timing.suspectAfter()) > 0) {
                transitions.record(record.moveTo(AgentState.SUSPECT, LifecycleCause.HEARTBEAT_LATE.label(), now,
                        "no heartbeat for " + record.lease.sinceRenewal(now).toMillis() + " ms (suspect-after "
                                + DurationFormat.format(timing.suspectAfter()) + ")"));
            }
        }
    }
}
