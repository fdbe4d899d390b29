package io.graphagent.net.tls;

import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** Chain arithmetic shared by file validation and the trust manager. Stateless. */
final class CertificateChains {

    private static final int MAX_DEPTH = 10;

    private CertificateChains() {
    }

    /** Whether {@code issuer} names and signed {@code child}. */
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

    /**
     * The path from {@code chain.get(0)} to one of {@code anchors}, using the other chain
     * certificates in any order; the anchor is the last element. Empty if there is none.
     */
    static List<X509Certificate> pathToAnchor(List<X509Certificate> chain, Collection<X509Certificate> anchors) {
        List<X509Certificate> path = new ArrayList<>();
        X509Certificate current = chain.get(0);
        path.add(current);
        for (int depth = 0; depth < MAX_DEPTH; depth++) {
            for (X509Certificate anchor : anchors) {
                if (anchor.equals(current) || issuedBy(current, anchor)) {
                    if (!anchor.equals(current)) {
                        path.add(anchor);
                    }
                    return path;
                }
            }
            X509Certificate next = null;
            for (X509Certificate candidate : chain) {
                if (!path.contains(candidate) && issuedBy(current, candidate)) {
                    next = candidate;
                    break;
                }
            }
            if (next == null) {
                return List.of();
            }
            path.add(next);
            current = next;
        }
        return List.of();
    }

    /** Whether each certificate is issued by the one after it (the order TLS requires). */
    static boolean inOrder(List<X509Certificate> chain) {
        for (int i = 0; i + 1 < chain.size(); i++) {
            if (!issuedBy(chain.get(i), chain.get(i + 1))) {
                return false;
            }
        }
        return true;
    }

    /** Whether the certificate is a CA certificate (basic constraints cA=true). */
    static boolean isCa(X509Certificate certificate) {
        return certificate.getBasicConstraints() >= 0;
    }

    /** The leaf of an unordered chain: the one certificate that issued none of the others. */
    static X509Certificate leafOf(List<X509Certificate> chain) {
        for (X509Certificate candidate : chain) {
            boolean issuesAnother = false;
            for (X509Certificate other : chain) {
                if (other != candidate && issuedBy(other, candidate)) {
                    issuesAnother = true;
                    break;
                }
            }
            if (!issuesAnother) {
                return candidate;
            }
        }
        return chain.get(0);
    }

    /** The subject as RFC 2253 text, e.g. {@code CN=agent-1,O=graphagent}. */
    static String subject(X509Certificate certificate) {
        return certificate.getSubjectX500Principal().getName();
    }

    /** The issuer as RFC 2253 text. */
    static String issuer(X509Certificate certificate) {
        return certificate.getIssuerX500Principal().getName();
    }
}
