package io.graphagent.coordinator.etcd;

import java.util.List;

/**
 * An etcd call failed or could not be made: the message is one line naming what was tried,
 * what went wrong and the fix. {@link #unavailable()} tells a cluster that did not answer
 * (no quorum, unreachable, TLS refused) from a refusal of the request itself.
 */
public final class EtcdException extends Exception {
    private static final long serialVersionUID = 1L;

    private final boolean unavailable;

    public EtcdException(String problem, String fix) {
        this(problem + ". Fix: " + fix, false, null);
    }

    private EtcdException(String message, boolean unavailable, Throwable cause) {
        super(message, cause);
        this.unavailable = unavailable;
    }

    static EtcdException unavailable(String what, String why, List<String> endpoints, Throwable cause) {
        return new EtcdException("etcd at " + String.join(",", endpoints) + " did not " + what + " (" + why
                + "). Fix: check that a majority of the etcd members run and are reachable (`graphagent doctor --etcd`,"
                + " `etcdctl endpoint health`)", true, cause);
    }

    /** Whether etcd did not answer (rather than refusing). */
    public boolean unavailable() {
        return unavailable;
    }
}
