package io.graphagent.ops.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.graphagent.config.AgentConfig;
import io.graphagent.config.CoordinatorConfig;
import io.graphagent.config.GraphagentConfig;
import io.graphagent.config.HostPort;
import io.graphagent.config.Profile;
import io.graphagent.ops.doctor.DoctorReport;
import io.graphagent.ops.doctor.Verdict;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostHealthTest {
    @TempDir
    Path dir;

    private GraphagentConfig config(int dataPort) {
        GraphagentConfig d = Profile.TEST.defaults();
        return new GraphagentConfig(d.profile(), d.cluster(),
                new CoordinatorConfig(new HostPort("127.0.0.1", 0), d.coordinator().adminListen(), dir.resolve("state")),
                new AgentConfig(d.agent().coordinator(), new HostPort("127.0.0.1", dataPort), Optional.empty(), "",
                        dir.resolve("work")), d.session(), d.grpc(), d.tls(), d.network(), d.job(), d.admin());
    }

    private Path procWithAgent() throws Exception {
        Path proc = dir.resolve("proc");
        Files.createDirectories(proc.resolve("4242"));
        Files.write(proc.resolve("4242/cmdline"), String.join("\0", "java", "-jar", "/opt/graphagent-cli-0.1.jar", "agent",
                "--config", "a.yaml").getBytes(StandardCharsets.UTF_8));
        return proc;
    }

    @Test
    void runningAgentWithItsDataPortBoundPasses() throws Exception {
        try (ServerSocket data = new ServerSocket(0)) {
            DoctorReport report = HostHealth.check(config(data.getLocalPort()), Optional.empty(), procWithAgent());
            assertThat(report.result("process").orElseThrow().measured()).isEqualTo("running: [agent pid=4242]");
            assertThat(report.result("data-port").orElseThrow().verdict()).as(report.text()).isEqualTo(Verdict.PASS);
            assertThat(report.result("lease").orElseThrow().verdict()).isEqualTo(Verdict.SKIPPED);
        }
    }

    @Test
    void unboundDataPortFails() throws Exception {
        int port;
        try (ServerSocket closed = new ServerSocket(0)) {
            port = closed.getLocalPort();
        }
        DoctorReport report = HostHealth.check(config(port), Optional.empty(), procWithAgent());
        assertThat(report.result("data-port").orElseThrow().verdict()).isEqualTo(Verdict.FAIL);
        assertThat(report.exitCode()).isEqualTo(DoctorReport.EXIT_FAIL);
    }

    @Test
    void noProcessFails() throws Exception {
        Path proc = Files.createDirectories(dir.resolve("empty-proc"));
        DoctorReport report = HostHealth.check(config(0), Optional.empty(), proc);
        assertThat(report.result("process").orElseThrow().verdict()).isEqualTo(Verdict.FAIL);
    }
}
