package io.graphagent.ops.doctor;

import io.graphagent.net.cause.DisconnectCause;
import io.graphagent.net.certs.CertificateRole;
import io.graphagent.net.tls.CertificateChains;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/**
 * The {@code cert-role} check: what our certificate may do on the cluster by its role
 * ({@link CertificateRole}, the subject's OU), and whether the server is a coordinator by its
 * own. The coordinator opens sessions only for agent certificates and takes jobs only from
 * client certificates: a mismatch is named here before an agent exits 3 or a submit is refused.
 */
final class CertificateRoles {

    static final String NAME = "cert-role";

    private CertificateRoles() {
    }

    static CheckResult check(X509Certificate ours, List<X509Certificate> serverChain) {
        Optional<CertificateRole> role = CertificateRole.of(ours);
        String mine = "local " + CertificateChains.subject(ours) + " is " + CertificateRole.describe(role);
        if (!serverChain.isEmpty()) {
            X509Certificate server = serverChain.get(0);
            Optional<CertificateRole> serverRole = CertificateRole.of(server);
            if (serverRole.isPresent() && serverRole.get() != CertificateRole.COORDINATOR) {
                return CheckResult.fail(NAME, DisconnectCause.IDENTITY_REFUSED, "the server presents "
                        + CertificateChains.subject(server) + ", " + CertificateRole.describe(serverRole)
                        + ", not the coordinator's: the address reaches another node, or one posing as the coordinator; "
                        + mine);
            }
        }
        if (role.isEmpty()) {
            return CheckResult.fail(NAME, mine + ": the coordinator refuses it for agent sessions and for jobs",
                    "reissue the certificates with `graphagent certs init` (each carries its role as OU=agent, OU=client or"
                            + " OU=coordinator), or give your own CA's certificates that OU");
        }
        return switch (role.get()) {
            case CLIENT -> CheckResult.pass(NAME, mine + ": may submit and cancel jobs and read status; an agent started"
                    + " with it is refused");
            case AGENT -> CheckResult.pass(NAME, mine + ": may join as an agent and read status; a submit or cancel"
                    + " with it is refused");
            case COORDINATOR -> CheckResult.warn(NAME, mine + ": the coordinator's own, refused for agent sessions and"
                    + " for jobs", "run agents with their agent-N.pem and clients with client.pem");
        };
    }
}
