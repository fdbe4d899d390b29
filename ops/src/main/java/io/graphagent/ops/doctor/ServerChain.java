package io.graphagent.ops.doctor;

import io.graphagent.net.certs.PemFiles;
import io.graphagent.net.tls.CertificateChains;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** Reads a certificate chain as a server sent it: order, link to our CA, validity. Stateless. */
final class ServerChain {

    private ServerChain() {
    }


    /** Whether the chain, taken in any order, links its leaf to one of the anchors. */
    static boolean reaches(List<X509Certificate> chain, Collection<X509Certificate> anchors) {
        return !CertificateChains.pathToAnchor(CertificateChains.withLeafFirst(chain, CertificateChains.leafOf(chain)), anchors)
                .isEmpty();
    }

    /** The top of the chain: the certificate whose issuer the chain does not contain. */
    static X509Certificate top(List<X509Certificate> chain) {
        X509Certificate current = CertificateChains.leafOf(chain);
        for (int depth = 0; depth <= chain.size(); depth++) {
            X509Certificate parent = null;
            for (X509Certificate c : chain) {
                if (c != current && CertificateChains.issuedBy(current, c)) {
                    parent = c;
                }
            }
            if (parent == null) {
                return current;
            }
            current = parent;
        }
        return current;
    }

    /**
     * A PEM file next to our CA file holding the CA certificate that issued {@code top} and is
     * itself issued by one of the anchors: the intermediate the server should have sent.
     */
    static Optional<Path> missingIntermediateNear(Path caFile, X509Certificate top, Collection<X509Certificate> anchors) {
        Path dir = caFile.toAbsolutePath().getParent();
        if (dir == null) {
            return Optional.empty();
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.pem")) {
            for (Path file : files) {
                try {
                    for (X509Certificate c : PemFiles.readCertificates(file)) {
                        if (c.getBasicConstraints() >= 0 && CertificateChains.issuedBy(top, c)
                                && anchors.stream().anyMatch(a -> !a.equals(c) && CertificateChains.issuedBy(c, a))) {
                            return Optional.of(file);
                        }
                    }
                } catch (IOException | RuntimeException notCertificates) {
                    // keys and other files: not what we look for
                }
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }



    /** A duration in whole days, hours or minutes, whichever reads best. */
    static String human(Duration d) {
        Duration abs = d.abs();
        if (abs.toDays() >= 2) {
            return abs.toDays() + " days";
        }
        if (abs.toHours() >= 2) {
            return abs.toHours() + " h";
        }
        if (abs.toMinutes() >= 1) {
            return abs.toMinutes() + " min";
        }
        return abs.toSeconds() + " s";
    }

    static Instant notBefore(X509Certificate c) {
        return c.getNotBefore().toInstant();
    }

    static Instant notAfter(X509Certificate c) {
        return c.getNotAfter().toInstant();
    }
}
