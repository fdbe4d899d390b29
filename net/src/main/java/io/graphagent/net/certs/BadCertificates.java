package io.graphagent.net.certs;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Makes deliberately broken TLS material next to a cluster made by
 * {@link ClusterCertificates#init}, for tests and for {@code doctor}'s own tests: each method
 * writes {@code NAME.pem} and {@code NAME-key.pem} into the directory and returns the paths a
 * node would be configured with, including which CA file it would trust. Times come from the
 * injected clock. Not for production use; thread-safe as long as callers use distinct names.
 */
public final class BadCertificates {

    /** Files a node would be given: trust anchor, certificate chain, private key. */
    public record Paths(Path ca, Path cert, Path key) {
    }

    /** How a leaf from an intermediate CA is written to its certificate file. */
    public enum ChainLayout {
        /** leaf, then intermediate: correct. */
        COMPLETE,
        /** leaf only: the verifier cannot link it to the root. */
        MISSING_INTERMEDIATE,
        /** intermediate, then leaf: the leaf must come first. */
        OUT_OF_ORDER
    }

    private static final Duration VALIDITY = Duration.ofDays(30);
    private static final List<CertificateAuthority.Usage> BOTH =
            List.of(CertificateAuthority.Usage.SERVER, CertificateAuthority.Usage.CLIENT);

    private final Path dir;
    private final Clock clock;
    private final CertificateAuthority clusterCa;

    private BadCertificates(Path dir, Clock clock, CertificateAuthority clusterCa) {
        this.dir = dir;
        this.clock = clock;
        this.clusterCa = clusterCa;
    }

    /** Uses the cluster CA in {@code certsDir} (ca.pem and ca-key.pem) to sign the bad material. */
    public static BadCertificates in(Path certsDir, Clock clock) throws IOException {
        return new BadCertificates(certsDir, clock, ClusterCertificates.readCa(certsDir));
    }

    /** A valid-looking certificate from a fresh CA that is not the cluster's; trusts ca.pem. */
    public Paths fromAnotherCa(String name) throws IOException {
        Instant now = clock.instant();
        CertificateAuthority other = CertificateAuthority.createRoot("other CA for " + name,
                now.minus(ClusterCertificates.BACKDATE), now.plus(VALIDITY));
        PemFiles.writeCertificates(dir.resolve(name + "-other-ca.pem"), List.of(other.certificate()));
        return write(name, other.issueLeaf(name, sans(), BOTH, now.minus(ClusterCertificates.BACKDATE),
                now.plus(VALIDITY)), clusterCaFile());
    }

    /** Signed by the cluster CA, but expired a day ago (valid for the ten days before). */
    public Paths expired(String name) throws IOException {
        Instant now = clock.instant();
        return write(name, clusterCa.issueLeaf(name, sans(), BOTH, now.minus(Duration.ofDays(11)),
                now.minus(Duration.ofDays(1))), clusterCaFile());
    }

    /** Signed by the cluster CA, but valid only from tomorrow (as with a clock running behind). */
    public Paths notYetValid(String name) throws IOException {
        Instant now = clock.instant();
        return write(name, clusterCa.issueLeaf(name, sans(), BOTH, now.plus(Duration.ofDays(1)),
                now.plus(VALIDITY)), clusterCaFile());
    }

    /** Signed by the cluster CA, but valid only for the given names (not localhost/127.0.0.1). */
    public Paths wrongHostname(String name, String... subjectAltNames) throws IOException {
        Instant now = clock.instant();
        return write(name, clusterCa.issueLeaf(name, List.of(subjectAltNames), BOTH,
                now.minus(ClusterCertificates.BACKDATE), now.plus(VALIDITY)), clusterCaFile());
    }

    /** A certificate and a private key that belong to two different key pairs. */
    public Paths keyMismatch(String name) throws IOException {
        Instant now = clock.instant();
        KeyMaterial first = clusterCa.issueLeaf(name, sans(), BOTH, now.minus(ClusterCertificates.BACKDATE),
                now.plus(VALIDITY));
        KeyMaterial second = clusterCa.issueLeaf(name, sans(), BOTH, now.minus(ClusterCertificates.BACKDATE),
                now.plus(VALIDITY));
        return write(name, new KeyMaterial(first.chain(), second.key()), clusterCaFile());
    }

    /**
     * A separate PKI root -> intermediate -> leaf. The root goes to {@code NAME-root-ca.pem}
     * (the trust anchor returned), the intermediate alone also to {@code NAME-intermediate.pem}
     * (as a CA vendor ships it), and the leaf's certificate file is laid out as asked.
     */
    public Paths intermediateChain(String name, ChainLayout layout) throws IOException {
        Instant now = clock.instant();
        Instant notBefore = now.minus(ClusterCertificates.BACKDATE);
        CertificateAuthority root = CertificateAuthority.createRoot("root CA for " + name, notBefore,
                now.plus(VALIDITY));
        CertificateAuthority intermediate = root.issueIntermediate("intermediate CA for " + name, notBefore,
                now.plus(VALIDITY));
        KeyMaterial leaf = intermediate.issueLeaf(name, sans(), BOTH, notBefore, now.plus(VALIDITY));
        Path rootFile = dir.resolve(name + "-root-ca.pem");
        PemFiles.writeCertificates(rootFile, List.of(root.certificate()));
        PemFiles.writeCertificates(dir.resolve(name + "-intermediate.pem"), List.of(intermediate.certificate()));
        List<java.security.cert.X509Certificate> chain = switch (layout) {
            case COMPLETE -> List.of(leaf.certificate(), intermediate.certificate());
            case MISSING_INTERMEDIATE -> List.of(leaf.certificate());
            case OUT_OF_ORDER -> List.of(intermediate.certificate(), leaf.certificate());
        };
        Path cert = dir.resolve(ClusterCertificates.certFile(name));
        Path key = dir.resolve(ClusterCertificates.keyFile(name));
        PemFiles.writePrivateKey(key, leaf.key());
        PemFiles.writeCertificates(cert, chain);
        return new Paths(rootFile, cert, key);
    }

    private Paths write(String name, KeyMaterial material, Path ca) throws IOException {
        Path cert = dir.resolve(ClusterCertificates.certFile(name));
        Path key = dir.resolve(ClusterCertificates.keyFile(name));
        PemFiles.write(material, cert, key);
        return new Paths(ca, cert, key);
    }

    private Path clusterCaFile() {
        return dir.resolve(ClusterCertificates.CA_CERT);
    }

    private static List<String> sans() {
        return ClusterCertificates.LOCAL_NAMES;
    }
}
