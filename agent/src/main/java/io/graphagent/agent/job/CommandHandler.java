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

    /** Partitions this agent still holds per job, for Hello when resuming. */
    java.util.Map<String, java.util.List<Integer>> heldPartitions();

    /**
     * Handles a command from the coordinator. Must not block the session's threads for long:
     * long work runs on the handler's own threads and answers through {@code link}.
     */
    void onCommand(Command command, CoordinatorLink link);

    /** The session was fenced (declared DEAD and refused): drop every job's state. */
    void onFenced(String reason);

    @Override
    void close();
}
