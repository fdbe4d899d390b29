package io.graphagent.net.certs;

import java.security.cert.X509Certificate;
import java.util.Locale;
import java.util.Optional;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * What a certificate of the cluster is for, as {@code graphagent certs init} writes it: the
 * subject's organizational unit, {@code OU=agent}, {@code OU=coordinator} or {@code OU=client}
 * (e.g. {@code CN=agent-2,OU=agent,O=graphagent}). The coordinator opens sessions only for
 * agent certificates and takes jobs only from client certificates, so a user's
 * {@code client.pem} cannot join as an agent and an agent's key cannot submit jobs. A
 * certificate from another CA must carry the OU of its role too. Immutable.
 */
public enum CertificateRole {
    /** A graph agent: opens a session, serves the peer data plane. */
    AGENT,
    /** The coordinator: serves sessions and client calls. */
    COORDINATOR,
    /** A user's tools ({@code submit}, {@code status}, {@code doctor}): submits and cancels jobs. */
    CLIENT;

    /** The OU value that names this role, e.g. {@code agent}. */
    public String ou() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The role in a certificate's subject; empty when it names none (an older or foreign certificate). */
    public static Optional<CertificateRole> of(X509Certificate certificate) {
        return ofSubject(certificate.getSubjectX500Principal().getName());
    }

    /** The role named by the OU of an RFC 2253 distinguished name, if any. */
    public static Optional<CertificateRole> ofSubject(String distinguishedName) {
        try {
            for (Rdn rdn : new LdapName(distinguishedName).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("OU")) {
                    String ou = String.valueOf(rdn.getValue());
                    for (CertificateRole role : values()) {
                        if (role.ou().equalsIgnoreCase(ou)) {
                            return Optional.of(role);
                        }
                    }
                }
            }
        } catch (InvalidNameException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    /** How a message names a certificate's role: "an agent certificate (OU=agent)", or "no role". */
    public static String describe(Optional<CertificateRole> role) {
        return role.map(r -> (r == AGENT ? "an " : "a ") + r.ou() + " certificate (OU=" + r.ou() + ")")
                .orElse("a certificate with no graphagent role (no OU=agent, OU=coordinator or OU=client)");
    }
}
