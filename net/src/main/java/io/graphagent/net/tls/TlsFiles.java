package io.graphagent.net.tls;

import io.graphagent.net.certs.ClusterCertificates;
import io.graphagent.net.certs.KeyMaterial;
import io.graphagent.net.certs.PemFiles;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The three files a node needs for mutual TLS: the CA it trusts, its certificate chain (leaf
 * first, then any intermediates) and its private key. {@link #validate()} checks them the way
 * a peer's handshake would and reports each problem as one line naming the file and the fix,
 * so a node refuses to start with files that would only fail later, on the other side.
 * Immutable and thread-safe.
 *
 * @param ca   PEM file with the trusted CA certificate(s)
 * @param cert PEM file with this node's certificate chain
 * @param key  PEM file with this node's private key (PKCS#8 preferred)
 */
public record TlsFiles(Path ca, Path cert, Path key) {

    private static final int MAX_NEARBY_FILES = 200;

    public TlsFiles {
        Objects.requireNonNull(ca, "ca");
        Objects.requireNonNull(cert, "cert");
        Objects.requireNonNull(key, "key");
    }

    /**
     * The files of node {@code name} in a directory made by {@code graphagent certs init}:
     * {@code ca.pem}, {@code NAME.pem}, {@code NAME-key.pem}.
     */
    public static TlsFiles fromDir(Path certsDir, String name) {
        return new TlsFiles(certsDir.resolve(ClusterCertificates.CA_CERT),
                certsDir.resolve(ClusterCertificates.certFile(name)),
                certsDir.resolve(ClusterCertificates.keyFile(name)));
    }

    /** The parsed contents: trust anchors and this node's key material. */
    public record Loaded(List<X509Certificate> trust, KeyMaterial identity) {
        public Loaded {
            trust = List.copyOf(trust);
        }
    }

    /**
     * Parses the files without judging the certificates.
     *
     * @throws TlsFilesException if a file is missing, unreadable or not PEM
     */
    public Loaded load() throws TlsFilesException {
        List<TlsProblem> problems = new ArrayList<>();
        Loaded loaded = load(problems);
        if (loaded == null) {
            throw new TlsFilesException(problems);
        }
        return loaded;
    }

    /** Checks the files against the system clock; see {@link #validate(Clock)}. */
    public Loaded validate() throws TlsFilesException {
        return validate(Clock.systemUTC());
    }

    /**
     * Checks what a handshake would: files present and PEM, key belongs to the certificate,
     * chain in order and leading to the CA, every certificate valid at {@code clock}'s now.
     *
     * @return the parsed files when there is no problem
     * @throws TlsFilesException naming the first problem, with all of them attached
     */
    public Loaded validate(Clock clock) throws TlsFilesException {
        List<TlsProblem> problems = new ArrayList<>();
        Loaded loaded = load(problems);
        if (loaded != null) {
            judge(loaded, clock.instant(), problems);
        }
        if (!problems.isEmpty()) {
            throw new TlsFilesException(problems);
        }
        return loaded;
    }

    /** Every problem, most fundamental first; empty when the files are good. */
    public List<TlsProblem> problems(Clock clock) {
        List<TlsProblem> problems = new ArrayList<>();
        Loaded loaded = load(problems);
        if (loaded != null) {
            judge(loaded, clock.instant(), problems);
        }
        return problems;
    }

    private Loaded load(List<TlsProblem> problems) {
        checkPresent(ca, "CA file", "pass the ca.pem written by `graphagent certs init` (--certs DIR or --ca FILE)", problems);
        checkPresent(cert, "certificate file", "run `graphagent certs init --out DIR` and pass --certs DIR, or fix --cert", problems);
        checkPresent(key, "key file", "pass the -key.pem written together with the certificate (--certs DIR or --key FILE)", problems);
        if (!problems.isEmpty()) {
            return null;
        }
        List<X509Certificate> trust = readCertificates(ca, "CA file", problems);
        List<X509Certificate> chain = readCertificates(cert, "certificate file", problems);
        PrivateKey privateKey = null;
        try {
            privateKey = PemFiles.readPrivateKey(key);
        } catch (PemFiles.NotPemException e) {
            problems.add(new TlsProblem(TlsProblem.Kind.NOT_PEM, key,
                    "key file " + e.getMessage() + ": pass the -key.pem written by `graphagent certs init`"));
        } catch (IOException e) {
            problems.add(unreadable(key, "key file", e));
        }
        if (!problems.isEmpty()) {
            return null;
        }
        return new Loaded(trust, new KeyMaterial(chain, privateKey));
    }

    private void judge(Loaded loaded, Instant now, List<TlsProblem> problems) {
        List<X509Certificate> chain = loaded.identity().chain();
        List<X509Certificate> trust = loaded.trust();
        boolean ordered = CertificateChains.inOrder(chain);
        X509Certificate leaf = ordered ? chain.get(0) : CertificateChains.leafOf(chain);
        if (!keyMatches(leaf, loaded.identity().key())) {
            problems.add(new TlsProblem(TlsProblem.Kind.KEY_MISMATCH, key,
                    "key file " + key + " does not belong to the certificate " + CertificateChains.subject(leaf)
                            + " in " + cert + ": use the -key.pem written together with that certificate"));
            return;
        }
        if (!ordered) {
            problems.add(new TlsProblem(TlsProblem.Kind.CHAIN_OUT_OF_ORDER, cert,
                    "certificate file " + cert + " lists its certificates out of order (first is "
                            + CertificateChains.subject(chain.get(0)) + "): put the leaf "
                            + CertificateChains.subject(leaf) + " first, then each issuer up to the root"));
        }
        List<X509Certificate> path = CertificateChains.pathToAnchor(CertificateChains.withLeafFirst(chain, leaf), trust);
        if (path.isEmpty()) {
            problems.add(untrusted(chain, leaf, trust));
        }
        for (X509Certificate certificate : path.isEmpty() ? chain : path) {
            Path file = trust.contains(certificate) ? ca : cert;
            String name = (trust.contains(certificate) ? "CA file " : "certificate file ") + file;
            if (now.isAfter(certificate.getNotAfter().toInstant())) {
                problems.add(new TlsProblem(TlsProblem.Kind.EXPIRED, file,
                        name + ": " + CertificateChains.subject(certificate) + " expired at "
                                + certificate.getNotAfter().toInstant() + " (now " + now.truncatedTo(ChronoUnit.SECONDS)
                                + "): issue new certificates (`graphagent certs init --overwrite`) and check the clock"));
            } else if (now.isBefore(certificate.getNotBefore().toInstant())) {
                problems.add(new TlsProblem(TlsProblem.Kind.NOT_YET_VALID, file,
                        name + ": " + CertificateChains.subject(certificate) + " is valid only from "
                                + certificate.getNotBefore().toInstant() + " (now " + now.truncatedTo(ChronoUnit.SECONDS)
                                + "): this machine's clock is behind (fix NTP) or the certificate was issued for the future"));
            }
        }
    }

    /** Leaf not linked to the CA: an intermediate found next to the files means the chain is incomplete. */
    private TlsProblem untrusted(List<X509Certificate> chain, X509Certificate leaf, List<X509Certificate> trust) {
        // Climb from the leaf through the certificates the file does hold.
        X509Certificate top = leaf;
        List<X509Certificate> climbed = new ArrayList<>(List.of(leaf));
        for (boolean climbing = true; climbing; ) {
            climbing = false;
            for (X509Certificate candidate : chain) {
                if (!climbed.contains(candidate) && CertificateChains.issuedBy(top, candidate)) {
                    climbed.add(candidate);
                    top = candidate;
                    climbing = true;
                    break;
                }
            }
        }
        String missingIssuer = CertificateChains.issuer(top);
        for (Path nearby : nearbyPemFiles()) {
            try {
                for (X509Certificate candidate : PemFiles.readCertificates(nearby)) {
                    if (CertificateChains.isCa(candidate) && CertificateChains.issuedBy(top, candidate)
                            && !CertificateChains.pathToAnchor(List.of(candidate), trust).isEmpty()) {
                        return new TlsProblem(TlsProblem.Kind.CHAIN_INCOMPLETE, cert,
                                "certificate file " + cert + " lacks the intermediate CA " + missingIssuer
                                        + " that links " + CertificateChains.subject(leaf) + " to the trusted root: append "
                                        + nearby + " to " + cert);
                    }
                }
            } catch (IOException e) {
                // Not a certificate file; keep looking.
            }
        }
        String trusted = trust.stream().map(CertificateChains::subject).reduce((a, b) -> a + "; " + b).orElse("nothing");
        return new TlsProblem(TlsProblem.Kind.NOT_SIGNED_BY_CA, cert,
                "certificate file " + cert + ": " + CertificateChains.subject(leaf) + " is issued by " + missingIssuer
                        + ", which is not the CA in " + ca + " (" + trusted + "): use certificates from the same"
                        + " `graphagent certs init` as the CA file, or append the intermediate CA " + missingIssuer
                        + " to the certificate file if it is one");
    }

    private List<Path> nearbyPemFiles() {
        Set<Path> dirs = new LinkedHashSet<>();
        dirs.add(cert.toAbsolutePath().getParent());
        dirs.add(ca.toAbsolutePath().getParent());
        List<Path> files = new ArrayList<>();
        for (Path dir : dirs) {
            try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*.pem")) {
                for (Path file : stream) {
                    if (files.size() < MAX_NEARBY_FILES && !file.getFileName().toString().endsWith("-key.pem")
                            && !file.toAbsolutePath().equals(cert.toAbsolutePath())) {
                        files.add(file);
                    }
                }
            } catch (IOException e) {
                // Unlistable directory: no hint, the generic message stands.
            }
        }
        files.sort(null);
        return files;
    }

    private static boolean keyMatches(X509Certificate certificate, PrivateKey privateKey) {
        String algorithm = switch (privateKey.getAlgorithm()) {
            case "EC" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> null;
        };
        if (algorithm == null) {
            return certificate.getPublicKey().getAlgorithm().equals(privateKey.getAlgorithm());
        }
        try {
            byte[] challenge = new byte[32];
            new SecureRandom().nextBytes(challenge);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(privateKey);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(challenge);
            return verifier.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    private static void checkPresent(Path file, String role, String fix, List<TlsProblem> problems) {
        if (!Files.exists(file)) {
            problems.add(new TlsProblem(TlsProblem.Kind.MISSING, file, role + " " + file + " does not exist: " + fix));
        } else if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            problems.add(new TlsProblem(TlsProblem.Kind.UNREADABLE, file,
                    role + " " + file + " is not a readable file: check its path and permissions"));
        }
    }

    private static List<X509Certificate> readCertificates(Path file, String role, List<TlsProblem> problems) {
        try {
            return PemFiles.readCertificates(file);
        } catch (PemFiles.NotPemException e) {
            problems.add(new TlsProblem(TlsProblem.Kind.NOT_PEM, file,
                    role + " " + e.getMessage() + ": pass the PEM file written by `graphagent certs init`"));
        } catch (IOException e) {
            problems.add(unreadable(file, role, e));
        }
        return List.of();
    }

    private static TlsProblem unreadable(Path file, String role, IOException e) {
        return new TlsProblem(TlsProblem.Kind.UNREADABLE, file,
                role + " " + file + " cannot be read (" + e.getMessage() + "): check its permissions");
    }
}
