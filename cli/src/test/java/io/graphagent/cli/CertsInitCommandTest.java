package io.graphagent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.graphagent.net.certs.PemFiles;
import io.graphagent.net.tls.TlsFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertsInitCommandTest {
    @TempDir
    Path dir;

    @Test
    void initIssuesCertificatesThatPassTheHandshakeChecks() throws Exception {
        Path certs = dir.resolve("certs");

        Cli.Result r = Cli.run("certs", "init", "--out", certs.toString(), "--agents", "2", "--host", "coord.example.org");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        for (String name : List.of("coordinator", "agent-1", "agent-2", "client")) {
            TlsFiles.Loaded loaded = TlsFiles.fromDir(certs, name).validate();
            assertThat(loaded.identity().certificate().getSubjectX500Principal().getName()).contains("CN=" + name);
        }
        assertThat(certs.resolve("agent-3.pem")).doesNotExist();
        X509Certificate coordinator = PemFiles.readCertificates(certs.resolve("coordinator.pem")).get(0);
        List<String> names = coordinator.getSubjectAlternativeNames().stream().map(n -> String.valueOf(n.get(1))).toList();
        assertThat(names).contains("coord.example.org", "localhost", "127.0.0.1");
        assertThat(r.out()).contains("client.pem", "graphagent coordinator --certs " + certs);
    }

    @Test
    void validityIsTheRequestedLifetime() throws Exception {
        Path certs = dir.resolve("certs");

        Cli.Result r = Cli.run("certs", "init", "--out", certs.toString(), "--validity", "2d");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        X509Certificate client = PemFiles.readCertificates(certs.resolve("client.pem")).get(0);
        Duration left = Duration.between(Instant.now(), client.getNotAfter().toInstant());
        assertThat(left).isBetween(Duration.ofHours(47), Duration.ofHours(48));
    }

    @Test
    void nonEmptyDirectoryIsRefusedWithoutForce() throws Exception {
        Path certs = Files.createDirectories(dir.resolve("certs"));
        Files.writeString(certs.resolve("notes.txt"), "keep me");

        Cli.Result r = Cli.run("certs", "init", "--out", certs.toString());

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.err()).startsWith("graphagent: ").contains("not empty", "notes.txt", "--force");
        assertThat(certs.resolve("ca.pem")).doesNotExist();
    }

    @Test
    void forceReplacesTheCertificates() throws Exception {
        Path certs = dir.resolve("certs");
        assertThat(Cli.run("certs", "init", "--out", certs.toString()).exitCode()).isZero();
        String oldCa = Files.readString(certs.resolve("ca.pem"));

        Cli.Result r = Cli.run("certs", "init", "--out", certs.toString(), "--force");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(Files.readString(certs.resolve("ca.pem"))).isNotEqualTo(oldCa);
        TlsFiles.fromDir(certs, "client").validate();
    }

    @Test
    void badValidityIsAUsageError() {
        Cli.Result r = Cli.run("certs", "init", "--out", dir.resolve("c").toString(), "--validity", "365");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--validity");
    }
}
