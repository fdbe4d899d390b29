package io.graphagent.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigCheckReportTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    private String output() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private Path write(String yaml) throws IOException {
        return Files.writeString(dir.resolve("graphagent.yaml"), yaml);
    }

    @Test
    void cleanFileExitsZeroAndSaysSo() throws IOException {
        Path certs = Files.createDirectories(dir.resolve("certs"));
        Files.writeString(certs.resolve("ca.pem"), "pem");
        Path file = write("tls:\n  certs-dir: " + certs + "\n");

        int code = ConfigCheckReport.run(file, Map.of(), out);

        assertThat(code).isEqualTo(ConfigCheckReport.OK);
        assertThat(output()).isEqualTo(file + " (profile lan): no problems\n");
    }

    @Test
    void warningsOnlyExitZero() throws IOException {
        int code = ConfigCheckReport.run(write("tls:\n  enabled: false\n"), Map.of(), out);

        assertThat(code).isZero();
        assertThat(output()).startsWith("WARNING tls.enabled: plaintext").contains("0 errors, 1 warning");
    }

    @Test
    void errorsExitTwoWithOneLinePerProblemErrorsFirst() throws IOException {
        int code = ConfigCheckReport.run(write("""
                session:
                  heartbeat-interval: 1s
                  lease-ttl: 2s
                  suspect-after: 1500ms
                tls:
                  enabled: false
                """), Map.of(), out);

        assertThat(code).isEqualTo(ConfigCheckReport.ERRORS);
        List<String> lines = output().lines().toList();
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).isEqualTo("ERROR session.lease-ttl: 2s is less than 3 x session.heartbeat-interval (1s)."
                + " Fix: set session.lease-ttl to at least 3s.");
        assertThat(lines.get(1)).startsWith("ERROR tls.handshake-timeout: 3s is not less than session.lease-ttl (2s)");
        assertThat(lines.get(2)).startsWith("WARNING tls.enabled: plaintext");
        assertThat(lines.get(3)).endsWith("(profile lan): 2 errors, 1 warning");
    }

    @Test
    void loadErrorsAreReportedWithTheLineAndNotSecondGuessedByRules() throws IOException {
        int code = ConfigCheckReport.run(write("""
                session:
                  lease-ttl: 2 s
                  heartbeat-interval: 1s
                tls:
                  enabled: false
                """), Map.of(), out);

        assertThat(code).isEqualTo(ConfigCheckReport.ERRORS);
        assertThat(output()).contains("ERROR session.lease-ttl: '2 s' has a space between number and unit (write 2s)")
                .contains("(line 2)")
                .doesNotContain("is less than 3 x");
    }

    @Test
    void environmentOverridesAreChecked() throws IOException {
        int code = ConfigCheckReport.run(write("tls:\n  enabled: false\n"),
                Map.of("GRAPHAGENT_SESSION_LEASE_TTL", "2s"), out);

        assertThat(code).isEqualTo(ConfigCheckReport.ERRORS);
        assertThat(output()).contains("ERROR session.lease-ttl: 2s is less than 3 x");
    }

    @Test
    void unparsableFileReportsOnlyTheSyntaxError() throws IOException {
        int code = ConfigCheckReport.run(write("session:\n\tlease-ttl: 5s\n"), Map.of(), out);

        assertThat(code).isEqualTo(ConfigCheckReport.ERRORS);
        assertThat(output().lines()).hasSize(2).first().asString().contains("not valid YAML");
    }

    @Test
    void suggestionEndsTheLineWithoutExtraPunctuation() throws IOException {
        ConfigCheckReport.run(write("sesion:\n  lease-ttl: 5s\ntls:\n  enabled: false\n"), Map.of(), out);

        assertThat(output()).contains("ERROR sesion: unknown key (line 1, column 1). Fix: did you mean session?\n");
    }

    @Test
    void missingFileExitsTwo() {
        int code = ConfigCheckReport.run(dir.resolve("missing.yaml"), Map.of(), out);

        assertThat(code).isEqualTo(ConfigCheckReport.ERRORS);
        assertThat(output()).startsWith("ERROR " + dir.resolve("missing.yaml") + ": file not found.");
    }
}
