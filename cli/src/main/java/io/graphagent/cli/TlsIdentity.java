package io.graphagent.cli;

import io.graphagent.config.TlsConfig;
import io.graphagent.net.certs.ClusterCertificates;
import io.graphagent.net.tls.TlsFiles;
import io.graphagent.net.tls.TlsFilesException;
import io.graphagent.net.tls.TransportSecurity;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Turns the {@code tls} section into the {@link TransportSecurity} of one process: the files
 * of identity {@code name} ({@code coordinator}, {@code agent-N}, {@code client}) from the
 * certificate directory, each replaced by an explicit {@code tls.ca/cert/key}, checked as a
 * handshake would check them before anything listens or dials. Plaintext only when TLS is
 * disabled; the servers and channels built on it log that as a warning.
 */
final class TlsIdentity {
    private TlsIdentity() {
    }

    /**
     * @param name the identity whose NAME.pem / NAME-key.pem to take from the certificate directory
     * @param role the process, for messages ("coordinator", "agent", "client")
     * @throws BadInputException when TLS is on and no certificates are configured
     * @throws TlsFilesException when the files would fail a handshake (exit 2, naming the file)
     */
    static TransportSecurity security(TlsConfig tls, String name, String role) throws TlsFilesException {
        if (!tls.enabled()) {
            return TransportSecurity.insecure();
        }
        TlsFiles files = files(tls, name).orElseThrow(() -> new BadInputException(
                "no TLS certificates for the " + role + " (" + name + ")",
                "pass --certs DIR (made by 'graphagent certs init'), or --ca, --cert and --key; --insecure for plaintext"));
        files.validate();
        return TransportSecurity.tls(files);
    }

    /** The three files of {@code name}, or empty when some of them is configured nowhere. */
    static Optional<TlsFiles> files(TlsConfig tls, String name) {
        Optional<Path> dir = tls.certsDir();
        Optional<Path> ca = tls.ca().or(() -> dir.map(d -> d.resolve(ClusterCertificates.CA_CERT)));
        Optional<Path> cert = tls.cert().or(() -> dir.map(d -> d.resolve(ClusterCertificates.certFile(name))));
        Optional<Path> key = tls.key().or(() -> dir.map(d -> d.resolve(ClusterCertificates.keyFile(name))));
        if (ca.isEmpty() || cert.isEmpty() || key.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new TlsFiles(ca.get(), cert.get(), key.get()));
    }
}
