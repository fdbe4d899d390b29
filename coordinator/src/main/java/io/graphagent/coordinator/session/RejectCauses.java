package io.graphagent.coordinator.session;

import io.graphagent.net.cause.DisconnectCause;
import io.graphagent.protocol.v1.RejectReason;

/**
 * The {@link DisconnectCause} a Reject stands for, so a refused Hello is logged and counted in
 * the same vocabulary as a failed handshake. (The agent's session client maps the same way.)
 */
final class RejectCauses {

    private RejectCauses() {
    }

    static DisconnectCause of(RejectReason reason) {
        return switch (reason) {
            case VERSION_UNSUPPORTED -> DisconnectCause.PROTOCOL_VERSION_UNSUPPORTED;
            case IDENTITY_REFUSED -> DisconnectCause.IDENTITY_REFUSED;
            case DUPLICATE_AGENT -> DisconnectCause.DUPLICATE_AGENT;
            case CLUSTER_MISMATCH -> DisconnectCause.CLUSTER_MISMATCH;
            case FENCED -> DisconnectCause.FENCED;
            case SHUTTING_DOWN -> DisconnectCause.PEER_CLOSED;
            case HELLO_TIMEOUT -> DisconnectCause.DEADLINE_EXCEEDED;
            case HELLO_EXPECTED, INVALID_HELLO, REJECT_REASON_UNSPECIFIED, UNRECOGNIZED -> DisconnectCause.UNKNOWN;
        };
    }
}
