package io.graphagent.coordinator.membership;

import io.graphagent.coordinator.membership.AgentDirectory.MembershipListener;
import io.graphagent.protocol.SessionEpoch;
import io.graphagent.protocol.v1.AgentState;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event log of agent state transitions: each one is logged as one line when it happens
 * (under membership's lock, so the log shows transitions in the order they took effect) and
 * told to the listeners afterwards, outside the lock, so that a listener may call back into
 * membership (list the live agents, send commands). Listeners see every transition exactly
 * once, in the order they happened.
 *
 * <p>The threads that record transitions deliver them, one at a time, each only as far as the
 * transitions recorded before its own call to {@link #deliver()}: a caller waits for the ones
 * ahead of it, never for the ones recorded after. A caller is a session stream's thread, whose
 * Welcome and heartbeat acks wait for its return; if it had to deliver whatever the others keep
 * recording, a reconnect storm of thousands of agents would hold it as long as the storm lasts
 * (measured: a Welcome held 13.6 s while 2,000 sessions resumed, so that agent missed its 5 s
 * lease and was declared DEAD). Thread-safe.
 */
final class Transitions {

    private static final Logger log = LoggerFactory.getLogger(Membership.class);

    /** One transition; {@code from} is AGENT_STATE_UNSPECIFIED for an agent never seen before. */
    record Event(String agentId, AgentState from, AgentState to, String cause, SessionEpoch epoch, String detail) {
    }

    private final Queue<Event> pending = new ConcurrentLinkedQueue<>();
    /** Transitions recorded so far; the n-th one queued is the n-th told. */
    private final AtomicLong recorded = new AtomicLong();
    /** Held by the thread telling the listeners; fair, so callers take turns in the order they came. */
    private final ReentrantLock delivering = new ReentrantLock(true);
    /** Transitions told so far; written under {@link #delivering}. */
    private volatile long delivered;
    /** How far the thread holding {@link #delivering} tells; guarded by it. */
    private long target;
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
        // Counted once queued: a caller's mark never covers a transition not yet in the queue.
        recorded.incrementAndGet();
    }

    /**
     * Tells the listeners every transition recorded before this call, in order, waiting for the
     * thread telling earlier ones if need be; returns once those are told, whatever was recorded
     * since. Called from a listener (a transition that a listener caused), it returns at once and
     * the thread already telling tells that one too. Must not be called with membership's lock
     * held, nor any lock a listener takes: it may wait for the thread telling earlier ones.
     */
    void deliver() {
        long mine = recorded.get();
        if (delivered >= mine) {
            return;
        }
        if (delivering.isHeldByCurrentThread()) {
            target = Math.max(target, mine);
            return;
        }
        delivering.lock();
        try {
            target = Math.max(target, mine);
            while (delivered < target) {
                Event event = pending.poll();
                if (event == null) {
                    return;
                }
                // Counted before it is told: a listener that throws an Error leaves the count true.
                delivered++;
                tell(event);
            }
        } finally {
            delivering.unlock();
        }
    }

    private void tell(Event event) {
        for (MembershipListener listener : listeners) {
            try {
                listener.onTransition(event.agentId(), event.from(), event.to(), event.cause());
            } catch (RuntimeException e) {
                log.error("event=listener_failed agent={} to={} listener={} detail=\"{}\"", event.agentId(),
                        name(event.to()), listener.getClass().getName(), e.toString(), e);
            }
        }
    }

    static String name(AgentState state) {
        return state == AgentState.AGENT_STATE_UNSPECIFIED ? "NEW" : state.name();
    }
}
