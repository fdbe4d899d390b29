package io.graphagent.coordinator.job;

/** A participant was lost (DEAD, LEFT, unreachable): the job rolls back rather than fails. */
final class AgentLostException extends JobFailedException {
    private static final long serialVersionUID = 1L;

    final String agent;

    AgentLostException(String agent, String cause, String message) {
        super(cause, message);
        this.agent = agent;
    }
}
