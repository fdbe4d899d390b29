package io.graphagent.net.cause;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Aggregates repeated connection failures per source and cause into windows, so that a flood
 * (two thousand junk connections from one stranger) costs a few log lines and events, not one
 * each, and never pushes out the agent and job events. The first failure of a source and cause
 * opens a window and is reported at once; the ones after it within {@link #window()} are
 * counted; the count is reported once the window is over (by the next failure of that key, or
 * by {@link #due()}), which closes it. The metric counts every failure regardless
 * ({@link CauseCounter}).
 *
 * <p>At most {@link #MAX_KEYS} sources are tracked; past it the oldest window is reported and
 * dropped, so a spread of sources cannot grow memory. Time comes from the injected nanosecond
 * source. Thread-safe (synchronized: failures arrive on network threads).
 */
public final class FailureWindows {

    /** Sources tracked at once. */
    public static final int MAX_KEYS = 1024;

    /** What to report: the first failure of a window ({@code repeats == 0}), or how many more a window saw. */
    public record Report(DisconnectCause cause, String source, long repeats, Duration over) {
        public Report {
            Objects.requireNonNull(cause, "cause");
            Objects.requireNonNull(source, "source");
        }

        /** " (repeated N times in the last W)" for a summary, empty for a first failure. */
        public String suffix() {
            return repeats == 0 ? "" : " (" + repeats + " more from " + (source.isEmpty() ? "unknown" : source)
                    + " in the last " + over.toSeconds() + " s)";
        }
    }

    private record Key(DisconnectCause cause, String source) {
    }

    private static final class Window {
        final long openedNanos;
        long repeats;

        Window(long openedNanos) {
            this.openedNanos = openedNanos;
        }
    }

    private final Duration window;
    private final LongSupplier nanos;
    private final Map<Key, Window> open = new LinkedHashMap<>();

    /**
     * @param window how long failures of one source and cause are counted before they are reported
     * @param nanos  monotonic time in nanoseconds ({@code System::nanoTime}, or a fake clock in tests)
     */
    public FailureWindows(Duration window, LongSupplier nanos) {
        this.window = Objects.requireNonNull(window, "window");
        this.nanos = Objects.requireNonNull(nanos, "nanos");
    }

    public Duration window() {
        return window;
    }

    /**
     * One failure: returns what to report now (in order): the summary of the key's previous
     * window when it is over, then this failure when it opens a new window; empty while a window
     * counts it.
     */
    public synchronized List<Report> failure(DisconnectCause cause, String source) {
        long now = nanos.getAsLong();
        Key key = new Key(cause, source);
        List<Report> out = new ArrayList<>(2);
        Window w = open.get(key);
        if (w != null && now - w.openedNanos < window.toNanos()) {
            w.repeats++;
            return out;
        }
        if (w != null) {
            open.remove(key);
            summary(key, w, out);
        }
        if (open.size() >= MAX_KEYS) {
            Map.Entry<Key, Window> oldest = open.entrySet().iterator().next();
            open.remove(oldest.getKey());
            summary(oldest.getKey(), oldest.getValue(), out);
        }
        open.put(key, new Window(now));
        out.add(new Report(cause, source, 0, Duration.ZERO));
        return out;
    }

    /** Closes every window that is over and returns the summaries of those that counted repeats. */
    public synchronized List<Report> due() {
        long now = nanos.getAsLong();
        List<Report> out = new ArrayList<>();
        open.entrySet().removeIf(e -> {
            if (now - e.getValue().openedNanos < window.toNanos()) {
                return false;
            }
            summary(e.getKey(), e.getValue(), out);
            return true;
        });
        return out;
    }

    private void summary(Key key, Window w, List<Report> out) {
        if (w.repeats > 0) {
            out.add(new Report(key.cause(), key.source(), w.repeats, window));
        }
    }
}
