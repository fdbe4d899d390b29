package io.graphagent.coordinator.membership;

import io.graphagent.net.cause.DisconnectCause;

/**
 * The causes of membership transitions that are not connection failures (those are
 * {@link DisconnectCause}s): the same label in the {@code event=agent_state} line, in what
 * {@link AgentDirectory.MembershipListener}s are told, and in status.
 */
public enum LifecycleCause {
    /** A Hello opened a new session: JOINING. */
    HELLO("hello"),
    /** The first heartbeat of a session: ALIVE. */
    FIRST_HEARTBEAT("first_heartbeat"),
    /** No heartbeat for longer than suspect-after: SUSPECT. */
    HEARTBEAT_LATE("heartbeat_late"),
    /** A heartbeat again after SUSPECT: ALIVE. */
    HEARTBEAT_RESUMED("heartbeat_resumed"),
    /** A Hello resumed the session within its lease: ALIVE, partitions kept, the last command sent again. */
    RESUMED("resumed"),
    /** A Hello without the id of the live session: the agent restarted and lost its state, DEAD. */
    AGENT_RESTARTED("agent_restarted"),
    /** The agent said Goodbye: LEFT. */
    GOODBYE("goodbye"),
    /** A new leader (etcd store) took over the session from the previous one: SUSPECT until the agent resumes it. */
    LEADER_CHANGED("leader_changed");

    private final String label;

    LifecycleCause(String label) {
        this.label = label;
    }

    /** The word in logs and events, e.g. {@code first_heartbeat}. */
    public String label() {
        return label;
    }

    /** Whether a transition's cause (a label) is this one. */
    public boolean is(String cause) {
        return label.equals(cause);
    }
}
