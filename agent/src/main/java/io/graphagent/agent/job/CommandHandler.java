package io.graphagent.agent.job;

import io.graphagent.agent.session.CoordinatorLink;
import io.graphagent.protocol.v1.Command;

/**
 * The job layer of an agent as the session client sees it: it runs commands and owns the
 * data-plane server whose address goes into Hello. Implemented by the job executor.
 */
public interface CommandHandler extends AutoCloseable {

    /** host:port of this agent's data-plane server, as peers should dial it. */
    String dataAddress();

    /** Partitions this agent still holds per batch job, for Hello when resuming. */
    java.util.Map<String, java.util.List<Integer>> heldPartitions();

    /**
     * The resident graphs this agent holds (job id {@code graph-NAME}, partitions, generation,
     * bytes), for every Hello: a restarted coordinator takes them back from these.
     */
    default java.util.List<io.graphagent.protocol.v1.HeldPartitions> heldResidents() {
        return java.util.List.of();
    }

    /**
     * Handles a command from the coordinator. Must not block the session's threads for long:
     * long work runs on the handler's own threads and answers through {@code link}.
     */
    void onCommand(Command command, CoordinatorLink link);

    /**
     * The session was fenced (declared DEAD and refused, or a restarted coordinator did not know
     * it): drop every job's state. Resident graphs stay; the next Hello reports them.
     */
    void onFenced(String reason);

    /**
     * Why this job layer can no longer serve, for good (its data plane's network threads died:
     * peers cannot reach it), or empty. The session client asks every second and ends the agent
     * with the reason, so that its supervisor starts it afresh. Thread-safe.
     */
    default java.util.Optional<String> broken() {
        return java.util.Optional.empty();
    }

    @Override
    void close();
}
