package io.graphagent.coordinator.etcd;

import io.graphagent.net.cause.DisconnectCause;
import io.graphagent.net.cause.FailureClassifier;
import java.util.List;

/**
 * An etcd call failed or could not be made: the message is one line naming what was tried,
 * what went wrong and the fix. {@link #unavailable()} tells a cluster that did not answer
 * (no quorum, unreachable) from a refusal; {@link #disconnectCause()} names a failed connection
 * in the project's one vocabulary of causes (a refused or untrusted certificate, plaintext to a
 * TLS port...), so a TLS mistake reads as such and not as a lost quorum.
 */
public final class EtcdException extends Exception {
    private static final long serialVersionUID = 1L;

    private final boolean unavailable;
    private final DisconnectCause disconnectCause;

    public EtcdException(String problem, String fix) {
        this(problem + ". Fix: " + fix, false, DisconnectCause.UNKNOWN, null);
    }

    private EtcdException(String message, boolean unavailable, DisconnectCause disconnectCause, Throwable cause) {
        super(message, cause);
        this.unavailable = unavailable;
        this.disconnectCause = disconnectCause;
    }

    /**
     * A call that got no answer. A failure that the classifier finds to be one that no retry
     * mends (a TLS refusal) is not "unavailable": its message names the cause and its fix instead
     * of etcd's quorum.
     */
    static EtcdException unavailable(String what, String why, List<String> endpoints, Throwable cause) {
        FailureClassifier.Classification c = cause == null ? new FailureClassifier.Classification(DisconnectCause.UNKNOWN, why)
                : FailureClassifier.explain(cause, FailureClassifier.Side.CLIENT);
        String at = "etcd at " + String.join(",", endpoints) + " did not " + what;
        if (!c.cause().retryable()) {
            return new EtcdException(at + " (cause=" + c.cause().label() + ": " + c.detail() + "). Fix: "
                    + c.cause().explanation() + " (etcd's --trusted-ca-file must have signed coordinator.etcd.cert, and"
                    + " coordinator.etcd.ca must have signed etcd's --cert-file)", false, c.cause(), cause);
        }
        String label = c.cause() == DisconnectCause.UNKNOWN ? "" : "cause=" + c.cause().label() + ": ";
        return new EtcdException(at + " (" + label + why
                + "). Fix: check that a majority of the etcd members run and are reachable (`graphagent doctor --etcd`,"
                + " `etcdctl endpoint health`)", true, c.cause(), cause);
    }

    /** Whether etcd did not answer (rather than refusing). */
    public boolean unavailable() {
        return unavailable;
    }

    /** What ended the connection, {@link DisconnectCause#UNKNOWN} when nothing says (a timeout, a refused request). */
    public DisconnectCause disconnectCause() {
        return disconnectCause;
    }
}
