package io.graphagent.net.certs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.graphagent.net.tls.TlsFiles;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterCertificatesTest {

    private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    @TempDir
    Path dir;

    @Test
    void initWritesCaCoordinatorAndAgentFiles() throws Exception {
        ClusterCertificates.Issued issued =
                ClusterCertificates.init(dir, 2, List.of("graph-1.example", "10.1.2.3"), Duration.ofDays(30), CLOCK);

        assertThat(issued.names()).containsExactly("coordinator", "agent-1", "agent-2");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(
                    "ca.pem", "ca-key.pem", "coordinator.pem", "coordinator-key.pem",
                    "agent-1.pem", "agent-1-key.pem", "agent-2.pem", "agent-2-key.pem");
        }
        assertThat(issued.notAfter()).isEqualTo(NOW.plus(Duration.ofDays(30)));
        assertThat(issued.caSubject()).startsWith("CN=graphagent cluster CA ");
    }

    @Test
    void keysArePkcs8AndOnlyReadableByTheOwner() throws Exception {
        ClusterCertificates.init(dir, 1, List.of(), Duration.ofDays(1), CLOCK);
        for (String key : List.of("ca-key.pem", "coordinator-key.pem", "agent-1-key.pem")) {
            assertThat(Files.readString(dir.resolve(key))).startsWith("-----BEGIN PRIVATE KEY-----");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(key))))
                    .isEqualTo("rw-------");
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("ca.pem"))))
                .isEqualTo("rw-r--r--");
    }

    @Test
    void leavesNameTheirRoleAndEveryHostAndServeBothTlsRoles() throws Exception {
        ClusterCertificates.init(dir, 1, List.of("graph-1.example", "10.1.2.3"), Duration.ofDays(1), CLOCK);
        for (String name : List.of("coordinator", "agent-1")) {
            X509Certificate leaf = PemFiles.readCertificates(dir.resolve(name + ".pem")).get(0);
            String role = name.equals("coordinator") ? "coordinator" : "agent";
            assertThat(leaf.getSubjectX500Principal().getName()).isEqualTo("CN=" + name + ",OU=" + role + ",O=graphagent");
            assertThat(CertificateRole.of(leaf)).contains(CertificateRole.valueOf(role.toUpperCase(java.util.Locale.ROOT)));
            assertThat(leaf.getSubjectAlternativeNames().stream().map(san -> (Object) san.get(1)).toList())
                    .containsExactlyInAnyOrder((Object) "graph-1.example", "10.1.2.3", "localhost", "127.0.0.1");
            assertThat(leaf.getExtendedKeyUsage())
                    .containsExactlyInAnyOrder("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
            assertThat(leaf.getBasicConstraints()).isEqualTo(-1);
            assertThat(leaf.getNotBefore().toInstant()).isEqualTo(NOW.minus(ClusterCertificates.BACKDATE));
            assertThat(leaf.getNotAfter().toInstant()).isEqualTo(NOW.plus(Duration.ofDays(1)));
        }
        X509Certificate ca = PemFiles.readCertificates(dir.resolve("ca.pem")).get(0);
        assertThat(ca.getBasicConstraints()).isGreaterThanOrEqualTo(0);
    }

    @Test
    void everyNodesFilesLoadAndValidate() throws Exception {
        ClusterCertificates.Issued issued = ClusterCertificates.init(dir, 3, List.of(), Duration.ofDays(1), CLOCK);
        for (String name : issued.names()) {
            TlsFiles files = TlsFiles.fromDir(dir, name);
            assertThat(files.problems(CLOCK)).as(name).isEmpty();
            assertThat(files.validate(CLOCK).identity().certificate().getSubjectX500Principal().getName())
                    .startsWith("CN=" + name);
        }
    }

    @Test
    void initRefusesADirectoryThatHoldsAnythingUnlessToldToOverwrite() throws Exception {
        ClusterCertificates.init(dir, 1, List.of(), Duration.ofDays(1), CLOCK);
        String oldCa = Files.readString(dir.resolve("ca.pem"));

        assertThatThrownBy(() -> ClusterCertificates.init(dir, 1, List.of(), Duration.ofDays(1), CLOCK))
                .isInstanceOf(FileAlreadyExistsException.class)
                .hasMessageContaining(dir.toString())
                .hasMessageContaining("not empty (agent-1-key.pem, agent-1.pem, ca-key.pem")
                .hasMessageContaining("--overwrite");
        assertThat(Files.readString(dir.resolve("ca.pem"))).isEqualTo(oldCa);

        ClusterCertificates.init(dir, 1, List.of(), Duration.ofDays(1), CLOCK, true);
        assertThat(Files.readString(dir.resolve("ca.pem"))).isNotEqualTo(oldCa);
        assertThat(TlsFiles.fromDir(dir, "agent-1").problems(CLOCK)).isEmpty();
    }

    @Test
    void initCreatesTheDirectoryAndLeavesNoTemporaryFiles() throws Exception {
        Path nested = dir.resolve("a/b/certs");
        ClusterCertificates.init(nested, 0, List.of(), Duration.ofDays(1), CLOCK);
        try (Stream<Path> files = Files.list(nested)) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".") || n.endsWith(".tmp")))
                    .isEmpty();
        }
    }

    @Test
    void badArgumentsAreRefused() {
        assertThatThrownBy(() -> ClusterCertificates.init(dir, -1, List.of(), Duration.ofDays(1), CLOCK))
                .hasMessageContaining("agent count");
        assertThatThrownBy(() -> ClusterCertificates.init(dir, 1, List.of(), Duration.ZERO, CLOCK))
                .hasMessageContaining("validity");
        assertThatThrownBy(() -> ClusterCertificates.init(dir, 1, List.of("two words"), Duration.ofDays(1), CLOCK))
                .hasMessageContaining("'two words'");
    }

    @Test
    void subjectAltNamesKeepHostsFirstWithoutDuplicates() {
        Collection<String> names = ClusterCertificates.subjectAltNames(List.of("h.example", "localhost"));
        assertThat(names).containsExactly("h.example", "localhost", "127.0.0.1");
    }
}
