package io.graphagent.coordinator.store;

/**
 * The cluster store could not read or record something: a file of the state directory
 * ({@link StateDirException}) or etcd (unreachable, no quorum, or this coordinator no longer
 * leads). The message is one line naming what failed and the fix; {@link #reason()} says,
 * where the failure happened, whether the store merely did not answer.
 */
public class StoreException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why the store failed, as a caller's caller needs to know it. */
    public enum Reason {
        /**
         * The store did not answer (etcd without a quorum, or unreachable): nothing was recorded,
         * or it is not known whether it was; it passes once a majority of etcd answers again. Not
         * a mistake in what was being recorded.
         */
        UNAVAILABLE,
        /**
         * This coordinator no longer leads (a newer leader's term fences its writes): nothing was
         * recorded and nothing will be; the request belongs at the current leader. Not a mistake
         * in what was being recorded.
         */
        DEPOSED,
        /** Anything else: a state file the disk refused, a corrupt value, a refused TLS connection. */
        FAILED
    }

    private final Reason reason;
    private final String storeProblem;

    public StoreException(String message) {
        this(message, null, Reason.FAILED, "");
    }

    public StoreException(String message, Throwable cause) {
        this(message, cause, Reason.FAILED, "");
    }

    protected StoreException(String message, Throwable cause, Reason reason, String storeProblem) {
        super(message, cause);
        this.reason = reason;
        this.storeProblem = storeProblem;
    }

    /**
     * A store that did not answer ({@link Reason#UNAVAILABLE}).
     *
     * @param message what could not be done and why, one line
     * @param problem what is wrong with the store itself and its fix, whatever was being read or
     *                written ("etcd has no quorum: ..."): the words a refusal of the whole
     *                cluster's service uses
     */
    public static StoreException unavailable(String message, String problem, Throwable cause) {
        return new StoreException(message, cause, Reason.UNAVAILABLE, problem);
    }

    public Reason reason() {
        return reason;
    }

    /** With {@link Reason#UNAVAILABLE}: what is wrong with the store and its fix; otherwise the message. */
    public String storeProblem() {
        return reason == Reason.UNAVAILABLE ? storeProblem : getMessage();
    }
}
