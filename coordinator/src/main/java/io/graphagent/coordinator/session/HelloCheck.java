package io.graphagent.coordinator.session;

import io.graphagent.net.certs.CertificateRole;
import io.graphagent.net.tls.HostAndPort;
import io.graphagent.protocol.Rejections;
import io.graphagent.protocol.VersionNegotiation;
import io.graphagent.protocol.v1.Hello;
import io.graphagent.protocol.v1.Reject;
import io.graphagent.protocol.v1.RejectReason;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The checks a Hello passes before membership sees it, in this order: protocol version (a
 * newer protocol may mean the other fields differently), the fields themselves, the cluster id,
 * and the identity (the certificate must be an agent's, {@link RoleCheck}, and the agent id must
 * equal the CN of the TLS client certificate). Each
 * refusal's message names what is wrong and the fix. Immutable and thread-safe.
 */
final class HelloCheck {

    /** Agent ids as config check accepts them. */
    private static final Pattern AGENT_ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");

    /** The outcome: the agent id and version of the session, or a Reject. */
    sealed interface Verdict {
    }

    record Accepted(String agentId, int version) implements Verdict {
    }

    record Refused(Reject reject) implements Verdict {
    }

    private final String clusterId;
    private final int protocolMin;
    private final int protocolMax;

    HelloCheck(String clusterId, int protocolMin, int protocolMax) {
        this.clusterId = clusterId;
        this.protocolMin = protocolMin;
        this.protocolMax = protocolMax;
    }

    Verdict check(Hello hello, TransportPeer peer) {
        VersionNegotiation.Outcome outcome = VersionNegotiation.choose(hello.getProtocolMin(), hello.getProtocolMax(),
                protocolMin, protocolMax);
        if (outcome instanceof VersionNegotiation.Refused refused) {
            return new Refused(refused.toReject());
        }
        int version = ((VersionNegotiation.Agreed) outcome).version();
        String agentId = hello.getAgentId();
        if (!AGENT_ID.matcher(agentId).matches()) {
            return refuse(RejectReason.INVALID_HELLO, agentId.isEmpty()
                    ? "Hello.agent_id is empty: set agent.id in the agent's config, or give it a certificate whose CN names it"
                    : "Hello.agent_id '" + agentId + "' is not 1-128 letters, digits, '.', '_' or '-': set a valid agent.id");
        }
        Optional<String> badAddress = badDataAddress(hello.getDataAddress());
        if (badAddress.isPresent()) {
            return refuse(RejectReason.INVALID_HELLO, badAddress.get());
        }
        if (!clusterId.equals(hello.getClusterId())) {
            return refuse(RejectReason.CLUSTER_MISMATCH, "agent " + agentId + " belongs to cluster '" + hello.getClusterId()
                    + "' but this coordinator runs cluster '" + clusterId + "': point the agent at its own coordinator,"
                    + " or set cluster.id: " + clusterId + " in the agent's config");
        }
        Optional<String> wrongRole = RoleCheck.refusal(peer, CertificateRole.AGENT, "open an agent session",
                "start the agent with its own agent certificate (--certs DIR --name agent-N picks agent-N.pem), reissued"
                        + " with `graphagent certs init` if it carries no role");
        if (wrongRole.isPresent()) {
            return refuse(RejectReason.IDENTITY_REFUSED, "agent " + agentId + " refused: " + wrongRole.get());
        }
        if (peer.tls()) {
            Optional<String> cn = peer.certificateCn();
            if (cn.isEmpty()) {
                return refuse(RejectReason.IDENTITY_REFUSED, "agent " + agentId + " presented a certificate without a"
                        + " subject CN: issue it with `graphagent certs init`, which names each agent (CN=agent-N)");
            }
            if (!cn.get().equals(agentId)) {
                return refuse(RejectReason.IDENTITY_REFUSED, "agent id '" + agentId + "' does not match its certificate"
                        + " subject CN=" + cn.get() + ": start the agent with agent.id " + cn.get()
                        + " (or leave agent.id empty to use the certificate's), or give it the certificate of " + agentId);
            }
        }
        return new Accepted(agentId, version);
    }

    private static Optional<String> badDataAddress(String address) {
        String fix = ": the agent must advertise where peers reach its data plane (agent.data-advertise, or agent.data-listen"
                + " with a concrete port)";
        if (address.isEmpty()) {
            return Optional.of("Hello.data_address is empty" + fix);
        }
        try {
            HostAndPort parsed = HostAndPort.parse(address);
            if (parsed.port() == 0) {
                return Optional.of("Hello.data_address '" + address + "' has port 0" + fix);
            }
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of("Hello.data_address " + e.getMessage() + fix);
        }
    }

    private static Refused refuse(RejectReason reason, String message) {
        return new Refused(Rejections.reject(reason, message));
    }
}
