package io.graphagent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.graphagent.config.AdminConfig;
import io.graphagent.config.CoordinatorConfig;
import io.graphagent.config.GraphagentConfig;
import io.graphagent.config.HostPort;
import io.graphagent.config.Profile;
import io.graphagent.coordinator.CoordinatorServer;
import io.graphagent.coordinator.job.JobScheduler;
import io.graphagent.graph.generate.RmatGenerator;
import io.graphagent.net.tls.TransportSecurity;
import io.graphagent.ops.http.CoordinatorAdmin;
import io.graphagent.protocol.v1.Algorithm;
import io.graphagent.protocol.v1.JobSpec;
import io.graphagent.protocol.v1.SubmitReply;
import io.graphagent.protocol.v1.SubmitRequest;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;

/**
 * The dashboard in a real headless Chromium: a local cluster of three agent processes, a
 * PageRank job, one agent SIGKILLed mid-job. The page shows it all as it happens, without a
 * reload; screenshots go to {@code cli/target/dashboard/} for review.
 */
class DashboardBrowserTest {
    private static final Duration START = Duration.ofSeconds(120);
    /** Bound on any one change reaching the page (poll 1 s, lease 5 s, a loaded 2-core machine). */
    private static final Duration SEEN = Duration.ofSeconds(60);
    /**
     * Long enough to watch (about 10 s on 3 agents of a 2-core machine): the page has seen the
     * job progress twice (two polls, a few supersteps) long before its end, and from the SIGSTOP
     * on the job cannot end before the killed agent's loss is recovered from.
     */
    private static final int ITERATIONS = 150;
    private static final String TOKEN = "dashboard-test-token-0123456789";

    @TempDir
    Path dir;

    @Test
    @Timeout(300)
    void pageFollowsAJobAndAKilledAgentWithoutReloading() throws Exception {
        Path prefix = dir.resolve("rmat-12");
        RmatGenerator.generate(new RmatGenerator.Parameters(12, 16, 7, false), prefix, 2, RmatGenerator.Progress.NONE);
        StringWriter log = new StringWriter();
        try (LocalCluster cluster = LocalCluster.prepare(new LocalState(dir.resolve("state")), 3, 0, false,
                new PrintWriter(log, true), LocalCommand.jvmOptions());
             HeadlessChromium browser = HeadlessChromium.start()) {
            cluster.startCoordinator(START);
            cluster.startAgents();
            cluster.awaitAlive(START);

            browser.open(cluster.dashboardUrl());
            browser.waitUpTo(SEEN).until(d -> List.of("agent-1", "agent-2", "agent-3").stream()
                    .allMatch(a -> browser.attribute("tr[data-agent='" + a + "']", "data-state").equals("ALIVE")));
            assertThat(browser.text("tr[data-agent='agent-1'] .state")).isEqualTo("ALIVE");
            // The local store: the Coordinators panel says there is one coordinator and no standby, and lists none.
            assertThat(browser.text("#coordinators-single")).startsWith("one coordinator (local store)");
            assertThat(browser.driver().findElement(By.id("coordinators")).isDisplayed()).isFalse();
            Object loadedAt = browser.script("return window.graphagentDashboard.loadedAt");

            String job;
            try (CoordinatorClient client = cluster.client()) {
                SubmitReply reply = client.submit(SubmitRequest.newBuilder().setJob(JobSpec.newBuilder()
                        .setAlgorithm(Algorithm.PAGERANK).setGraph(prefix.toString()).setDirected(true).setIterations(ITERATIONS)
                        .setDamping(0.85).setPartitions(12).setCheckpointEvery(10)
                        .setOutputPath(dir.resolve("pr.txt").toString())).build());
                assertThat(reply.getErrorsList()).isEmpty();
                job = reply.getJobId();
            }
            String card = ".job[data-job='" + job + "']";
            browser.waitUpTo(SEEN).until(d -> progress(browser, card) >= 3);
            int seen = progress(browser, card);
            browser.waitUpTo(SEEN).until(d -> progress(browser, card) > seen);
            assertThat(browser.text(card + " .superstep")).matches("superstep \\d+ of " + ITERATIONS);

            // agent-2 hangs first (SIGSTOP): its heartbeats stop, so the page shows it SUSPECT and
            // late for seconds; then its supervisor kills it (SIGKILL), its stream breaks, and the
            // coordinator finds its data port closed: DEAD (process_exited) well before the lease.
            // (Killed without the hang, an agent is SUSPECT for only ~250 ms, under one poll.)
            long pid = cluster.child("agent-2").orElseThrow().pid();
            String victim = "tr[data-agent='agent-2']";
            Signals.send("STOP", pid);
            browser.waitUpTo(SEEN).until(d -> browser.attribute(victim, "data-state").equals("SUSPECT"));
            assertThat(browser.attribute(victim, "class")).contains("late");
            assertThat(browser.text(victim + " .late-word")).isEqualTo("late");
            ProcessHandle.of(pid).orElseThrow().destroyForcibly();
            browser.waitUpTo(SEEN).until(d -> browser.attribute(victim, "data-state").equals("DEAD"));
            String deadEvent = "#events tr[data-kind='agent_state'][data-agent='agent-2']";
            browser.waitUpTo(SEEN).until(d -> d.findElements(By.cssSelector(deadEvent)).stream()
                    .anyMatch(e -> e.getText().contains("-> DEAD")));
            // Read in one script: the page re-renders every second, so elements found earlier go stale.
            @SuppressWarnings("unchecked")
            List<String> causes = (List<String>) browser.script("return Array.from(document.querySelectorAll(\""
                    + deadEvent + "\")).map(e => e.getAttribute('data-cause'))");
            // Newest first: the DEAD verdict names the dead process (or, on a machine too slow to
            // kill within the 5 s lease, the expired lease), after the late heartbeat.
            assertThat(causes).as("agent-2's events name their causes").isNotEmpty().allMatch(c -> !c.isBlank())
                    .contains("heartbeat_late");
            assertThat(causes.get(0)).isIn("process_exited", "lease_expired");
            assertThat(browser.text(victim + " .cause")).isNotBlank();
            browser.screenshot("dashboard-agent-down");

            browser.waitUpTo(Duration.ofSeconds(180)).until(d -> browser.attribute(card, "data-state").equals("SUCCEEDED"));
            assertThat(browser.text(card + " .recoveries")).matches("[1-9]\\d* recover(y|ies)");
            assertThat(browser.text(card + " .output")).isEqualTo(dir.resolve("pr.txt").toString());
            assertThat(browser.script("return document.querySelectorAll('#partitions tr[data-partition]').length"))
                    .isEqualTo(12L);
            assertThat(browser.script("return Array.from(document.querySelectorAll('#partitions td.agent'))"
                    + ".map(e => e.textContent.trim())")).asList().isNotEmpty().doesNotContain("agent-2");
            assertThat(browser.script("return window.graphagentDashboard.loadedAt")).as("no reload").isEqualTo(loadedAt);
            browser.screenshot("dashboard-job-done");

            // The heat view: a resident graph's routing table, one row per partition, on the survivors.
            assertThat(browser.driver().findElement(By.id("heat-empty")).isDisplayed()).isTrue();
            Cli.Result load = Cli.run("graph", "load", "--state-dir", dir.resolve("state").toString(), "--name", "rmat",
                    "--graph", prefix.toString(), "--directed", "--partitions", "6", "--timeout", "2m");
            assertThat(load.exitCode()).as(load + "\n" + log).isZero();
            browser.waitUpTo(SEEN).until(d -> Long.valueOf(6).equals(
                    browser.script("return document.querySelectorAll('#heat tr[data-partition]').length")));
            assertThat(browser.script("return Array.from(document.querySelectorAll('#heat tr[data-partition]')).every("
                    + "r => r.querySelector('.replicas').textContent.split(' ').includes("
                    + "r.querySelector('.routes-to').textContent.trim()))")).as("each routes to one of its replicas")
                    .isEqualTo(true);
            assertThat(browser.script("return Array.from(document.querySelectorAll('#heat td.replicas'))"
                    + ".map(e => e.textContent)")).asList().isNotEmpty().allSatisfy(r -> assertThat((String) r)
                    .doesNotContain("agent-2"));
            assertThat(browser.text("#heat-summary")).startsWith("(heat, hot over ").contains("6 partitions");
            assertThat(browser.driver().findElement(By.id("heat-empty")).isDisplayed()).isFalse();
            browser.screenshot("dashboard-heat");
        }
    }

    @Test
    @Timeout(120)
    void withoutTheTokenThePageSaysSoAndTheApiRefuses() throws Exception {
        GraphagentConfig base = Profile.TEST.defaults();
        GraphagentConfig config = new GraphagentConfig(base.profile(), base.cluster(),
                new CoordinatorConfig(new HostPort("127.0.0.1", 0), new HostPort("127.0.0.1", 0), dir.resolve("state")),
                base.agent(), base.session(), base.grpc(), base.tls(), base.network(), base.job(), new AdminConfig(TOKEN),
                // Any free port for the query API: 7490 may be another cluster's on a shared machine.
                base.query().withHttpListen(new HostPort("127.0.0.1", 0)));
        Clock clock = Clock.systemUTC();
        try (CoordinatorServer coordinator = CoordinatorServer.start(config, TransportSecurity.insecure(),
                directory -> new JobScheduler(directory, config, clock), clock);
             CoordinatorAdmin admin = CoordinatorAdmin.start(config, coordinator, TransportSecurity.insecure(), clock);
             HeadlessChromium browser = HeadlessChromium.start()) {
            String page = "http://127.0.0.1:" + admin.port() + "/";
            HttpResponse<String> api = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(page + "api/dashboard"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(api.statusCode()).isEqualTo(401);

            browser.open(page);
            browser.waitUpTo(SEEN).until(d -> d.findElement(By.id("token-required")).isDisplayed());
            assertThat(browser.text("#token-required")).startsWith("Token required.").contains("#token=");

            browser.open(page + "#token=wrong");
            browser.waitUpTo(SEEN).until(d -> d.findElement(By.id("token-required")).isDisplayed());

            browser.open(page + "#token=" + TOKEN);
            browser.waitUpTo(SEEN).until(d -> "ok".equals(d.findElement(By.tagName("body")).getAttribute("data-status")));
            assertThat(browser.driver().findElement(By.id("token-required")).isDisplayed()).isFalse();
            assertThat(browser.text("#summary")).isEqualTo("0 agents (0 alive), 0 jobs running");
            assertThat(browser.driver().getCurrentUrl()).as("the token leaves the address bar").doesNotContain(TOKEN);
        }
    }

    /** The value of the job's progress bar (supersteps done), 0 before it shows. */
    private static int progress(HeadlessChromium browser, String card) {
        String value = browser.attribute(card + " progress", "value");
        return value.isEmpty() ? 0 : (int) Double.parseDouble(value);
    }
}
