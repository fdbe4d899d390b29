package io.graphagent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.graphagent.graph.output.ResultComparator;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code graphagent local} as a user runs it: a real process that starts a coordinator and
 * agents as processes of their own, over TLS on 127.0.0.1; the client commands find it through
 * the state directory alone, and stopping it (SIGTERM, as Ctrl-C does) stops every process.
 */
class LocalCommandTest {
    private static final Duration START = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    private Process local;

    @AfterEach
    void killLeftovers() {
        if (local != null) {
            local.descendants().forEach(ProcessHandle::destroyForcibly);
            local.destroyForcibly();
        }
    }

    @Test
    @Timeout(240)
    void localClusterRunsSubmittedJobsAndStopsEveryProcess() throws Exception {
        Path state = dir.resolve("local");
        Path console = dir.resolve("local.out");
        local = new ProcessBuilder(ChildProcess.javaExecutable(), "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "local", "--agents", "2", "--state-dir", state.toString(), "--port", "0")
                .redirectErrorStream(true).redirectOutput(console.toFile()).start();
        awaitLine(console, "Ctrl-C stops the cluster.");
        Matcher dashboard = Pattern.compile("dashboard +(http://127\\.0\\.0\\.1:\\d+/)#token=[0-9a-f]{32}\\n")
                .matcher(Files.readString(console, StandardCharsets.UTF_8));
        assertThat(dashboard.find()).as("the dashboard URL is printed").isTrue();
        HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(dashboard.group(1))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<title>graphagent dashboard</title>");

        Cli.Result second = Cli.run("local", "--state-dir", state.toString(), "--port", "0");
        assertThat(second.exitCode()).as(second.toString()).isEqualTo(2);
        assertThat(second.err()).contains("another 'graphagent local' runs with state directory");

        Cli.Result status = Cli.run("status", "--state-dir", state.toString());
        assertThat(status.exitCode()).as(status.toString()).isZero();
        assertThat(status.out()).contains("tls=yes", "agents: 2 (2 alive)");
        assertThat(status.out().lines()).anySatisfy(l -> assertThat(l).startsWith("agent-1").contains("ALIVE"));

        Path output = dir.resolve("pr.txt");
        Cli.Result submit = Cli.run("submit", "--state-dir", state.toString(), "--algorithm", "pagerank",
                "--graph", Cli.graphalytics().resolve("example-directed").toString(), "--output", output.toString());
        assertThat(submit.exitCode()).as(submit + "\n--- local\n" + Files.readString(console)).isZero();
        assertThat(submit.out()).startsWith("algo=pagerank ").contains(" vertices=10 ", " agents=2 ", " output=" + output)
                .containsPattern(" load_s=\\d+\\.\\d{3} compute_s=\\d+\\.\\d{3} output_s=\\d+\\.\\d{3} ");
        assertThat(ResultComparator.compare(Cli.graphalytics().resolve("example-directed-PR"), output,
                ResultComparator.Rule.forKernel("PR"))).isEmpty();

        assertRefusals(state, output);
        assertSecondAgentInTheSameWorkDirectoryIsRefused(state);
        Cli.Result health = Cli.run("health", "--state-dir", state.toString());
        String port = Integer.toString(new LocalState(state).address().orElseThrow().port());
        assertThat(health.out().lines().filter(l -> l.contains("coordinator-port"))).as(health.toString())
                .singleElement().asString().startsWith("PASS").contains(":" + port);
        Cli.Result level = Cli.run("log-level", "--state-dir", state.toString(), "graphagent.wire", "INFO");
        assertThat(level.exitCode()).as("the admin token comes from the local config: " + level).isZero();
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(
                new LocalState(state).config()))).as("config.yaml holds the admin token").isEqualTo("rw-------");

        List<ProcessHandle> children = local.descendants().toList();
        assertThat(children).hasSizeGreaterThanOrEqualTo(3);
        local.destroy();
        assertThat(local.waitFor(30, TimeUnit.SECONDS)).as("local stops on SIGTERM").isTrue();
        for (ProcessHandle child : children) {
            child.onExit().get(15, TimeUnit.SECONDS);
        }
        assertThat(new LocalState(state).addressFile()).doesNotExist();
        assertThat(Files.readString(console)).contains("graphagent local: stopped 3 processes");
    }

    /**
     * What a cluster refuses, each with exit 2 as {@code run} would: an output that exists (no
     * --overwrite), one outside job.output-roots, and a graph that does not parse (found by the
     * agents after submit: the job FAILED with kind BAD_INPUT; this used to exit 1).
     */
    private void assertRefusals(Path state, Path existing) throws IOException {
        String graph = Cli.graphalytics().resolve("example-directed").toString();
        Cli.Result again = Cli.run("submit", "--state-dir", state.toString(), "-a", "pagerank", "-g", graph,
                "-o", existing.toString());
        assertThat(again.exitCode()).as(again.toString()).isEqualTo(2);
        assertThat(again.err()).contains("job refused: output_path: " + existing + ": already exists. Fix: pass --overwrite");

        Path outside = Path.of("/var/graphagent-test-no-such-dir/pr.txt");
        Cli.Result refused = Cli.run("submit", "--state-dir", state.toString(), "-a", "pagerank", "-g", graph,
                "-o", outside.toString());
        assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(2);
        assertThat(refused.err()).contains("job refused: output_path: " + outside + " is outside job.output-roots (");
        assertThat(outside.getParent()).doesNotExist();

        Path bad = Files.writeString(dir.resolve("bad.txt"), "1 2\nx 3\n");
        Cli.Result failed = Cli.run("submit", "--state-dir", state.toString(), "-a", "wcc", "-g", bad.toString(),
                "--directed", "-o", dir.resolve("bad.out").toString());
        assertThat(failed.exitCode()).as(failed.toString()).isEqualTo(2);
        assertThat(failed.err()).contains("FAILED: agent agent-", "bad.txt:2: source id 'x' is not a number");
        assertThat(dir.resolve("bad.out")).doesNotExist();
    }

    /**
     * A second agent-1 started from agent-1's work directory used to resume the first one's
     * session ticket, and the two took the session from each other every ~200 ms. The work
     * directory is locked per agent id now: the second exits 2 at once, naming the first.
     */
    private void assertSecondAgentInTheSameWorkDirectoryIsRefused(Path state) throws Exception {
        LocalState local = new LocalState(state);
        ProcessBuilder second = new ProcessBuilder(ChildProcess.javaExecutable(), "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "agent", "--config",
                local.config().toString(), "--coordinator", local.address().orElseThrow().toString(), "--id", "agent-1",
                "--name", "agent-1").redirectErrorStream(true);
        second.environment().put("GRAPHAGENT_AGENT_WORK_DIR", local.agentDir("agent-1").toString());
        Process p = second.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isEqualTo(2);
        assertThat(out).contains("cause=duplicate_agent event=agent_exit agent=agent-1 code=2",
                "another agent agent-1 (pid ", "runs with work directory " + local.agentDir("agent-1"));
        Cli.Result status = Cli.run("status", "--state-dir", state.toString());
        assertThat(status.out().lines().filter(l -> l.startsWith("agent-1"))).singleElement().asString().contains("ALIVE");
    }

    private void awaitLine(Path console, String line) {
        org.awaitility.Awaitility.await().atMost(START).pollInterval(java.time.Duration.ofMillis(100))
                .failFast("graphagent local exited", () -> !local.isAlive())
                .until(() -> Files.exists(console) && Files.readString(console, StandardCharsets.UTF_8).contains(line));
    }
}
