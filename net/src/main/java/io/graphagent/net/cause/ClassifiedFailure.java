package io.graphagent.net.cause;

/**
 * Implemented by exceptions that already know their {@link DisconnectCause};
 * {@link FailureClassifier} trusts such an exception anywhere in a cause chain above any
 * guess from messages.
 */
public interface ClassifiedFailure {

    /** The cause this failure stands for. */
    DisconnectCause disconnectCause();
}
