package io.graphagent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** submit and status when there is no cluster to talk to: fast, one line, the cause named. */
class ClientCommandsTest {
    /** Connection refused is immediate; this bounds the whole command including JVM-local setup. */
    private static final Duration QUICK = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    @Test
    void statusWithNothingListeningFailsWithConnectionRefused() throws IOException {
        int port = freePort();

        long start = System.nanoTime();
        Cli.Result r = Cli.run("status", "--coordinator", "127.0.0.1:" + port, "--insecure");

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(QUICK);
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.err()).startsWith("graphagent: coordinator 127.0.0.1:" + port)
                .contains("cause=connection_refused", "nothing listens on that port");
    }

    @Test
    void submitOverTlsWithNothingListeningFailsWithConnectionRefused() throws IOException {
        Path certs = dir.resolve("certs");
        assertThat(Cli.run("certs", "init", "--out", certs.toString()).exitCode()).isZero();
        int port = freePort();

        long start = System.nanoTime();
        Cli.Result r = Cli.run("submit", "--coordinator", "127.0.0.1:" + port, "--certs", certs.toString(),
                "--algorithm", "pagerank", "--graph", dir.resolve("g").toString(), "--output", dir.resolve("pr").toString());

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(QUICK);
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.err()).contains("Submit failed", "cause=connection_refused");
    }

    @Test
    void stateDirectoryOfAStoppedLocalClusterGivesTheDefaultsAndAHint() throws IOException {
        LocalState state = new LocalState(dir.resolve("local"));
        assertThat(Cli.run("certs", "init", "--out", state.certs().toString(), "--agents", "1").exitCode()).isZero();
        int port = freePort();
        LocalConfigFile.write(state, new io.graphagent.config.HostPort("127.0.0.1", port),
                new io.graphagent.config.HostPort("127.0.0.1", 0), true, LocalConfigFile.newToken());

        Cli.Result r = Cli.run("status", "--state-dir", state.dir().toString());

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.err()).contains("127.0.0.1:" + port, "cause=connection_refused", "is 'graphagent local' running?");
    }

    @Test
    void withoutCertificatesOrLocalClusterTheClientSaysWhatToDo() {
        Cli.Result r = Cli.run("status", "--state-dir", dir.resolve("none").toString());

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.err()).contains("no client certificate", "graphagent local", "--certs DIR");
    }

    @Test
    void certificateFileThatIsMissingIsBadInputNamingTheFile() throws IOException {
        Path certs = dir.resolve("certs");
        assertThat(Cli.run("certs", "init", "--out", certs.toString()).exitCode()).isZero();
        Files.delete(certs.resolve("client-key.pem"));

        Cli.Result r = Cli.run("status", "--coordinator", "127.0.0.1:" + freePort(), "--certs", certs.toString());

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("client-key.pem", "does not exist");
    }

    @Test
    void submitChecksItsFlagsBeforeDialling() {
        Cli.Result r = Cli.run("submit", "--insecure", "--coordinator", "127.0.0.1:1", "-a", "pr", "-g", "g", "-o", "o",
                "--damping", "1.5");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--damping must be in [0, 1]");
    }

    @Test
    void clusterCommandsDocumentExitCodeThree() {
        for (String command : new String[] {"submit", "status", "agent", "coordinator", "local"}) {
            Cli.Result r = Cli.run(command, "--help");
            assertThat(r.out()).as(command).contains("Exit codes:", "  3   refused by the cluster");
        }
        assertThat(Cli.run("run", "--help").out()).doesNotContain("refused by the cluster");
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
