package io.graphagent.cli;

import java.util.Locale;

/** Short human renderings of measured times for tables and progress lines: {@code 850ms}, {@code 12.3s}, {@code 4m05s}. */
final class Durations {
    private Durations() {
    }

    /** Milliseconds as {@code 850ms}, {@code 12.3s}, {@code 4m05s}, {@code 2h07m}. */
    static String millis(long ms) {
        if (ms < 0) {
            return "-" + millis(-ms);
        }
        if (ms < 1000) {
            return ms + "ms";
        }
        if (ms < 60_000) {
            return String.format(Locale.ROOT, "%.1fs", ms / 1000.0);
        }
        long s = ms / 1000;
        if (s < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
    }

    /** Microseconds as {@code 420us}, {@code 1.25ms}, {@code 31ms}. */
    static String micros(long us) {
        if (us < 1000) {
            return us + "us";
        }
        if (us < 10_000) {
            return String.format(Locale.ROOT, "%.2fms", us / 1000.0);
        }
        return millis(us / 1000);
    }

    /** A signed offset in milliseconds: {@code +3ms}, {@code -1.2s}. */
    static String signedMillis(long ms) {
        return (ms >= 0 ? "+" : "") + millis(ms);
    }

    /** Seconds with three decimals, as the {@code key=value} summaries print them. */
    static String seconds(long ms) {
        return String.format(Locale.ROOT, "%.3f", ms / 1000.0);
    }
}
