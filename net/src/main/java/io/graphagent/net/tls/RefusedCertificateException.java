package io.graphagent.net.tls;

import io.graphagent.net.cause.ClassifiedFailure;
import io.graphagent.net.cause.DisconnectCause;
import java.security.cert.CertPathValidatorException;

/**
 * Why this node refused a peer's certificate, found in the cause chain of the handshake
 * failure. A {@link CertPathValidatorException} so that the JDK's TLS engine picks the matching
 * alert from its {@link #getReason() reason}; {@link ClassifiedFailure} so that the
 * classification is not guessed from messages.
 */
public final class RefusedCertificateException extends CertPathValidatorException implements ClassifiedFailure {

    private final DisconnectCause cause;

    RefusedCertificateException(String message, Throwable original, Reason reason, DisconnectCause cause) {
        super(message, original, null, -1, reason);
        this.cause = cause;
    }

    @Override
    public DisconnectCause disconnectCause() {
        return cause;
    }
}
