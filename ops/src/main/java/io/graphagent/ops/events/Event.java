package io.graphagent.ops.events;

import java.util.Objects;

/**
 * One line of the event log.
 *
 * @param seq    position in this process's log, from 1; {@code /api/events?since=SEQ} follows it
 * @param time   ISO-8601 UTC instant
 * @param kind   {@code agent_state}, {@code job_state} or {@code connection_failure}
 * @param agent  the agent concerned, or empty (job events)
 * @param cause  a {@code DisconnectCause} label or a lifecycle word ({@code hello}, {@code goodbye}, a job state)
 * @param detail one human-readable sentence
 */
public record Event(long seq, String time, String kind, String agent, String cause, String detail) {
    public Event {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(agent, "agent");
        Objects.requireNonNull(cause, "cause");
        Objects.requireNonNull(detail, "detail");
    }
}
