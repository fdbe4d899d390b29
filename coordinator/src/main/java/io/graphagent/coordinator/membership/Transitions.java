package io.graphagent.coordinator.membership;

import io.graphagent.coordinator.membership.AgentDirectory.MembershipListener;
import io.graphagent.protocol.SessionEpoch;
import io.graphagent.protocol.v1.AgentState;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
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
 * <p>Who tells them: the thread that recorded a transition, when no other is telling (so a
 * test or simulation sees its listeners called before the call returns), but only as far as the
 * transitions recorded before its own call to {@link #deliver()}, never what others record after
 * it. A caller is a session stream's gRPC thread, whose Welcome and heartbeat acks wait for its
 * return: when the first thread to find undelivered transitions told all of them, including
 * whatever the others kept recording, a reconnect storm of 2,000 agents held one stream 13.6 s,
 * its Welcome unsent, so that agent missed its 5 s lease and was declared DEAD. What is left
 * goes to the teller ({@link #tellOn}, the coordinator's {@code coordinator-membership-events}
 * thread), and a caller that finds another thread telling returns at once: that thread or the
 * teller tells its transitions. Without a teller (tests, simulations) a caller that finds
 * another telling waits its turn (a fair lock) and tells its own. Thread-safe.
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
    /** Where the listeners are told, or null: by the threads that record (tests, simulations). */
    private volatile Executor teller;
    /** Whether a pass of the teller is scheduled or running. */
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final List<MembershipListener> listeners = new CopyOnWriteArrayList<>();

    /** Tells the listeners on {@code executor} (one thread, in order) from now on; see {@link Membership#tellListenersOn}. */
    void tellOn(Executor executor) {
        this.teller = executor;
    }

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
     * Tells the listeners the transitions recorded before this call, in order, unless another
     * thread is telling (with a teller: return at once, they are told by it or the teller;
     * without: wait for it, then tell). Never tells what is recorded after this call; with a
     * teller, hands that to it. Called from a listener (a transition a listener caused), returns
     * at once and the thread already telling tells that one too. Must not be called with
     * membership's lock held, nor any lock a listener takes.
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
        Executor on = teller;
        if (on == null) {
            delivering.lock();
        } else if (!delivering.tryLock()) {
            // Whoever holds the lock re-checks the queue after releasing it and hands it to the teller.
            return;
        }
        try {
            target = Math.max(target, mine);
            while (delivered < target) {
                Event event = pending.poll();
                if (event == null) {
                    break;
                }
                // Counted before it is told: a listener that throws an Error leaves the count true.
                delivered++;
                tell(event);
            }
        } finally {
            delivering.unlock();
        }
        if (on != null) {
            handOff(on);
        }
    }

    /** Has the teller tell what is queued, unless a pass of it is already scheduled or running. */
    private void handOff(Executor on) {
        if (pending.isEmpty() || !scheduled.compareAndSet(false, true)) {
            return;
        }
        try {
            on.execute(() -> tellQueued(on));
        } catch (RejectedExecutionException e) {
            // The coordinator is stopping: what is still queued is not told.
            scheduled.set(false);
        }
    }

    /** On the teller: tells everything queued, also what the listeners cause meanwhile, then looks again. */
    private void tellQueued(Executor on) {
        try {
            delivering.lock();
            try {
                for (Event event; (event = pending.poll()) != null; ) {
                    delivered++;
                    target = Math.max(target, delivered);
                    tell(event);
                }
            } finally {
                delivering.unlock();
            }
        } finally {
            scheduled.set(false);
        }
        handOff(on);
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
