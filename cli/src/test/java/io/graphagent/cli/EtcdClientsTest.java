package io.graphagent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.graphagent.config.HostPort;
import io.graphagent.coordinator.etcd.EtcdFixture;
import io.graphagent.coordinator.etcd.LocalEtcd;
import io.graphagent.graph.output.ResultComparator;
import java.io.PrintWriter;
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
 * key, also after a failover that the state directory's address does not know of.
 */
class EtcdClientsTest {
    private static final Duration START = Duration.ofSeconds(90);
    private static final Duration TTL = Duration.ofSeconds(2);

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
                     LocalCommand.jvmOptions())) {
            start(cluster, etcd, 2);
            HostPort first = cluster.awaitLeader(START);
            int leaderNumber = cluster.coordinatorAddresses().indexOf(first) + 1;
            HostPort second = cluster.coordinatorAddresses().get(2 - leaderNumber);

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
        }
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
