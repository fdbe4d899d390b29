package io.graphagent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigCheckCommandTest {
    @TempDir
    Path dir;

    @Test
    void goodFileExitsZero() throws Exception {
        Cli.run("certs", "init", "--out", dir.resolve("certs").toString());
        Path file = Files.writeString(dir.resolve("ok.yaml"), """
                profile: lan
                tls:
                  certs-dir: %s
                """.formatted(dir.resolve("certs")));

        Cli.Result r = Cli.run("config", "check", file.toString());

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).contains("(profile lan)");
        assertThat(r.out()).doesNotContain("ERROR");
    }

    @Test
    void fileBreakingATimingRuleExitsTwoNamingTheKey() throws Exception {
        Path file = Files.writeString(dir.resolve("bad.yaml"), """
                session:
                  heartbeat-interval: 1s
                  lease-ttl: 2s
                tls:
                  enabled: false
                """);

        Cli.Result r = Cli.run("config", "check", file.toString());

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
        assertThat(r.out()).contains("ERROR session.lease-ttl");
    }

    @Test
    void missingFileExitsTwo() {
        Cli.Result r = Cli.run("config", "check", dir.resolve("nope.yaml").toString());

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.out()).contains("file not found");
    }
}
