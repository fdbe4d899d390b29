package io.graphagent.coordinator.membership;

import io.graphagent.coordinator.membership.AgentDirectory.MembershipListener;
import io.graphagent.protocol.SessionEpoch;
import io.graphagent.protocol.v1.AgentState;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event log of agent state transitions: each one is logged as one line when it happens
 * (under membership's lock, so the log shows transitions in the order they took effect) and
 * told to the listeners afterwards, outside the lock, so that a listener may call back into
 * membership (list the live agents, send commands). Listeners see every transition exactly
 * once, in the order they happened; whichever thread finds undelivered events delivers them.
 * Thread-safe.
 */
final class Transitions {

    private static final Logger log = LoggerFactory.getLogger(Membership.class);

    /** One transition; {@code from} is AGENT_STATE_UNSPECIFIED for an agent never seen before. */
    record Event(String agentId, AgentState from, AgentState to, String cause, SessionEpoch epoch, String detail) {
    }

    private final Queue<Event> pending = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean delivering = new AtomicBoolean();
    private final List<MembershipListener> listeners = new CopyOnWriteArrayList<>();

    void addListener(MembershipListener listener) {
        listeners.add(listener);
    }

    /** Logs the transition and queues it for the listeners; call {@link #deliver()} after unlocking. */
    void record(Event event) {
        record(event, false);
    }

    /**
     * Queues the transition for the listeners like {@link #record(Event)}, but logs it at DEBUG
     * only: for a batch the caller sums up in one line of its own (a takeover carries thousands
     * of sessions, and a line each costs the failover time).
     */
    void recordSummarized(Event event) {
        record(event, true);
    }

    private void record(Event event, boolean summarized) {
        String line = "event=agent_state agent={} from={} to={} cause={} epoch={} detail=\"{}\"";
        Object[] args = {event.agentId(), name(event.from()), name(event.to()), event.cause(), event.epoch(),
                event.detail()};
        if (summarized) {
            log.debug(line, args);
        } else if (event.to() == AgentState.SUSPECT || event.to() == AgentState.DEAD) {
            log.warn(line, args);
        } else {
            log.info(line, args);
        }
        pending.add(event);
    }

    /** Tells the listeners every queued transition; must not be called with membership's lock held. */
    void deliver() {
        while (!pending.isEmpty() && delivering.compareAndSet(false, true)) {
            try {
                for (Event event; (event = pending.poll()) != null; ) {
                    for (MembershipListener listener : listeners) {
                        try {
                            listener.onTransition(event.agentId(), event.from(), event.to(), event.cause());
                        } catch (RuntimeException e) {
                            log.error("event=listener_failed agent={} to={} listener={} detail=\"{}\"", event.agentId(),
                                    name(event.to()), listener.getClass().getName(), e.toString(), e);
                        }
                    }
                }
            } finally {
                delivering.set(false);
            }
        }
    }

    static String name(AgentState state) {
        return state == AgentState.AGENT_STATE_UNSPECIFIED ? "NEW" : state.name();
    }
}
