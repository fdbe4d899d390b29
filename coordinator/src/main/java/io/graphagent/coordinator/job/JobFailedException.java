package io.graphagent.coordinator.job;

/**
 * Ends the current phase of a job: the job fails with {@link #cause} (a job word such as
 * {@code phase_timeout} or {@code cancelled}, or a {@code DisconnectCause} label) and the
 * message, unless it is an {@link AgentLostException}, which the job recovers from.
 */
class JobFailedException extends Exception {
    private static final long serialVersionUID = 1L;

    /** The cause of a job's end when the driver thread is interrupted: the coordinator stops. */
    static final String SHUTTING_DOWN = "interrupted";
    /** The cause of a job the user cancelled. */
    static final String CANCELLED = "cancelled";

    final String cause;

    JobFailedException(String cause, String message) {
        super(message);
        this.cause = cause;
    }

    /** Whether the coordinator is stopping: the job is suspended, neither failed nor finished. */
    boolean shuttingDown() {
        return cause.equals(SHUTTING_DOWN);
    }
}
