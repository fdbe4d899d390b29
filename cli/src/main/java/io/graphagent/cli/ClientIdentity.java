package io.graphagent.cli;

import io.graphagent.net.certs.ClusterCertificates;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * The identity of the client commands ({@code submit}, {@code status}): {@code client.pem} and
 * {@code client-key.pem}, CN=client,OU=client, issued by the cluster CA beside the coordinator's and
 * agents' certificates. The coordinator requires a client certificate on every connection, and
 * a separate identity keeps a user's tools from posing as an agent (an agent's id is its CN).
 */
final class ClientIdentity {
    /** File stem and subject CN of the client certificate. */
    static final String NAME = ClusterCertificates.CLIENT;

    private ClientIdentity() {
    }

    /**
     * Issues client.pem / client-key.pem in a directory made by {@link ClusterCertificates#init},
     * signed by its ca-key.pem, valid as long as the others.
     */
    static void issue(Path certsDir, List<String> hosts, Instant notAfter, Instant now) throws IOException {
        ClusterCertificates.issueClient(certsDir, hosts, notAfter, now);
    }
}
