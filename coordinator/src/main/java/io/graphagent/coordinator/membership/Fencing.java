package io.graphagent.coordinator.membership;

import io.graphagent.config.DurationFormat;
import io.graphagent.config.SessionConfig;
import io.graphagent.net.cause.CauseCounter;
import io.graphagent.net.cause.DisconnectCause;
import io.graphagent.protocol.v1.AgentState;
import io.graphagent.protocol.v1.CoordinatorMessage;
import io.graphagent.protocol.v1.Fenced;
import java.time.Instant;
import java.util.List;

/**
 * Ends sessions that lost their right: a lease that ran out, a message of a stale epoch, a
 * process found exited. Each verdict makes the agent DEAD under its {@link DisconnectCause},
 * counts that cause, and sends the open stream, if any, {@code Fenced} and ends it; a stream
 * whose session is already over is fenced the same way. Messages are queued on {@code after}
 * to be sent once membership's lock is released. Not thread-safe: used under {@link
 * Membership}'s lock.
 */
final class Fencing {

    private final SessionConfig timing;
    private final CauseCounter causes;
    private final Transitions transitions;

    Fencing(SessionConfig timing, CauseCounter causes, Transitions transitions) {
        this.timing = timing;
        this.causes = causes;
        this.transitions = transitions;
    }

    /** The lease of a live session ran out: DEAD ({@code lease_expired}). */
    void expire(AgentRecord record, Instant now, List<Runnable> after) {
        long silentMs = record.lease.sinceRenewal(now).toMillis();
        String detail = "no heartbeat for " + silentMs + " ms; lease-ttl " + DurationFormat.format(timing.leaseTtl())
                + " expired at " + record.lease.expiresAt();
        causes.record(DisconnectCause.LEASE_EXPIRED);
        transitions.record(record.moveTo(AgentState.DEAD, DisconnectCause.LEASE_EXPIRED.label(), now, detail));
        endWithFenced(record, record.epoch.value(), "lease expired: " + detail + "; say Hello again as a new session", after);
    }

    /** The current session spoke with epoch {@code staleEpoch}: DEAD ({@code fenced}). */
    void fence(AgentRecord record, Instant now, String why, long staleEpoch, List<Runnable> after) {
        causes.record(DisconnectCause.FENCED);
        transitions.record(record.moveTo(AgentState.DEAD, DisconnectCause.FENCED.label(), now, why));
        endWithFenced(record, staleEpoch, why + "; drop job state and say Hello again as a new session", after);
    }

    /** The exit probe found the agent's data port closed: DEAD ({@code process_exited}). */
    void processExited(AgentRecord record, Instant now, String detail, List<Runnable> after) {
        causes.record(DisconnectCause.PROCESS_EXITED);
        transitions.record(record.moveTo(AgentState.DEAD, DisconnectCause.PROCESS_EXITED.label(), now, detail));
        endWithFenced(record, record.epoch.value(), "declared dead: " + detail + "; say Hello again as a new session", after);
    }

    private static void endWithFenced(AgentRecord record, long staleEpoch, String message, List<Runnable> after) {
        AgentConnection connection = record.connection;
        record.connection = null;
        if (connection != null && connection.isOpen()) {
            CoordinatorMessage fenced = CoordinatorMessage.newBuilder().setFenced(Fenced.newBuilder()
                    .setStaleEpoch(staleEpoch).setCurrentEpoch(0).setMessage(message)).build();
            after.add(() -> {
                connection.send(fenced);
                connection.end("fenced");
            });
        }
    }

    /**
     * A stream whose session is over (superseded, expired or fenced) spoke: fence it too.
     *
     * @param record the agent's record, or null when the agent is unknown
     */
    static void fenceStream(MemberSession session, long staleEpoch, AgentRecord record, String why,
            List<Runnable> after) {
        long current = record != null && record.live() ? record.epoch.value() : 0;
        String message = why + " (epoch " + session.epoch() + ", current " + current
                + "): drop job state and say Hello again as a new session";
        CoordinatorMessage fenced = CoordinatorMessage.newBuilder().setFenced(Fenced.newBuilder()
                .setStaleEpoch(staleEpoch).setCurrentEpoch(current).setMessage(message)).build();
        AgentConnection connection = session.connection();
        after.add(() -> {
            connection.send(fenced);
            connection.end("fenced");
        });
    }
}
