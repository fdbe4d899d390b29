package io.graphagent.coordinator.membership;

import io.graphagent.config.SessionConfig;
import io.graphagent.protocol.SessionEpoch;
import io.graphagent.protocol.v1.AgentState;
import io.graphagent.protocol.v1.Hello;
import io.graphagent.protocol.v1.StoredSession;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sessions a new leader carries over from the previous one (etcd store): each becomes a
 * SUSPECT record ({@code leader_changed}) with its session id and epoch, and is waited for while
 * the {@link TakeoverWindow} holds; a carried session that resumes gets a fresh lease and counts
 * as the takeover's progress. Not thread-safe: used under {@link Membership}'s lock.
 */
final class Takeover {

    /** Membership's logger: the takeover's lines belong to membership's log. */
    private static final Logger log = LoggerFactory.getLogger(Membership.class);

    private final SessionConfig timing;
    private final AgentRegistry agents;
    private final Transitions transitions;
    /** Since a takeover: how long carried sessions that have not resumed are waited for. */
    private final TakeoverWindow window = new TakeoverWindow();

    Takeover(SessionConfig timing, AgentRegistry agents, Transitions transitions) {
        this.timing = timing;
        this.agents = agents;
        this.transitions = transitions;
    }

    /**
     * Carries {@code sessions} over at {@code now}, each with its lease renewed {@code grace}
     * from now; a session whose agent is already known here is left alone. Logs one line for
     * the whole takeover.
     */
    void carryOver(List<StoredSession> sessions, Duration grace, Instant now) {
        window.open(now, grace);
        List<String> carried = new ArrayList<>(sessions.size());
        for (StoredSession stored : sessions) {
            if (agents.contains(stored.getAgentId())) {
                continue;
            }
            AgentRecord record = new AgentRecord(stored.getAgentId());
            record.sessionId = stored.getSessionId();
            record.epoch = SessionEpoch.of(stored.getEpoch());
            record.lease = new Lease(timing.leaseTtl(), now.plus(grace));
            record.carried = true;
            record.sessionOpened = now;
            record.hello = Hello.newBuilder().setAgentId(stored.getAgentId())
                    .setDataAddress(stored.getDataAddress()).build();
            agents.add(record);
            transitions.recordSummarized(record.moveTo(AgentState.SUSPECT, LifecycleCause.LEADER_CHANGED.label(), now,
                    "session carried over from the previous leader; lease runs until " + record.lease.expiresAt()
                            + " unless the agent resumes (longer while other carried sessions keep resuming)"));
            carried.add(stored.getAgentId());
        }
        // One line for the whole takeover, not one per session: at 2,000 sessions those lines cost ~0.45 s
        // of the failover. The ids follow at DEBUG.
        log.warn("event=sessions_carried_over count={} skipped_known={} cause={} lease_until={} detail=\"SUSPECT until"
                + " each agent resumes its session (longer while other carried sessions keep resuming)\"",
                carried.size(), sessions.size() - carried.size(), LifecycleCause.LEADER_CHANGED.label(),
                now.plus(grace));
        if (log.isDebugEnabled()) {
            log.debug("event=sessions_carried_over_ids count={} agents={}", carried.size(), carried);
        }
    }

    /**
     * Renews the lease of a session that resumes at {@code now}: a carried one gets a fresh lease
     * (it may have run out while the window held it) and is no longer carried; any other is renewed.
     */
    void renewOnResume(AgentRecord record, Instant now) {
        if (record.carried) {
            record.carried = false;
            record.lease = Lease.grant(now, timing.leaseTtl());
            window.progress(now);
        } else {
            record.lease = record.lease.renew(now);
        }
    }

    /** Whether {@code record} is a carried session that is still waited for at {@code now}, its lease notwithstanding. */
    boolean holds(AgentRecord record, Instant now) {
        return record.carried && window.holds(now);
    }
}
