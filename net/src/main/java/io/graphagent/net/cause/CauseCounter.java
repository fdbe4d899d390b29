package io.graphagent.net.cause;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Counts connection failures per {@link DisconnectCause} since start. The ops module exports
 * the counts as {@code graphagent_..._total{cause="..."}} counters, either by reading
 * {@link #snapshot()} at scrape time or by registering a {@link Listener}.
 *
 * <p>Thread-safe and lock-free: {@link #record} is called from network event-loop threads.
 * Listeners are invoked on the recording thread, after the count is incremented, and must not
 * block.
 */
public final class CauseCounter {

    /** Observer of every recorded failure; called on the recording (network) thread. */
    @FunctionalInterface
    public interface Listener {
        /**
         * @param cause the cause just recorded
         * @param total the count of that cause including this one
         */
        void recorded(DisconnectCause cause, long total);

        /**
         * Like {@link #recorded(DisconnectCause, long)}, with where the failure came from (the
         * peer's host, or empty when unknown); by default the source is ignored.
         */
        default void recorded(DisconnectCause cause, long total, String source) {
            recorded(cause, total);
        }
    }

    private static final DisconnectCause[] CAUSES = DisconnectCause.values();

    private final AtomicLongArray counts = new AtomicLongArray(CAUSES.length);
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();

    /** Adds one to {@code cause} and notifies the listeners; returns the new count. */
    public long record(DisconnectCause cause) {
        return record(cause, "");
    }

    /**
     * Adds one to {@code cause} from {@code source} (a peer's host; empty when unknown) and
     * notifies the listeners; returns the new count. Every failure counts, however many come
     * from one source: only logs and events are aggregated.
     */
    public long record(DisconnectCause cause, String source) {
        long total = counts.incrementAndGet(cause.ordinal());
        for (Listener listener : listeners) {
            listener.recorded(cause, total, source);
        }
        return total;
    }

    /** The count of {@code cause} so far. */
    public long count(DisconnectCause cause) {
        return counts.get(cause.ordinal());
    }

    /** The counts of every cause recorded at least once, in declaration order. */
    public Map<DisconnectCause, Long> snapshot() {
        Map<DisconnectCause, Long> snapshot = new EnumMap<>(DisconnectCause.class);
        for (DisconnectCause cause : CAUSES) {
            long count = counts.get(cause.ordinal());
            if (count > 0) {
                snapshot.put(cause, count);
            }
        }
        return snapshot;
    }

    /** Registers a listener for failures recorded from now on. */
    public void addListener(Listener listener) {
        listeners.add(listener);
    }

    /** Removes a listener registered with {@link #addListener}. */
    public void removeListener(Listener listener) {
        listeners.remove(listener);
    }
}
