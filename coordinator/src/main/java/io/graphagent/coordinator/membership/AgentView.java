package io.graphagent.coordinator.membership;

import io.graphagent.protocol.SessionEpoch;

/**
 * What the job layer needs to know of one live agent.
 *
 * @param agentId the agent's identity (its certificate subject CN, or its configured id when insecure)
 * @param epoch the session epoch; commands carry it and reports from other epochs are refused
 * @param dataAddress host:port of the agent's data-plane server, where peers send message batches
 * @param cores processors the agent reported in Hello
 * @param protocolVersion the protocol version negotiated for the session
 */
public record AgentView(String agentId, SessionEpoch epoch, String dataAddress, int cores, int protocolVersion) {
}
