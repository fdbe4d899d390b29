package io.graphagent.coordinator.session;

import io.graphagent.net.certs.CertificateRole;
import java.util.Optional;

/**
 * Who may do what, by the role of the TLS client certificate ({@link CertificateRole}): only
 * an agent certificate opens a session, only a client certificate submits or cancels a job.
 * Reading (status, watching a job, doctor's probes) is open to every certificate of the
 * cluster, so that {@code doctor} runs with an agent's own files. Without TLS ({@code --insecure})
 * there is no certificate and nothing to check. Stateless.
 */
final class RoleCheck {
    private RoleCheck() {
    }

    /**
     * Why {@code peer} may not {@code what} (e.g. "open an agent session") with its certificate
     * when {@code required} is the role that may; empty when it may. Names the certificate,
     * both roles and the fix.
     */
    static Optional<String> refusal(TransportPeer peer, CertificateRole required, String what, String fix) {
        if (!peer.tls()) {
            return Optional.empty();
        }
        Optional<CertificateRole> role = peer.role();
        if (role.equals(Optional.of(required))) {
            return Optional.empty();
        }
        return Optional.of("the certificate " + peer.subject().orElse("(none)") + " is " + CertificateRole.describe(role)
                + ", but only " + CertificateRole.describe(Optional.of(required)) + " may " + what + ": " + fix);
    }
}
