package io.graphagent.net.tls;

import io.graphagent.net.cause.DisconnectCause;
import io.graphagent.net.cause.FailureClassifier;
import io.grpc.netty.shaded.io.netty.handler.ssl.OpenSslCertificateException;
import java.net.Socket;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.PKIXReason;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts the cluster CA through the JDK's PKIX trust manager, and when that refuses a peer's
 * certificate, rethrows the refusal with the reason made explicit: the certificate's subject
 * and issuer in the message, and a {@link CertPathValidatorException} cause whose reason is
 * {@link PKIXReason#NO_TRUST_ANCHOR}, {@code EXPIRED} or {@code NOT_YET_VALID}. The exception is
 * an {@link OpenSslCertificateException} carrying the matching OpenSSL verify code, so
 * BoringSSL sends the peer the precise alert ({@code unknown_ca}, {@code certificate_expired})
 * instead of {@code certificate_unknown}, and {@link io.graphagent.net.cause.FailureClassifier}
 * reads the reason on this side. Other refusals (host name mismatch) pass through unchanged.
 * Thread-safe: stateless beyond the immutable anchors.
 */
final class ClassifyingTrustManager extends X509ExtendedTrustManager {

    // OpenSSL/BoringSSL X509_V_ERR_* codes (x509_vfy.h); stable since OpenSSL 0.9.
    private static final int X509_V_ERR_CERT_NOT_YET_VALID = 9;
    private static final int X509_V_ERR_CERT_HAS_EXPIRED = 10;
    private static final int X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY = 20;
    private static final int X509_V_ERR_UNSPECIFIED = 1;
    private static final int X509_V_ERR_HOSTNAME_MISMATCH = 62;

    private final X509ExtendedTrustManager delegate;
    private final List<X509Certificate> anchors;
    private final Clock clock;

    ClassifyingTrustManager(List<X509Certificate> anchors, Clock clock) {
        this.anchors = List.copyOf(anchors);
        this.clock = clock;
        this.delegate = CertificateChains.pkix(this.anchors);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        try {
            delegate.checkClientTrusted(chain, authType, engine);
        } catch (CertificateException e) {
            throw refine(chain, e, "client");
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        try {
            delegate.checkServerTrusted(chain, authType, engine);
        } catch (CertificateException e) {
            throw refine(chain, e, "server");
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        try {
            delegate.checkClientTrusted(chain, authType, socket);
        } catch (CertificateException e) {
            throw refine(chain, e, "client");
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        try {
            delegate.checkServerTrusted(chain, authType, socket);
        } catch (CertificateException e) {
            throw refine(chain, e, "server");
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        try {
            delegate.checkClientTrusted(chain, authType);
        } catch (CertificateException e) {
            throw refine(chain, e, "client");
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        try {
            delegate.checkServerTrusted(chain, authType);
        } catch (CertificateException e) {
            throw refine(chain, e, "server");
        }
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return delegate.getAcceptedIssuers();
    }

    private CertificateException refine(X509Certificate[] chain, CertificateException refusal, String role) {
        if (chain == null || chain.length == 0) {
            return refusal;
        }
        List<X509Certificate> presented = Arrays.asList(chain);
        X509Certificate leaf = chain[0];
        if (chain.length > 1 && !CertificateChains.inOrder(presented)
                && CertificateChains.leafOf(presented) != leaf) {
            return refused(role + " certificate chain is out of order: it starts with "
                            + CertificateChains.subject(leaf) + " instead of the leaf "
                            + CertificateChains.subject(CertificateChains.leafOf(presented)),
                    PKIXReason.NAME_CHAINING, DisconnectCause.TLS_CHAIN_INCOMPLETE, X509_V_ERR_UNSPECIFIED, refusal);
        }
        List<X509Certificate> path = CertificateChains.pathToAnchor(presented, anchors);
        if (path.isEmpty()) {
            String trusted = anchors.stream().map(CertificateChains::subject).reduce((a, b) -> a + "; " + b).orElse("nothing");
            String message = role + " certificate " + CertificateChains.subject(leaf) + " is issued by "
                    + CertificateChains.issuer(leaf) + ", not by the trusted CA " + trusted
                    + (chain.length == 1 ? " (or its intermediate CA was not sent)" : "");
            return refused(message, PKIXReason.NO_TRUST_ANCHOR, DisconnectCause.TLS_UNKNOWN_CA, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY, refusal);
        }
        Instant now = clock.instant();
        for (X509Certificate certificate : path) {
            if (now.isAfter(certificate.getNotAfter().toInstant())) {
                return refused(role + " certificate " + CertificateChains.subject(certificate) + " expired at "
                                + certificate.getNotAfter().toInstant(),
                        CertPathValidatorException.BasicReason.EXPIRED, DisconnectCause.TLS_CERT_EXPIRED, X509_V_ERR_CERT_HAS_EXPIRED, refusal);
            }
            if (now.isBefore(certificate.getNotBefore().toInstant())) {
                return refused(role + " certificate " + CertificateChains.subject(certificate) + " is valid only from "
                                + certificate.getNotBefore().toInstant() + " (clock skew?)",
                        CertPathValidatorException.BasicReason.NOT_YET_VALID, DisconnectCause.TLS_CERT_NOT_YET_VALID, X509_V_ERR_CERT_NOT_YET_VALID, refusal);
            }
        }
        if (FailureClassifier.classify(refusal) == DisconnectCause.TLS_HOSTNAME_MISMATCH) {
            // Chain and dates are fine: the JDK refused the host name. Tell BoringSSL, so the
            // server hears bad_certificate rather than internal_error.
            // The message must not start with "No subject alternative": netty rewraps those,
            // dropping the code.
            return new OpenSslCertificateException(role + " certificate " + CertificateChains.subject(leaf)
                    + " does not name the dialled host: " + refusal.getMessage(), refusal, X509_V_ERR_HOSTNAME_MISMATCH);
        }
        return refusal;
    }

    private static CertificateException refused(String message, CertPathValidatorException.Reason reason,
            DisconnectCause cause, int openSslCode, CertificateException original) {
        CertPathValidatorException why = new RefusedCertificateException(message, original, reason, cause);
        return new OpenSslCertificateException(message, why, openSslCode);
    }
}
