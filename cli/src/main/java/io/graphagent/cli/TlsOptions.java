package io.graphagent.cli;

import io.graphagent.config.GraphagentConfig;
import io.graphagent.config.TlsConfig;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The certificate flags shared by every command that connects: {@code --certs DIR} (a
 * directory made by {@code graphagent certs init}), or {@code --ca}, {@code --cert},
 * {@code --key} one by one, or {@code --insecure}. They override the {@code tls} section of the
 * configuration; {@code --certs} replaces the file's whole set; a single file flag replaces only that file.
 */
final class TlsOptions {

    @Option(names = "--certs", paramLabel = "DIR",
            description = "Certificate directory made by 'graphagent certs init' (ca.pem and this process's NAME.pem, NAME-key.pem).")
    Path certsDir;

    @Option(names = "--ca", paramLabel = "FILE", description = "CA certificate (PEM) that signs the other side's certificate.")
    Path ca;

    @Option(names = "--cert", paramLabel = "FILE", description = "This process's certificate chain (PEM), leaf first.")
    Path cert;

    @Option(names = "--key", paramLabel = "FILE", description = "This process's private key (PEM, PKCS#8).")
    Path key;

    @Option(names = "--insecure",
            description = "Plaintext, no TLS: anyone on the network can read the traffic and pose as either side. "
                    + "Logged as a warning and shown in 'graphagent status'.")
    boolean insecure;

    /** True when any TLS flag (or --insecure) was given, so defaults from elsewhere must not apply. */
    boolean given() {
        return insecure || certsDir != null || ca != null || cert != null || key != null;
    }

    /** {@code config} with the flags laid over its {@code tls} section. */
    GraphagentConfig applyTo(GraphagentConfig config) {
        if (insecure && (certsDir != null || ca != null || cert != null || key != null)) {
            throw new BadInputException("--insecure contradicts --certs/--ca/--cert/--key",
                    "pass either certificates (TLS) or --insecure (plaintext), not both");
        }
        TlsConfig t = config.tls();
        if (!given()) {
            return config;
        }
        TlsConfig tls;
        if (insecure) {
            tls = new TlsConfig(false, t.ca(), t.cert(), t.key(), t.certsDir(), t.handshakeTimeout());
        } else if (certsDir != null) {
            // --certs names a whole set: the file's own tls.ca/cert/key would mix two clusters.
            tls = new TlsConfig(true, Optional.ofNullable(ca), Optional.ofNullable(cert), Optional.ofNullable(key),
                    Optional.of(certsDir), t.handshakeTimeout());
        } else {
            tls = new TlsConfig(true, or(ca, t.ca()), or(cert, t.cert()), or(key, t.key()), t.certsDir(),
                    t.handshakeTimeout());
        }
        return ConfigEdits.with(config, tls);
    }

    private static Optional<Path> or(Path flag, Optional<Path> configured) {
        return flag != null ? Optional.of(flag) : configured;
    }
}
