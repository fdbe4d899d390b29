package io.graphagent.agent.job;

/** A peer did not take or send this superstep's batches (or a rollback superseded the exchange). */
final class ExchangeFailedException extends Exception {
    /** The peer's agent id, a comma-separated list of them, or a placeholder such as "(none)". */
    final String peer;

    ExchangeFailedException(String peer, Throwable cause) {
        super("exchange with peer " + peer + " failed: " + cause.getMessage(), cause);
        this.peer = peer;
    }
}
