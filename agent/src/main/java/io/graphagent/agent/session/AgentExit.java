package io.graphagent.agent.session;

import io.graphagent.net.cause.DisconnectCause;
import java.util.Objects;
import java.util.Optional;

/**
 * How an agent's session client ended, as the process should exit: a code and one line
 * that names the cause and the fix.
 *
 * <p>Exit codes (the same as the CLI's): {@value #STOPPED} stopped on request (SIGTERM, after a
 * Goodbye); {@value #GAVE_UP} failed while running (reconnect attempts used up); {@value #IN_USE} the work
 * directory is held by another agent of the same id; {@value #REFUSED}
 * refused, and retrying cannot help (protocol version, identity, cluster, certificate).
 *
 * @param code      the process exit code
 * @param cause     the cause, empty for a requested stop
 * @param diagnosis one line for the operator: what happened and what to change
 */
public record AgentExit(int code, Optional<DisconnectCause> cause, String diagnosis) {

    /** Stopped on request. */
    public static final int STOPPED = 0;
    /** Gave up reconnecting after session.reconnect.max-attempts. */
    public static final int GAVE_UP = 1;
    /**
     * Not started: another agent process of the same id holds this work directory (its session
     * ticket would be shared and the two would take the session from each other).
     */
    public static final int IN_USE = 2;
    /** Refused by the coordinator or its TLS; not retried. */
    public static final int REFUSED = 3;

    public AgentExit {
        Objects.requireNonNull(cause, "cause");
        Objects.requireNonNull(diagnosis, "diagnosis");
        if (diagnosis.contains("\n")) {
            throw new IllegalArgumentException("a diagnosis is one line: " + diagnosis);
        }
    }

    static AgentExit stopped(String why) {
        return new AgentExit(STOPPED, Optional.empty(), "stopped: " + why);
    }

    /** Refused in a way retrying cannot fix: {@code what} on one line after the cause's label. */
    static AgentExit refused(DisconnectCause cause, String what) {
        return new AgentExit(REFUSED, Optional.of(cause), cause.label() + ": " + oneLine(what));
    }

    /**
     * Gave up after {@code failures} failed attempts to reach the coordinators {@code where}; the
     * last {@code cause} with its {@code detail} and fix.
     */
    static AgentExit gaveUp(DisconnectCause cause, int failures, String where, String detail) {
        return new AgentExit(GAVE_UP, Optional.of(cause), "gave up after " + failures
                + " failed attempts to reach the coordinator at " + where + " (session.reconnect.max-attempts); last cause "
                + cause.label() + ": " + oneLine(detail) + ". Fix: " + cause.explanation());
    }

    /** The job layer can no longer serve ({@code why}, with its fix): the agent exits for its supervisor to start it afresh. */
    static AgentExit broken(String why) {
        return new AgentExit(GAVE_UP, Optional.empty(), "broken: " + oneLine(why));
    }

    /** {@code text} on one line, quotes made single, for a log value or an exit message. */
    private static String oneLine(String text) {
        return text == null ? "" : text.replaceAll("\\s+", " ").replace('"', '\'').trim();
    }
}
