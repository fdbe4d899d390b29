package io.graphagent.coordinator.store;

/**
 * The cluster store could not read or record something: a file of the state directory
 * ({@link StateDirException}) or etcd (unreachable, no quorum, or this coordinator no longer
 * leads). The message is one line naming what failed and the fix.
 */
public class StoreException extends Exception {
    private static final long serialVersionUID = 1L;

    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
