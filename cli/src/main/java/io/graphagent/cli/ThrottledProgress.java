package io.graphagent.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Progress lines on stderr for long work only: silent for the first {@link #QUIET} after it
 * was created (short runs print nothing), then at most one line per {@link #INTERVAL}.
 * Thread-safe: loaders report from several threads. Messages are built only when printed.
 */
final class ThrottledProgress {
    /** Work shorter than this prints no progress at all. */
    static final Duration QUIET = Duration.ofSeconds(2);
    /** At most one line per this interval, so progress never floods a log. */
    static final Duration INTERVAL = Duration.ofSeconds(1);

    private final PrintWriter err;
    private final LongSupplier nanoClock;
    private final long start;
    private long lastPrint;
    private boolean printed;

    /**
     * @param nanoClock monotonic time in nanoseconds ({@code System::nanoTime}; a fake in tests)
     */
    ThrottledProgress(PrintWriter err, LongSupplier nanoClock) {
        this.err = err;
        this.nanoClock = nanoClock;
        this.start = nanoClock.getAsLong();
    }

    /** Prints {@code "graphagent: " + message} if the quiet period is over and the last line is old enough. */
    synchronized void report(Supplier<String> message) {
        long now = nanoClock.getAsLong();
        if (now - start < QUIET.toNanos()) {
            return;
        }
        if (printed && now - lastPrint < INTERVAL.toNanos()) {
            return;
        }
        printed = true;
        lastPrint = now;
        err.println("graphagent: " + message.get());
        err.flush();
    }

    /** A percentage with one decimal for {@code done} of {@code total}. */
    static String percent(long done, long total) {
        return total <= 0 ? "100%" : String.format(java.util.Locale.ROOT, "%.0f%%", 100.0 * done / total);
    }
}
