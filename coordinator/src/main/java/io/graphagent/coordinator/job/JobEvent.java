package io.graphagent.coordinator.job;

import io.graphagent.protocol.v1.AgentState;
import io.graphagent.protocol.v1.Report;

/** What reaches a running job from other threads: reports, membership news, a cancel. */
sealed interface JobEvent {

    /** A report from an agent whose session epoch matched (membership fenced any other). */
    record Reported(String agentId, Report report) implements JobEvent {
    }

    /** An agent changed state; {@code cause} is a DisconnectCause label or a lifecycle word. */
    record AgentChanged(String agentId, AgentState to, String cause) implements JobEvent {
    }

    /** The user asked to cancel the job: wakes the driver, which then sees the cancel. */
    record CancelRequested() implements JobEvent {
    }
}
