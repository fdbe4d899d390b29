package io.graphagent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.graphagent.config.HostPort;
import io.graphagent.coordinator.etcd.EtcdFixture;
import io.graphagent.coordinator.etcd.LocalEtcd;
import io.graphagent.graph.output.ResultComparator;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openqa.selenium.By;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients given {@code --etcd} against real processes: a three-member etcd, two coordinators of
 * the etcd store, one agent. {@code status} and {@code submit} find the leader in etcd's leader
 * key, also after a failover that the state directory's address does not know of; the
 * dashboard's Coordinators panel (a real headless Chromium, on this cluster rather than one of
 * its own) shows the leader, the standby and the term before and after.
 */
class EtcdClientsTest {
    private static final Duration START = Duration.ofSeconds(90);
    private static final Duration TTL = Duration.ofSeconds(2);
    /** Bound on a change reaching the dashboard (it polls every second; a loaded 2-core machine). */
    private static final Duration SEEN = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    /** Starts {@code coordinators} coordinators of the etcd store and the cluster's agents, all ALIVE. */
    private static void start(LocalCluster cluster, LocalEtcd etcd, int coordinators) throws Exception {
        cluster.environment(Map.of("GRAPHAGENT_SESSION_RECONNECT_MAX", "1s",
                "GRAPHAGENT_COORDINATOR_ETCD_ELECTION_TTL", TTL.toSeconds() + "s"));
        cluster.useEtcd(etcd.endpoints(), coordinators);
        cluster.startCoordinator(START);
        cluster.startAgents();
        cluster.awaitAlive(START);
    }

    @Test
    @Timeout(300)
    void statusAndSubmitGivenEtcdFindTheLeaderAfterAFailover() throws Exception {
        LocalState state = new LocalState(dir.resolve("state"));
        StringWriter log = new StringWriter();
        try (LocalEtcd etcd = EtcdFixture.start(3);
             LocalCluster cluster = LocalCluster.prepare(state, 1, 0, false, new PrintWriter(log, true),
                     LocalCommand.jvmOptions());
             HeadlessChromium browser = HeadlessChromium.start()) {
            start(cluster, etcd, 2);
            HostPort first = cluster.awaitLeader(START);
            int leaderNumber = cluster.coordinatorAddresses().indexOf(first) + 1;
            HostPort second = cluster.coordinatorAddresses().get(2 - leaderNumber);
            String leaderId = "coordinator-" + leaderNumber;
            String standbyId = "coordinator-" + (3 - leaderNumber);

            // The dashboard's Coordinators panel (etcd store): the leader with its term and the standby, etcd healthy.
            browser.open(dashboardOf(cluster, state, leaderId, 1));
            browser.waitUpTo(SEEN).until(d -> coordinatorRows(browser).size() == 2);
            assertThat(coordinatorRows(browser)).containsExactlyInAnyOrder(
                    leaderId + " leader 1 " + first, standbyId + " standby  " + second);
            assertThat(browser.text("#coordinators-summary")).isEqualTo("(term 1)");
            assertThat(browser.driver().findElement(By.id("coordinators-single")).isDisplayed()).isFalse();

            Cli.Result before = status(state, etcd);
            assertThat(before.exitCode()).as(before.toString()).isZero();
            assertThat(before.out()).startsWith("coordinator " + first).contains("this coordinator LEADS");

            // The leader dies; the state directory still names it, etcd names its successor.
            cluster.child("coordinator-" + leaderNumber).orElseThrow().process().destroyForcibly().waitFor();
            Awaitility.await().atMost(TTL.plusSeconds(15)).pollInterval(Duration.ofMillis(100))
                    .until(() -> cluster.currentLeader().filter(second::equals).isPresent());
            assertThat(Files.readString(state.addressFile()).strip()).isEqualTo(first.toString());

            // The successor serves once its coordinator service has replaced its standby server on the port.
            AtomicReference<Cli.Result> after = new AtomicReference<>();
            Awaitility.await().atMost(START).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                after.set(status(state, etcd));
                assertThat(after.get().exitCode()).as(after.get().toString()).isZero();
            });
            assertThat(after.get().out()).startsWith("coordinator " + second).contains("this coordinator LEADS");

            Awaitility.await().atMost(START).pollInterval(Duration.ofMillis(200)).until(() ->
                    status(state, etcd).out().lines().anyMatch(l -> l.contains("agent-1") && l.contains("ALIVE")));
            Path output = dir.resolve("bfs.txt");
            Cli.Result submit = Cli.run("submit", "--state-dir", state.dir().toString(), "--etcd", etcd.endpoints(),
                    "--etcd-insecure", "--algorithm", "bfs", "--graph", Cli.graphalytics().resolve("bfs-directed").toString(),
                    "--source", "1", "--output", output.toString());
            assertThat(submit.exitCode()).as(submit + "\n" + log).isZero();
            assertThat(ResultComparator.compare(Cli.graphalytics().resolve("bfs-directed-BFS"), output,
                    ResultComparator.Rule.forKernel("BFS"))).isEmpty();

            // The new leader's panel: itself, leading with the next term; the killed one gone with its etcd lease.
            browser.open(dashboardOf(cluster, state, standbyId, 2));
            browser.waitUpTo(SEEN).until(d -> coordinatorRows(browser).equals(List.of(standbyId + " leader 2 " + second)));
            assertThat(browser.text("#coordinators-summary")).isEqualTo("(term 2)");
            browser.screenshot("dashboard-coordinators-etcd");
        }
    }

    /**
     * The dashboard of coordinator {@code id} once it leads {@code term}: its admin address as it
     * printed it on taking the lead (each coordinator has its own), the admin token in the fragment.
     */
    private static String dashboardOf(LocalCluster cluster, LocalState state, String id, long term) throws Exception {
        Pattern leading = Pattern.compile("coordinator leading on \\S+, term " + term + " \\(admin (http://\\S+)\\)");
        AtomicReference<String> admin = new AtomicReference<>();
        Awaitility.await().atMost(START).pollInterval(Duration.ofMillis(200)).until(() -> {
            Matcher m = leading.matcher(Files.readString(state.log(id)));
            if (m.find()) {
                admin.set(m.group(1));
            }
            return admin.get() != null;
        });
        return admin.get() + "/#token=" + URLEncoder.encode(cluster.adminToken(), StandardCharsets.UTF_8);
    }

    /** The Coordinators panel's rows: "id role term address" (no term for a standby), read in one script. */
    @SuppressWarnings("unchecked")
    private static List<String> coordinatorRows(HeadlessChromium browser) {
        return (List<String>) browser.script("return Array.from(document.querySelectorAll('#coordinators tbody tr'))"
                + ".map(r => ['.id', '.role', '.term', '.address'].map(c => r.querySelector(c).textContent).join(' '))");
    }

    @Test
    @Timeout(300)
    void aLostEtcdQuorumRefusesNewJobsWithTheReasonAndTheNextJobRunsWhenItIsBack() throws Exception {
        LocalState state = new LocalState(dir.resolve("state"));
        StringWriter log = new StringWriter();
        try (LocalEtcd etcd = EtcdFixture.start(3);
             LocalCluster cluster = LocalCluster.prepare(state, 1, 0, false, new PrintWriter(log, true),
                     LocalCommand.jvmOptions())) {
            start(cluster, etcd, 1);
            HostPort leader = cluster.awaitLeader(START);

            etcd.kill(etcd.members().get(1));
            etcd.kill(etcd.members().get(2));
            // The quorum is known lost once the leader's status says so; from then on no job is admitted and every
            // Submit is refused with the quorum as the cause and the unavailable cluster's exit code (1), whether the
            // leader answers (before its lease runs out) or the standby it becomes; never a field error (exit 2).
            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() ->
                    Cli.run("status", "--state-dir", state.dir().toString(), "--coordinator", leader.toString()).out()
                            .contains("etcd=UNHEALTHY: etcd has no quorum"));
            Path refusedOutput = dir.resolve("refused.txt");
            java.util.List<Cli.Result> attempts = new java.util.ArrayList<>();
            Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                Cli.Result refused = submit(state, leader, refusedOutput);
                attempts.add(refused);
                assertThat(refused.err()).as(refused.toString()).contains("Submit failed: cause=not_leader (no coordinator"
                        + " leads: etcd has no quorum: etcd at " + etcd.endpoints() + " did not serve a read (quorum)",
                        "Fix: start enough etcd members for a majority");
            });
            assertThat(attempts).allSatisfy(a -> assertThat(a.exitCode()).as(a.toString()).isEqualTo(FailureHandler.EXIT_FAILURE))
                    .noneSatisfy(a -> assertThat(a.err()).contains("cannot record the job"));
            assertThat(refusedOutput).doesNotExist();
            Cli.Result lost = Cli.run("status", "--state-dir", state.dir().toString(), "--coordinator", leader.toString());
            assertThat(lost.exitCode()).as(lost.toString()).isZero();
            assertThat(lost.out()).as(lost.toString()).contains("this coordinator stands by", "etcd=UNHEALTHY: ",
                    "majority of the etcd members", "no job is admitted");

            etcd.start(etcd.members().get(1));
            etcd.start(etcd.members().get(2));
            Awaitility.await().atMost(START).pollInterval(Duration.ofMillis(200))
                    .until(() -> cluster.currentLeader().isPresent());
            Awaitility.await().atMost(START).pollInterval(Duration.ofMillis(500)).until(() ->
                    status(state, etcd).out().lines().anyMatch(l -> l.contains("agent-1") && l.contains("ALIVE")));
            Path output = dir.resolve("bfs.txt");
            Cli.Result again = submit(state, leader, output);
            assertThat(again.exitCode()).as(again + "\n" + log).isZero();
            assertThat(ResultComparator.compare(Cli.graphalytics().resolve("bfs-directed-BFS"), output,
                    ResultComparator.Rule.forKernel("BFS"))).isEmpty();
        }
    }

    private static Cli.Result submit(LocalState state, HostPort coordinator, Path output) {
        return Cli.run("submit", "--state-dir", state.dir().toString(), "--coordinator", coordinator.toString(), "--algorithm", "bfs",
                "--graph", Cli.graphalytics().resolve("bfs-directed").toString(), "--source", "1", "--output", output.toString());
    }

    private static Cli.Result status(LocalState state, LocalEtcd etcd) {
        return Cli.run("status", "--state-dir", state.dir().toString(), "--etcd", etcd.endpoints(), "--etcd-insecure");
    }
}
