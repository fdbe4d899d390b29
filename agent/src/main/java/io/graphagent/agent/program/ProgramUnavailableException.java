package io.graphagent.agent.program;

/** A job's user program cannot be had on this agent: its jar cannot be fetched, or its class not loaded. */
public final class ProgramUnavailableException extends Exception {
    private static final long serialVersionUID = 1L;

    public ProgramUnavailableException(String message) {
        super(message);
    }
}
