package io.graphagent.agent.load;

import io.graphagent.net.time.Ticker;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Whether the heap is thrashing: over the last {@link #WINDOW_MS} or more, collections paused
 * the JVM for more than {@link #PAUSED_SHARE} of the time while the heap stayed over
 * {@link #FULL_SHARE} of its maximum. A parse that goes on then runs full collection after
 * full collection until an {@code OutOfMemoryError} (seconds on a busy machine), and while the
 * JVM is paused the session thread sends no heartbeat: the agent's lease can run out before the
 * error comes. A load asks after every parsed chunk and stops instead. Thread-safe.
 */
final class GcPressure {
    /** The shortest window judged, ms. */
    static final long WINDOW_MS = 1000;
    /** Share of a window spent in collection pauses that counts as thrashing. */
    static final double PAUSED_SHARE = 0.5;
    /** Share of the maximum heap in use (after the window) that counts as full. */
    static final double FULL_SHARE = 0.75;

    private final LongSupplier pausedMs;
    private final LongSupplier nowMs;
    private final LongSupplier usedBytes;
    private final long maxBytes;
    private long windowStart;
    private long pausedAtStart;

    GcPressure(LongSupplier pausedMs, LongSupplier nowMs, LongSupplier usedBytes, long maxBytes) {
        this.pausedMs = pausedMs;
        this.nowMs = nowMs;
        this.usedBytes = usedBytes;
        this.maxBytes = maxBytes;
        this.windowStart = nowMs.getAsLong();
        this.pausedAtStart = pausedMs.getAsLong();
    }

    /** This JVM's collection pauses (collectors whose work is concurrent left out) and heap, timed on {@code ticker}. */
    static GcPressure ofThisJvm(Ticker ticker) {
        List<GarbageCollectorMXBean> pausing = ManagementFactory.getGarbageCollectorMXBeans().stream()
                .filter(c -> !c.getName().contains("Concurrent")).toList();
        Runtime runtime = Runtime.getRuntime();
        return new GcPressure(() -> pausing.stream().mapToLong(c -> Math.max(0, c.getCollectionTime())).sum(),
                () -> ticker.nanos() / 1_000_000, () -> runtime.totalMemory() - runtime.freeMemory(),
                runtime.maxMemory());
    }

    /** Whether the window now ending (if long enough) was spent mostly paused with the heap full; starts the next one. */
    synchronized boolean thrashing() {
        long now = nowMs.getAsLong();
        long window = now - windowStart;
        if (window < WINDOW_MS) {
            return false;
        }
        long paused = pausedMs.getAsLong();
        boolean thrashing = paused - pausedAtStart > PAUSED_SHARE * window && usedBytes.getAsLong() > FULL_SHARE * maxBytes;
        windowStart = now;
        pausedAtStart = paused;
        return thrashing;
    }

    /** The heap's maximum, bytes. */
    long maxBytes() {
        return maxBytes;
    }
}
