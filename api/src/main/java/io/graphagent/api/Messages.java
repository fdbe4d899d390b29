package io.graphagent.api;

/**
 * The messages bound for one vertex in this superstep: with a combiner at most one, the fold of
 * all of them; without, every message, in no fixed order. A primitive iterator reused by the
 * engine (no allocation per vertex); never keep it past the {@code compute} call.
 *
 * <p>Read with the getter of the program's {@link MessageType}; the other converts
 * ({@code (double) long} or {@code (long) double}).
 */
public interface Messages {

    /** Whether another message is left. */
    boolean hasNext();

    /** The next message as a double. */
    double next();

    /** The next message as a long. */
    long nextLong();

    /** True when no message arrived (or all were read). */
    default boolean isEmpty() {
        return !hasNext();
    }
}
