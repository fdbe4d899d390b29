package io.graphagent.ops.health;

import io.graphagent.config.GraphagentConfig;
import io.graphagent.config.HostPort;
import io.graphagent.ops.doctor.CheckResult;
import io.graphagent.ops.doctor.DoctorReport;
import io.graphagent.ops.doctor.LocalResources;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * {@code graphagent health}: is this host's graphagent process up, are its ports bound, is
 * there disk, is its lease held. Cheap enough for cron every minute; one line per check and
 * the exit code of {@link DoctorReport#exitCode()}. Stateless.
 */
public final class HostHealth {

    /** Deadline of each local connect and of the /readyz request: local, so short. */
    static final Duration DEADLINE = Duration.ofSeconds(2);

    private HostHealth() {
    }

    /**
     * @param config  the host's configuration (ports, work dir)
     * @param admin   the agent's admin address, for /readyz; empty skips the lease check
     * @param procDir where /proc is
     */
    public static DoctorReport check(GraphagentConfig config, Optional<HostPort> admin, Path procDir) {
        List<CheckResult> results = new ArrayList<>();
        List<String> roles = processes(procDir);
        results.add(roles.isEmpty()
                ? CheckResult.fail("process", "no graphagent agent or coordinator process in " + procDir,
                        "start it (`graphagent agent --config F` / `graphagent coordinator --config F`) and check its log")
                : CheckResult.pass("process", "running: " + roles));
        results.add(port("coordinator-port", config.coordinator().listen(), roles.stream().anyMatch(r -> r.startsWith("coordinator"))));
        results.add(port("data-port", config.agent().dataListen(), roles.stream().anyMatch(r -> r.startsWith("agent"))));
        results.add(LocalResources.check(procDir, List.of(config.agent().workDir())).stream()
                .filter(r -> r.check().equals("disk")).findFirst().orElseThrow());
        results.add(admin.map(HostHealth::readyz).orElse(CheckResult.skipped("lease",
                "no --admin HOST:PORT: give the agent's admin address to read its /readyz")));
        return new DoctorReport(results);
    }

    /** The graphagent roles running, as {@code agent pid=N} / {@code coordinator pid=N}. */
    static List<String> processes(Path procDir) {
        List<String> found = new ArrayList<>();
        String self = String.valueOf(ProcessHandle.current().pid());
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(procDir, "[0-9]*")) {
            for (Path entry : entries) {
                String pid = entry.getFileName().toString();
                if (pid.equals(self)) {
                    continue;
                }
                try {
                    List<String> args = Arrays.asList(new String(Files.readAllBytes(entry.resolve("cmdline")),
                            StandardCharsets.UTF_8).split("\0"));
                    boolean ours = args.stream().anyMatch(a -> a.equals("io.graphagent.cli.Main")
                            || (a.contains("graphagent") && a.endsWith(".jar")));
                    for (String role : List.of("agent", "coordinator")) {
                        if (ours && args.contains(role)) {
                            found.add(role + " pid=" + pid);
                        }
                    }
                } catch (IOException | RuntimeException gone) {
                    // the process ended while we looked, or is not ours to read
                }
            }
        } catch (IOException e) {
            return found;
        }
        return found;
    }

    static CheckResult port(String name, HostPort listen, boolean roleRunning) {
        if (!roleRunning) {
            return CheckResult.skipped(name, "no such process running here");
        }
        if (listen.port() == 0) {
            return CheckResult.skipped(name, "configured as port 0 (any free port): nothing fixed to check");
        }
        String host = listen.isWildcard() ? "127.0.0.1" : listen.host();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, listen.port()), (int) DEADLINE.toMillis());
            return CheckResult.pass(name, host + ":" + listen.port() + " accepts connections");
        } catch (IOException e) {
            return CheckResult.fail(name, host + ":" + listen.port() + " is not bound (" + e.getMessage() + ")",
                    "the process runs but does not listen: check its log for a bind error (port in use?)");
        }
    }

    static CheckResult readyz(HostPort admin) {
        URI uri = URI.create("http://" + admin + "/readyz");
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(DEADLINE).build()) {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri).timeout(DEADLINE).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            String body = response.body().strip().replaceAll("\\s+", " ");
            return response.statusCode() == 200
                    ? CheckResult.pass("lease", uri + " ready: " + body)
                    : CheckResult.fail("lease", uri + " answered " + response.statusCode() + ": " + body,
                            "the agent holds no live session: `graphagent doctor` from this host names the cause");
        } catch (IOException e) {
            return CheckResult.warn("lease", uri + " unreachable (" + e.getMessage() + ")",
                    "check --admin, or that this build's agent serves the admin HTTP API");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CheckResult.skipped("lease", "interrupted");
        }
    }
}
