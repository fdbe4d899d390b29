package io.graphagent.ops.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The alert rules in ops/prometheus are valid and behave as their unit tests say, checked by
 * the real promtool (Debian package prometheus, which .ci/run installs).
 */
class AlertRulesTest {
    private static final Path RULES = Path.of("prometheus").toAbsolutePath();

    @Test
    void alertRulesAreValid() throws Exception {
        Result r = promtool("check", "rules", "alerts.yml");
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output()).contains("SUCCESS: 9 rules found");
    }

    @Test
    void alertRulesPassTheirPromtoolUnitTests() throws Exception {
        Result r = promtool("test", "rules", "alerts.test.yml");
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output()).contains("SUCCESS");
    }

    @Test
    void everyAlertTheIssueNamesIsDefinedAndTested() throws IOException {
        String rules = Files.readString(RULES.resolve("alerts.yml"));
        String tests = Files.readString(RULES.resolve("alerts.test.yml"));
        for (String alert : List.of("AgentDown", "AgentFlapping", "HeartbeatRttHigh", "ClockSkewHigh",
                "LeaseExpiriesRising", "JobStalled", "CertificateExpiringSoon", "EtcdQuorumLost", "NoCoordinatorLeads")) {
            assertThat(rules).contains("alert: " + alert);
            assertThat(tests).contains("alertname: " + alert);
        }
    }

    private record Result(int exitCode, String output) {
    }

    private static Result promtool(String... args) throws Exception {
        Path promtool = Path.of("/usr/bin/promtool");
        assertThat(promtool).as("promtool is missing: install it with `apt-get install --no-install-recommends prometheus`"
                + " (.ci/run does)").isExecutable();
        List<String> command = new java.util.ArrayList<>(List.of(promtool.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(RULES.toFile()).redirectErrorStream(true).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("promtool " + String.join(" ", args) + " did not finish within 60 s");
        }
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }
}
