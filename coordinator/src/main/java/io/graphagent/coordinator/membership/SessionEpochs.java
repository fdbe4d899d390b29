package io.graphagent.coordinator.membership;

/**
 * Where session epochs come from. Each new session takes the next one; an epoch is never handed
 * out twice, also across coordinator restarts when the source is durable (the state directory's
 * membership store), so that fencing by epoch stays correct. Implementations are called under
 * the membership lock and must be quick; thread-safe.
 */
public interface SessionEpochs {

    /**
     * The epoch of a new session: above every epoch handed out before.
     *
     * @throws IllegalStateException when a durable source cannot record it (the session is then refused)
     */
    long next();

    /** {@code agentId} opened a session (for the list of known agents); never throws. */
    default void agentSeen(String agentId) {
    }

    /** Epochs from 1, kept in memory only: they start again at 1 when the process does. */
    static SessionEpochs inMemory() {
        java.util.concurrent.atomic.AtomicLong last = new java.util.concurrent.atomic.AtomicLong();
        return last::incrementAndGet;
    }
}
