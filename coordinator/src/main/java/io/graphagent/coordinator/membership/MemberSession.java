package io.graphagent.coordinator.membership;

import io.graphagent.protocol.SessionEpoch;
import java.util.Objects;

/**
 * One admitted session on one stream: what the session layer hands back to {@link Membership}
 * with each heartbeat, report, goodbye or end of stream, so that membership can tell the
 * current stream of an agent from a superseded one. Immutable.
 *
 * @param agentId    the agent
 * @param sessionId  the session id given in Welcome
 * @param epoch      the session epoch given in Welcome
 * @param resumed    whether the Hello resumed an existing session
 * @param connection the stream the session was admitted on
 */
public record MemberSession(String agentId, String sessionId, SessionEpoch epoch, boolean resumed, AgentConnection connection) {

    public MemberSession {
        Objects.requireNonNull(agentId, "agentId");
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(epoch, "epoch");
        Objects.requireNonNull(connection, "connection");
    }
}
