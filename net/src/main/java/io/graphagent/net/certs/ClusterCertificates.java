package io.graphagent.net.certs;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The certificates of one cluster, as {@code graphagent certs init} writes them into a
 * directory:
 *
 * <pre>
 * ca.pem, ca-key.pem                     the cluster CA (keep ca-key.pem off the agents)
 * coordinator.pem, coordinator-key.pem   CN=coordinator,OU=coordinator, serverAuth + clientAuth
 * agent-N.pem, agent-N-key.pem           CN=agent-N,OU=agent, clientAuth + serverAuth (agents serve the peer data plane)
 * </pre>
 *
 * The OU of each subject is its {@link CertificateRole}.
 *
 * Every leaf names {@code localhost}, {@code 127.0.0.1} and the given hosts as subject
 * alternative names. Keys are PKCS#8 PEM with mode 0600; files are replaced atomically.
 * Stateless and thread-safe.
 */
public final class ClusterCertificates {

    /** The cluster CA certificate, the trust anchor of every node. */
    public static final String CA_CERT = "ca.pem";
    /** The cluster CA private key; only {@code certs init} needs it. */
    public static final String CA_KEY = "ca-key.pem";
    /** Name of the coordinator's certificate and subject CN. */
    public static final String COORDINATOR = "coordinator";
    /** Name of the client commands' certificate and subject CN ({@link #issueClient}). */
    public static final String CLIENT = "client";

    /**
     * How far notBefore is set before "now": tolerates that much clock skew between the machine
     * that issued the certificates and the ones that verify them, which would otherwise fail
     * with "not yet valid" for the first minutes.
     */
    public static final Duration BACKDATE = Duration.ofMinutes(5);

    /** Names every certificate is valid for besides the hosts given. */
    public static final List<String> LOCAL_NAMES = List.of("localhost", "127.0.0.1");

    private ClusterCertificates() {
    }

    /** What {@link #init} wrote. */
    public record Issued(Path dir, String caSubject, List<String> names, Instant notAfter) {
        public Issued {
            names = List.copyOf(names);
        }
    }

    /** File name of the certificate of {@code name} (e.g. {@code agent-3.pem}). */
    public static String certFile(String name) {
        return name + ".pem";
    }

    /** File name of the private key of {@code name} (e.g. {@code agent-3-key.pem}). */
    public static String keyFile(String name) {
        return name + "-key.pem";
    }

    /** The name (and subject CN) of agent {@code n}, counted from 1. */
    public static String agentName(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("agents are numbered from 1, got " + n);
        }
        return "agent-" + n;
    }

    /** The subject alternative names of every leaf: the hosts given, then localhost and 127.0.0.1. */
    public static List<String> subjectAltNames(List<String> hosts) {
        Set<String> names = new LinkedHashSet<>(hosts);
        names.addAll(LOCAL_NAMES);
        return List.copyOf(names);
    }

    /** Like {@link #init(Path, int, List, Duration, Clock, boolean)}, refusing a non-empty directory. */
    public static Issued init(Path dir, int agents, List<String> hosts, Duration validity, Clock clock)
            throws IOException {
        return init(dir, agents, hosts, validity, clock, false);
    }

    /**
     * Creates a new cluster CA and the coordinator and agent certificates in {@code dir}.
     *
     * @param agents    how many agent certificates (agent-1..agent-N), at least 0
     * @param hosts     extra DNS names or IP literals the nodes are reached by
     * @param validity  lifetime of every certificate from now
     * @param clock     source of "now"
     * @param overwrite replace the files of an existing cluster; without it a directory holding
     *                  anything is refused, since a new CA locks out every node still holding
     *                  the old certificates
     * @throws FileAlreadyExistsException if {@code dir} is not empty and {@code overwrite} is false
     */
    public static Issued init(Path dir, int agents, List<String> hosts, Duration validity, Clock clock,
            boolean overwrite) throws IOException {
        Objects.requireNonNull(clock, "clock");
        if (agents < 0) {
            throw new IllegalArgumentException("agent count must be >= 0, got " + agents);
        }
        if (validity.isNegative() || validity.isZero()) {
            throw new IllegalArgumentException("certificate validity must be positive, got " + validity);
        }
        for (String host : hosts) {
            if (host == null || host.isBlank() || host.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException("host '" + host + "' is not a DNS name or IP address");
            }
        }
        if (Files.isDirectory(dir) && !overwrite) {
            try (Stream<Path> entries = Files.list(dir)) {
                List<String> present = entries.map(p -> p.getFileName().toString()).sorted().limit(5).toList();
                if (!present.isEmpty()) {
                    throw new FileAlreadyExistsException(dir.toString(), null,
                            "not empty (" + String.join(", ", present) + (present.size() == 5 ? ", ..." : "")
                                    + "): refusing to replace a cluster's certificates; choose an empty directory"
                                    + " or pass --overwrite (every node must then get the new files)");
                }
            }
        } else if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new FileAlreadyExistsException(dir.toString(), null, "exists and is not a directory");
        }
        Files.createDirectories(dir);

        Instant now = clock.instant();
        Instant notBefore = now.minus(BACKDATE);
        Instant notAfter = now.plus(validity);
        String caName = "graphagent cluster CA " + HexFormat.of().formatHex(randomBytes(4));
        CertificateAuthority ca = CertificateAuthority.createRoot(caName, notBefore, notAfter);
        List<String> sans = subjectAltNames(hosts);
        List<CertificateAuthority.Usage> both =
                List.of(CertificateAuthority.Usage.SERVER, CertificateAuthority.Usage.CLIENT);

        List<String> names = new ArrayList<>();
        names.add(COORDINATOR);
        for (int n = 1; n <= agents; n++) {
            names.add(agentName(n));
        }
        // Leaves first, CA last: a crash midway leaves no ca.pem that matches no certificate.
        for (String name : names) {
            CertificateRole role = name.equals(COORDINATOR) ? CertificateRole.COORDINATOR : CertificateRole.AGENT;
            KeyMaterial leaf = ca.issueLeaf(role, name, sans, both, notBefore, notAfter);
            PemFiles.write(leaf, dir.resolve(certFile(name)), dir.resolve(keyFile(name)));
        }
        PemFiles.writePrivateKey(dir.resolve(CA_KEY), ca.material().key());
        PemFiles.writeCertificates(dir.resolve(CA_CERT), List.of(ca.certificate()));
        return new Issued(dir, ca.certificate().getSubjectX500Principal().getName(), names, notAfter);
    }

    /**
     * Issues {@code client.pem} / {@code client-key.pem} (CN=client, OU=client: the identity of
     * the client commands) in a directory made by {@link #init}, signed by its ca-key.pem.
     */
    public static void issueClient(Path dir, List<String> hosts, Instant notAfter, Instant now) throws IOException {
        KeyMaterial leaf = readCa(dir).issueLeaf(CertificateRole.CLIENT, CLIENT, subjectAltNames(hosts),
                List.of(CertificateAuthority.Usage.CLIENT), now.minus(BACKDATE), notAfter);
        PemFiles.write(leaf, dir.resolve(certFile(CLIENT)), dir.resolve(keyFile(CLIENT)));
    }

    /** Reads back the cluster CA (certificate and key) from a directory made by {@link #init}. */
    public static CertificateAuthority readCa(Path dir) throws IOException {
        return CertificateAuthority.of(PemFiles.read(dir.resolve(CA_CERT), dir.resolve(CA_KEY)));
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }
}
