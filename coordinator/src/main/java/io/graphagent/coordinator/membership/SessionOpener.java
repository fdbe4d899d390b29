package io.graphagent.coordinator.membership;

import io.graphagent.config.DurationFormat;
import io.graphagent.config.SessionConfig;
import io.graphagent.protocol.Rejections;
import io.graphagent.protocol.SessionEpoch;
import io.graphagent.protocol.v1.AgentState;
import io.graphagent.protocol.v1.Hello;
import io.graphagent.protocol.v1.RejectReason;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers a checked Hello with a session: resumes the live session it names (same epoch, same
 * partitions), refuses a second stream for an id whose live session is still connected, and
 * otherwise opens a new session with the next epoch ({@link SessionEpochs}) and a fresh lease.
 * A live session whose agent says Hello without its id is over: the agent restarted and lost its
 * partitions (DEAD, {@code agent_restarted}). Not thread-safe: used under {@link Membership}'s
 * lock; messages are queued on {@code after}.
 */
final class SessionOpener {

    /** Membership's logger: the opener's lines belong to membership's log. */
    private static final Logger log = LoggerFactory.getLogger(Membership.class);

    private final SessionConfig timing;
    private final SessionEpochs epochs;
    private final AgentRegistry agents;
    private final Transitions transitions;
    private final LeaseKeeper leases;
    private final Fencing fencing;
    private final Takeover takeover;
    private final SecureRandom random = new SecureRandom();

    SessionOpener(SessionConfig timing, SessionEpochs epochs, AgentRegistry agents, Transitions transitions,
            LeaseKeeper leases, Fencing fencing, Takeover takeover) {
        this.timing = timing;
        this.epochs = epochs;
        this.agents = agents;
        this.transitions = transitions;
        this.leases = leases;
        this.fencing = fencing;
        this.takeover = takeover;
    }

    /** The session for {@code hello} at {@code now}, or a refusal; see {@link Membership#admit}. */
    Admission admit(Hello hello, String agentId, int protocolVersion, AgentConnection connection, Instant now,
            List<Runnable> after) {
        AgentRecord record = agents.get(agentId);
        if (record != null && record.live() && leases.ranOut(record, now)) {
            fencing.expire(record, now, after);
        }
        if (record != null && record.live()) {
            boolean resuming = !hello.getResumeSessionId().isEmpty()
                    && hello.getResumeSessionId().equals(record.sessionId);
            AgentConnection old = record.connection;
            boolean otherStreamOpen = old != null && old != connection && old.isOpen();
            if (otherStreamOpen && !resuming) {
                return new Admission.Refused(Rejections.reject(RejectReason.DUPLICATE_AGENT,
                        "agent id " + agentId + " already has a live session (epoch " + record.epoch + ") from "
                                + old.remoteAddress() + ": give each agent its own certificate and id, or stop"
                                + " the duplicate; a restarted agent is let in once the old session's lease ("
                                + DurationFormat.format(timing.leaseTtl()) + ") expires"));
            }
            if (resuming) {
                if (otherStreamOpen) {
                    after.add(() -> old.end("superseded by the resumed session from " + connection.remoteAddress()));
                }
                return new Admission.Admitted(resume(record, hello, protocolVersion, connection, now));
            }
            // A live session, but its agent says Hello without it: it restarted and lost
            // the session, so its partitions are gone too.
            transitions.record(record.moveTo(AgentState.DEAD, LifecycleCause.AGENT_RESTARTED.label(), now,
                    "new Hello from " + connection.remoteAddress() + " without the id of the live session of epoch "
                            + record.epoch));
            record.connection = null;
        }
        SessionEpoch epoch;
        try {
            epoch = SessionEpoch.of(epochs.next());
        } catch (IllegalStateException e) {
            return new Admission.Refused(Rejections.reject(RejectReason.SHUTTING_DOWN,
                    "the coordinator cannot record a new session epoch (" + e.getMessage() + "); retry later"));
        }
        if (record == null) {
            record = new AgentRecord(agentId);
            agents.add(record);
            epochs.agentSeen(agentId);
        }
        return new Admission.Admitted(open(record, hello, protocolVersion, connection, now, epoch));
    }

    private MemberSession resume(AgentRecord record, Hello hello, int version, AgentConnection connection, Instant now) {
        long silentMs = record.lease.sinceRenewal(now).toMillis();
        takeover.renewOnResume(record, now);
        record.attach(connection, hello, version);
        String missing = record.ledger.missingFrom(hello.getHeldList());
        // A transition even from ALIVE (the old stream's end not yet seen): the job layer re-sends
        // its outstanding command, whose reports may have been lost with the old stream.
        transitions.record(record.moveTo(AgentState.ALIVE, LifecycleCause.RESUMED.label(), now,
                "session resumed from " + connection.remoteAddress() + " after " + silentMs + " ms without heartbeat"));
        if (!missing.isEmpty()) {
            log.warn("event=resumed_without_partitions agent={} epoch={} missing=\"{}\" detail=\"the agent resumed its"
                    + " session but no longer holds these partitions; the job layer must reload or move them\"",
                    record.agentId, record.epoch, missing);
        }
        return new MemberSession(record.agentId, record.sessionId, record.epoch, true, connection);
    }

    private MemberSession open(AgentRecord record, Hello hello, int version, AgentConnection connection, Instant now,
            SessionEpoch epoch) {
        record.sessionId = newSessionId();
        record.epoch = epoch;
        record.lease = Lease.grant(now, timing.leaseTtl());
        record.sessionOpened = now;
        record.attach(connection, hello, version);
        record.ledger.clear();
        record.rttMicros = 0;
        record.clockOffsetMs = 0;
        String asked = hello.getResumeSessionId().isEmpty() ? ""
                : " (the session it asked to resume is unknown or over)";
        transitions.record(record.moveTo(AgentState.JOINING, LifecycleCause.HELLO.label(), now,
                "new session from " + connection.remoteAddress() + ", protocol " + version + asked));
        return new MemberSession(record.agentId, record.sessionId, record.epoch, false, connection);
    }

    private String newSessionId() {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        return "s-" + HexFormat.of().formatHex(bytes);
    }
}
