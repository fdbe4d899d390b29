package io.graphagent.ops.doctor;

import io.graphagent.net.certs.PemFiles;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
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

    static boolean issuedBy(X509Certificate child, X509Certificate issuer) {
        if (!child.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())) {
            return false;
        }
        try {
            child.verify(issuer.getPublicKey());
            return true;
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    /** Whether each certificate is issued by the next one, as TLS requires. */
    static boolean inOrder(List<X509Certificate> chain) {
        for (int i = 0; i + 1 < chain.size(); i++) {
            if (!issuedBy(chain.get(i), chain.get(i + 1))) {
                return false;
            }
        }
        return true;
    }

    /** The certificate that issued none of the others. */
    static X509Certificate leaf(List<X509Certificate> chain) {
        for (X509Certificate candidate : chain) {
            if (chain.stream().noneMatch(other -> other != candidate && issuedBy(other, candidate))) {
                return candidate;
            }
        }
        return chain.get(0);
    }

    /** Whether the chain, taken in any order, links its leaf to one of the anchors. */
    static boolean reaches(List<X509Certificate> chain, Collection<X509Certificate> anchors) {
        X509Certificate current = leaf(chain);
        for (int depth = 0; depth <= chain.size(); depth++) {
            for (X509Certificate anchor : anchors) {
                if (anchor.equals(current) || issuedBy(current, anchor)) {
                    return true;
                }
            }
            X509Certificate parent = null;
            for (X509Certificate c : chain) {
                if (c != current && issuedBy(current, c)) {
                    parent = c;
                }
            }
            if (parent == null) {
                return false;
            }
            current = parent;
        }
        return false;
    }

    /** The top of the chain: the certificate whose issuer the chain does not contain. */
    static X509Certificate top(List<X509Certificate> chain) {
        X509Certificate current = leaf(chain);
        for (int depth = 0; depth <= chain.size(); depth++) {
            X509Certificate parent = null;
            for (X509Certificate c : chain) {
                if (c != current && issuedBy(current, c)) {
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
                        if (c.getBasicConstraints() >= 0 && issuedBy(top, c)
                                && anchors.stream().anyMatch(a -> !a.equals(c) && issuedBy(c, a))) {
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

    static String subject(X509Certificate c) {
        return c.getSubjectX500Principal().getName();
    }

    static String issuer(X509Certificate c) {
        return c.getIssuerX500Principal().getName();
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
