package io.graphagent.agent.session;

import io.graphagent.protocol.v1.Report;

/**
 * The agent's side of its session as the job layer sees it: where reports go. Implemented
 * by the session client; thread-safe.
 */
public interface CoordinatorLink {

    String agentId();

    /** The current session epoch (stamped on every report). */
    long epoch();

    /**
     * Sends a report on the session stream, stamped with the current epoch.
     *
     * @return false when there is no open session (the report is dropped; the coordinator will re-ask)
     */
    boolean report(Report report);

    /** host:port of the coordinator this session is with (or was last), for calls beside the session. */
    String coordinatorAddress();
}
