package io.graphagent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import io.graphagent.config.AdminConfig;
import io.graphagent.config.CoordinatorConfig;
import io.graphagent.config.GraphagentConfig;
import io.graphagent.config.HostPort;
import io.graphagent.config.Profile;
import io.graphagent.coordinator.CoordinatorServer;
import io.graphagent.coordinator.job.JobScheduler;
import io.graphagent.net.tls.TransportSecurity;
import io.graphagent.ops.http.CoordinatorAdmin;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** {@code events} and {@code log-level} against a real coordinator's admin HTTP server on 127.0.0.1. */
class AdminCommandsTest {
    private static final Clock CLOCK = Clock.systemUTC();
    private static final String TOKEN = "cli-test-token-0123456789";

    @TempDir
    static Path dir;

    private static CoordinatorServer coordinator;
    private static CoordinatorAdmin admin;
    private static String address;

    @BeforeAll
    static void start() throws Exception {
        GraphagentConfig base = Profile.TEST.defaults();
        GraphagentConfig config = new GraphagentConfig(base.profile(), base.cluster(),
                new CoordinatorConfig(new HostPort("127.0.0.1", 0), new HostPort("127.0.0.1", 0), dir.resolve("state")),
                base.agent(), base.session(), base.grpc(), base.tls(), base.network(), base.job(), new AdminConfig(TOKEN));
        coordinator = CoordinatorServer.start(config, TransportSecurity.insecure(),
                directory -> new JobScheduler(directory, config, CLOCK), CLOCK);
        admin = CoordinatorAdmin.start(config, coordinator, TransportSecurity.insecure(), CLOCK);
        address = "127.0.0.1:" + admin.port();
    }

    @AfterAll
    static void stop() {
        if (admin != null) {
            admin.close();
        }
        if (coordinator != null) {
            coordinator.close();
        }
    }

    @Test
    void eventsPrintsOneLinePerEventAfterSince() {
        admin.events().append("agent_state", "agent-9", "goodbye", "ALIVE -> LEFT");
        Cli.Result all = Cli.run("events", "--coordinator-admin", address, "--token", TOKEN);
        assertThat(all.exitCode()).as(all.toString()).isZero();
        assertThat(all.out()).contains("agent_state agent-9 goodbye ALIVE -> LEFT");
        long last = admin.events().last().orElseThrow().seq();
        assertThat(Cli.run("events", "--admin", address, "--token", TOKEN, "--since", Long.toString(last)).out()).isEmpty();
    }

    @Test
    void aWrongTokenIsRefusedWithTheFix() {
        Cli.Result r = Cli.run("events", "--admin", address, "--token", "wrong");
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.err()).contains("refused the token").contains("GRAPHAGENT_ADMIN_TOKEN");
    }

    @Test
    void logLevelSetsReadsAndListsLevels() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        try {
            Cli.Result set = Cli.run("log-level", "--admin", address, "--token", TOKEN, "graphagent.wire", "TRACE");
            assertThat(set.exitCode()).as(set.toString()).isZero();
            assertThat(set.out()).contains("graphagent.wire").contains("TRACE");
            assertThat(context.getLogger("graphagent.wire").getLevel()).isEqualTo(Level.TRACE);
            assertThat(Cli.run("log-level", "--admin", address, "--token", TOKEN).out()).contains("ROOT");
            Cli.Result bad = Cli.run("log-level", "--admin", address, "--token", TOKEN, "graphagent.wire", "LOUD");
            assertThat(bad.exitCode()).isNotZero();
            assertThat(bad.err()).contains("unknown level");
        } finally {
            context.getLogger("graphagent.wire").setLevel(null);
        }
    }
}
