package io.graphagent.agent.session;

import io.graphagent.config.GraphagentConfig;
import io.graphagent.net.tls.TlsFilesException;
import io.graphagent.net.tls.TransportSecurity;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * The id an agent says Hello with: {@code agent.id} when set; else, with TLS, the CN of its
 * certificate (the identity the coordinator checks the id against); else the host name.
 * Stateless.
 */
public final class AgentIdentity {

    private AgentIdentity() {
    }

    /**
     * @throws TlsFilesException if the id must come from the certificate and it cannot be read
     * @throws IllegalArgumentException if TLS comes from a prebuilt context and agent.id is empty
     */
    public static String resolve(GraphagentConfig config, TransportSecurity security) throws TlsFilesException {
        if (!config.agent().id().isEmpty()) {
            return config.agent().id();
        }
        return switch (security) {
            case TransportSecurity.Tls tls -> {
                X509Certificate leaf = tls.files().load().identity().certificate();
                yield commonName(leaf.getSubjectX500Principal().getName()).orElseThrow(() ->
                        new IllegalArgumentException("certificate " + tls.files().cert() + " has no subject CN to take the"
                                + " agent id from: set agent.id, or use a certificate from `graphagent certs init`"));
            }
            case TransportSecurity.Prebuilt prebuilt -> throw new IllegalArgumentException(
                    "agent.id is empty and the TLS identity is not readable from files: set agent.id");
            case TransportSecurity.Insecure insecure -> hostName();
        };
    }

    /** The CN attribute of an RFC 2253 distinguished name. */
    static Optional<String> commonName(String distinguishedName) {
        try {
            for (Rdn rdn : new LdapName(distinguishedName).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    return Optional.of(String.valueOf(rdn.getValue()));
                }
            }
        } catch (InvalidNameException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    private static String hostName() {
        try {
            String name = InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9._-]", "-");
            return name.isEmpty() ? "agent" : name;
        } catch (UnknownHostException e) {
            return "agent";
        }
    }
}
