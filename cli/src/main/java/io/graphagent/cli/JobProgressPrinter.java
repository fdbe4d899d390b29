package io.graphagent.cli;

import io.graphagent.protocol.v1.JobProgress;
import io.graphagent.protocol.v1.JobState;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * The stderr lines of {@code graphagent submit} while a job runs: every state change and every
 * message from the coordinator (a lost agent, a rollback), and one line per superstep, thinned
 * to at most one per {@link #SUPERSTEP_INTERVAL} when supersteps come faster than a reader
 * can follow; the last superstep thinned out is still shown before the next state change.
 * FAILED and CANCELLED are left to the command's error line. Not thread-safe: one watching
 * thread.
 */
final class JobProgressPrinter {
    /** Shortest time between two superstep lines. */
    static final Duration SUPERSTEP_INTERVAL = Duration.ofMillis(250);

    private final PrintWriter err;
    private final LongSupplier nanoClock;
    private JobState lastState = JobState.JOB_STATE_UNSPECIFIED;
    private String lastMessage = "";
    private long lastSuperstepLine = Long.MIN_VALUE;
    /** A superstep line held back by the interval, or null. */
    private String pending;

    /** @param nanoClock monotonic nanoseconds ({@code System::nanoTime}; a fake in tests) */
    JobProgressPrinter(PrintWriter err, LongSupplier nanoClock) {
        this.err = err;
        this.nanoClock = nanoClock;
    }

    void print(JobProgress p) {
        boolean stateChanged = p.getState() != lastState;
        boolean newMessage = !p.getMessage().isEmpty() && !p.getMessage().equals(lastMessage);
        lastState = p.getState();
        if (!p.getMessage().isEmpty()) {
            lastMessage = p.getMessage();
        }
        boolean terminalFailure = p.getState() == JobState.FAILED || p.getState() == JobState.CANCELLED;
        if ((stateChanged || newMessage) && !terminalFailure) {
            if (pending != null) {
                err.println(pending);
                pending = null;
            }
            err.println(prefix(p) + p.getState().name() + (p.getMessage().isEmpty() ? "" : ": " + p.getMessage()));
        }
        // Entering RUNNING reports no superstep yet; every later RUNNING message reports one done.
        if (p.getState() == JobState.RUNNING && (!stateChanged || p.getSuperstepTimeMs() > 0)) {
            String line = prefix(p) + "superstep " + p.getSuperstep() + " done in " + Durations.millis(p.getSuperstepTimeMs())
                    + " (active vertices " + p.getActiveVertices() + ", messages " + p.getMessages() + ", "
                    + bytes(p.getBytesExchanged()) + " exchanged, elapsed " + Durations.millis(p.getElapsedMs()) + ")";
            long now = nanoClock.getAsLong();
            if (lastSuperstepLine == Long.MIN_VALUE || now - lastSuperstepLine >= SUPERSTEP_INTERVAL.toNanos()) {
                lastSuperstepLine = now;
                pending = null;
                err.println(line);
            } else {
                pending = line;
            }
        }
        err.flush();
    }

    private static String prefix(JobProgress p) {
        return "graphagent: job " + p.getJobId() + " ";
    }

    /** Bytes in binary units: {@code 512 B}, {@code 3.4 KiB}, {@code 12.0 MiB}. */
    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
