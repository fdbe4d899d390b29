package io.graphagent.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Section {@code tls}: mutual TLS on every connection.
 *
 * @param enabled true (the default) for mutual TLS; false speaks plaintext, which anyone on
 *     the network can read and impersonate; for a single trusted machine only.
 * @param ca PEM file of the cluster CA that signs every peer's certificate.
 * @param cert PEM file of this process's certificate (chain).
 * @param key PEM file of this process's private key (PKCS#8).
 * @param certsDir a directory made by {@code graphagent certs init}; used for any of
 *     {@code ca}, {@code cert}, {@code key} not given explicitly.
 * @param handshakeTimeout the longest a TLS handshake (and the Hello that follows) may take
 *     before the connection is dropped. Shorter frees a stuck connection sooner; too short
 *     fails on a cold JVM or a slow link. Must be below {@code session.lease-ttl}, so that a
 *     reconnect can finish within the lease.
 */
public record TlsConfig(boolean enabled, Optional<Path> ca, Optional<Path> cert, Optional<Path> key,
                        Optional<Path> certsDir, Duration handshakeTimeout) {

    public TlsConfig {
        Objects.requireNonNull(ca, "ca");
        Objects.requireNonNull(cert, "cert");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(certsDir, "certsDir");
        Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
    }
}
