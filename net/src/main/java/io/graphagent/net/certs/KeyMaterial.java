package io.graphagent.net.certs;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * A private key and the certificate chain that goes with it: {@code chain.get(0)} is the
 * certificate of {@code key}, followed by the intermediate CAs up to (not including) the root,
 * which is what a TLS peer sends. Immutable.
 */
public record KeyMaterial(List<X509Certificate> chain, PrivateKey key) {

    public KeyMaterial {
        chain = List.copyOf(chain);
        Objects.requireNonNull(key, "key");
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("a certificate chain needs at least the leaf certificate");
        }
    }

    /** The certificate of {@link #key()}. */
    public X509Certificate certificate() {
        return chain.get(0);
    }
}
