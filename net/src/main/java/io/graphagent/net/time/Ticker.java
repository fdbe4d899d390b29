package io.graphagent.net.time;

/**
 * A monotonic time source in nanoseconds, for deadlines and durations (an exchange's wait for
 * its peers, a session's quiet time): unlike a wall {@link java.time.Clock} it never jumps when
 * the system time is set. Injected wherever a deadline is measured, so that a test drives it
 * with a fake that moves only when told. Only differences between two readings mean anything.
 * Implementations are thread-safe.
 */
@FunctionalInterface
public interface Ticker {

    /** The current reading, in nanoseconds from an arbitrary origin. */
    long nanos();

    /** The JVM's monotonic time, {@link System#nanoTime}. */
    static Ticker system() {
        return System::nanoTime;
    }
}
