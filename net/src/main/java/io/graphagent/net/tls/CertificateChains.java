package io.graphagent.net.tls;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/** Chain arithmetic shared by file validation, the trust manager and {@code doctor}. Stateless. */
public final class CertificateChains {

    private static final int MAX_DEPTH = 10;

    private CertificateChains() {
    }

    /** Whether {@code issuer} names and signed {@code child}. */
    public static boolean issuedBy(X509Certificate child, X509Certificate issuer) {
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
    public static List<X509Certificate> pathToAnchor(List<X509Certificate> chain, Collection<X509Certificate> anchors) {
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
    public static boolean inOrder(List<X509Certificate> chain) {
        for (int i = 0; i + 1 < chain.size(); i++) {
            if (!issuedBy(chain.get(i), chain.get(i + 1))) {
                return false;
            }
        }
        return true;
    }

    /** Whether the certificate is a CA certificate (basic constraints cA=true). */
    public static boolean isCa(X509Certificate certificate) {
        return certificate.getBasicConstraints() >= 0;
    }

    /** The leaf of an unordered chain: the one certificate that issued none of the others. */
    public static X509Certificate leafOf(List<X509Certificate> chain) {
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
    public static String subject(X509Certificate certificate) {
        return certificate.getSubjectX500Principal().getName();
    }

    /** The issuer as RFC 2253 text. */
    public static String issuer(X509Certificate certificate) {
        return certificate.getIssuerX500Principal().getName();
    }

    /** {@code chain} with {@code leaf} moved to the front, the others in their order: what {@link #pathToAnchor} starts from. */
    public static List<X509Certificate> withLeafFirst(List<X509Certificate> chain, X509Certificate leaf) {
        List<X509Certificate> ordered = new ArrayList<>();
        ordered.add(leaf);
        for (X509Certificate c : chain) {
            if (c != leaf) {
                ordered.add(c);
            }
        }
        return ordered;
    }

    /** The JDK's PKIX trust manager for {@code anchors}. */
    public static X509ExtendedTrustManager pkix(List<X509Certificate> anchors) {
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            for (int i = 0; i < anchors.size(); i++) {
                store.setCertificateEntry("ca-" + i, anchors.get(i));
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
            factory.init(store);
            for (TrustManager manager : factory.getTrustManagers()) {
                if (manager instanceof X509ExtendedTrustManager extended) {
                    return extended;
                }
            }
            throw new IllegalStateException("the JDK's PKIX TrustManagerFactory offers no X509ExtendedTrustManager");
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot build a trust manager for the CA certificates: " + e.getMessage(), e);
        }
    }
}
