package io.graphagent.coordinator.membership;

import io.graphagent.net.cause.CauseCounter;
import io.graphagent.net.cause.DisconnectCause;
import io.graphagent.protocol.SessionEpoch;
import io.graphagent.protocol.v1.AgentState;
import io.graphagent.protocol.v1.Goodbye;
import java.time.Instant;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the end of a session's current stream does: a Goodbye makes the agent LEFT; a stream
 * that broke makes it SUSPECT until it resumes or its lease runs out, and, with an {@link
 * ExitProbe}, has the agent's data port checked so that a process that exited is declared DEAD
 * without waiting for the lease. The end of a superseded stream changes nothing (the caller
 * checks). Used under {@link Membership}'s lock; the probe may be set from any thread.
 */
final class Disconnects {

    /** Membership's logger: these lines belong to membership's log. */
    private static final Logger log = LoggerFactory.getLogger(Membership.class);

    /** Where the probe's verdict goes: membership, which takes its lock and checks the session is still the one probed. */
    @FunctionalInterface
    interface ExitVerdict {
        void processExited(String agentId, SessionEpoch epoch, String sessionId, String detail);
    }

    private final CauseCounter causes;
    private final Transitions transitions;
    private final ExitVerdict verdict;
    /** Dials the data port of an agent whose stream broke; null: only leases declare DEAD. */
    private volatile ExitProbe exitProbe;

    Disconnects(CauseCounter causes, Transitions transitions, ExitVerdict verdict) {
        this.causes = causes;
        this.transitions = transitions;
        this.verdict = verdict;
    }

    void useExitProbe(ExitProbe probe) {
        this.exitProbe = Objects.requireNonNull(probe, "probe");
    }

    /** The agent said Goodbye on its current stream: LEFT. */
    void goodbye(AgentRecord record, Goodbye goodbye, Instant now) {
        transitions.record(record.moveTo(AgentState.LEFT, LifecycleCause.GOODBYE.label(), now,
                goodbye.getReason() + (goodbye.getMessage().isEmpty() ? "" : ": " + goodbye.getMessage())));
        record.connection = null;
    }

    /** The current stream ended without Goodbye for {@code cause}: SUSPECT, and the exit probe scheduled. */
    void streamEnded(AgentRecord record, DisconnectCause cause, String detail, Instant now) {
        record.connection = null;
        causes.record(cause);
        if (record.state != AgentState.SUSPECT) {
            transitions.record(record.moveTo(AgentState.SUSPECT, cause.label(), now, detail
                    + "; lease expires in " + record.lease.remaining(now).toMillis() + " ms unless the agent resumes"));
        } else {
            log.warn("cause={} event=stream_ended agent={} epoch={} state=SUSPECT detail=\"{}\"", cause.label(),
                    record.agentId, record.epoch, detail);
        }
        ExitProbe probe = exitProbe;
        if (probe != null) {
            String agentId = record.agentId;
            SessionEpoch epoch = record.epoch;
            String sessionId = record.sessionId;
            probe.schedule(agentId, record.hello.getDataAddress(),
                    gone -> verdict.processExited(agentId, epoch, sessionId, gone));
        }
    }
}
