package io.graphagent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.graphagent.net.certs.ClusterCertificates;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DoctorCommandTest {
    @TempDir
    Path dir;

    private String[] against(int port, String... more) throws Exception {
        Path certs = dir.resolve("certs");
        ClusterCertificates.init(certs, 1, List.of(), Duration.ofDays(365), Clock.systemUTC());
        List<String> args = new java.util.ArrayList<>(List.of("doctor", "--coordinator", "127.0.0.1:" + port,
                "--state-dir", dir.resolve("no-local").toString(),
                "--ca", certs.resolve("ca.pem").toString(), "--cert", certs.resolve("agent-1.pem").toString(),
                "--key", certs.resolve("agent-1-key.pem").toString()));
        args.addAll(List.of(more));
        return args.toArray(new String[0]);
    }

    private static int closedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Test
    void closedPortIsAFailureWithExitCodeTwo() throws Exception {
        Cli.Result result = Cli.run(against(closedPort()));
        assertThat(result.exitCode()).as(result.toString()).isEqualTo(2);
        assertThat(result.out()).containsPattern("FAIL +tcp-connect .*\\[cause=connection_refused\\] -- fix: nothing listens")
                .containsPattern("SKIPPED +tls-handshake +tcp-connect failed");
    }

    @Test
    void jsonIsAnArrayOfChecks() throws Exception {
        Cli.Result result = Cli.run(against(closedPort(), "--json"));
        JsonNode checks = new ObjectMapper().readTree(result.out());
        assertThat(checks.isArray()).isTrue();
        assertThat(checks.get(0).get("check").asText()).isEqualTo("resolve");
        assertThat(checks.get(1).get("verdict").asText()).isEqualTo("FAIL");
        assertThat(checks.get(1).get("cause").asText()).isEqualTo("connection_refused");
    }

    @Test
    void helpExplainsTheVerdictExitCodes() {
        Cli.Result result = Cli.run("doctor", "--help");
        assertThat(result.out().replaceAll("\\s+", " ")).contains("0 all passed, 1 some warning, 2 some failure");
        Cli.Result health = Cli.run("health", "--help");
        assertThat(health.out().replaceAll("\\s+", " ")).contains("0 healthy, 1 some warning, 2 some failure");
    }
}
