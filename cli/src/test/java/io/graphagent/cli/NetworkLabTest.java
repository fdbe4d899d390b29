package io.graphagent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.graphagent.cli.netlab.Firewall;
import io.graphagent.cli.netlab.LabNetwork;
import io.graphagent.cli.netlab.NetLab;
import io.graphagent.cli.netlab.NetLabExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every network cause of an agent drop, reproduced for real in a {@link NetLab}: a coordinator
 * and two agents, each a JVM in a network namespace of its own, joined through a router
 * namespace; faults are nftables rules, MTUs, routes and addresses in those namespaces, and a
 * real HAProxy. Each case measures what graphagent reports (detection time; the cause in the
 * coordinator's event log, the agent's log and metrics) and what {@code doctor} prints inside
 * the agent's namespace with that agent's certificates; where a job runs, its result must equal
 * the single-process engine's. Each case heals the network and waits for the cluster to be
 * whole again, so all share one cluster. Every case prints a {@code netlab case:} line, also
 * appended to {@code target/netlab-report.txt}.
 */
@ExtendWith(NetLabExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NetworkLabTest {
    private static final Duration START = Duration.ofSeconds(90);
    private static final Duration HEAL = Duration.ofSeconds(60);
    private static final Duration DETECT = Duration.ofSeconds(40);
    private static final String VICTIM = "agent-2";
    /** HAProxy's idle timeouts in the proxy case: shorter than the heartbeat, then between heartbeat and keepalive. */
    private static final Duration SHORT_IDLE = Duration.ofMillis(400);
    private static final Duration LONG_IDLE = Duration.ofSeconds(3);
    private static final int SHORT_FRONTEND = 7401;
    private static final int LONG_FRONTEND = 7402;

    @TempDir
    static Path dir;
    static LabCluster cluster;
    static PageRankReference reference;

    @BeforeAll
    static void startCluster(NetLab lab) throws Exception {
        LabNetwork net = LabNetwork.star(lab);
        // The load balancer of the proxy case listens on the router's address on the coordinator's link.
        cluster = LabCluster.prepare(net, dir, 2, List.of(loadBalancerAddress()));
        cluster.startCoordinator(START);
        cluster.startAgent("agent-1");
        cluster.startAgent(VICTIM);
        reference = PageRankReference.rmat(dir, 12, 200, 8);
        cluster.awaitAlive(START, "agent-1", VICTIM);
    }

    @AfterAll
    static void stopCluster() throws IOException {
        if (cluster != null) {
            cluster.close();
            cluster.keepLogs(Path.of("target", "netlab-logs"));
        }
    }

    /** Whatever a case did, the next one starts from a whole cluster. */
    @AfterEach
    void clusterIsWholeAgain() {
        cluster.awaitAlive(HEAL, "agent-1", VICTIM);
    }

    private static String loadBalancerAddress() {
        return "10.213." + LabCluster.COORDINATOR_SUBNET + ".1";
    }

    private static LabNetwork.Node victim() {
        return cluster.node(VICTIM);
    }

    private static Firewall.Rule routerRule(String rule) {
        return cluster.network().routerFirewall().add(Firewall.Chain.FORWARD, rule);
    }

    @Test
    @Order(1)
    @Timeout(120)
    void aHealthyPathPassesEveryNetworkCheck() throws Exception {
        LabCluster.Run doctor = cluster.doctor("agent-1", cluster.coordinatorAddress(), "--idle-wait", "1s");
        assertThat(line(doctor, "PASS", "tcp-connect")).isPresent();
        assertThat(line(doctor, "PASS", "route")).get().asString()
                .contains("is reached through the gateway 10.213.11.1 on eth0 (default)");
        assertThat(line(doctor, "PASS", "path-mtu")).get().asString()
                .contains("toward the coordinator packets up to 9000 bytes pass; back packets up to 9000 bytes pass");
        assertThat(line(doctor, "FAIL", "tls-handshake")).as(doctor.out()).isEmpty();
        assertThat(line(doctor, "PASS", "agent-ports")).as(doctor.out()).isPresent();
        assertThat(line(doctor, "PASS", "idle-connection")).as(doctor.out()).isPresent();
        report("healthy path", "-", "-", doctor, "path-mtu");
    }

    @Test
    @Order(2)
    @Timeout(120)
    void aFirewallDroppingTheSessionPortExpiresTheLeaseAndTheAgentSeesConnectTimeouts() throws Exception {
        Instant cut = Instant.now();
        try (Firewall.Rule rule = routerRule("ip saddr " + victim().address() + " tcp dport " + LabCluster.PORT + " drop")) {
            CoordinatorEvents.Event dead = cluster.awaitEvent(e -> e.agentBecame(VICTIM, "DEAD"), cut, DETECT);
            assertThat(dead.cause()).isEqualTo("lease_expired");
            LabCluster.Run status = cluster.status();
            String statusLine = status.out().lines().filter(l -> l.startsWith(VICTIM + " ")).findFirst().orElse("");
            assertThat(statusLine).as(status.out()).contains("DEAD", "lease_expired");
            assertThat(cluster.metric(cluster.coordinatorNode().ns(), "graphagent_lease_expiries_total",
                    "cause=\"lease_expired\"")).isPositive();
            LabCluster.LogLine seen = cluster.awaitLogLine(VICTIM, "cause=connect_timeout event=connect_failed", cut, DETECT);
            assertThat(cluster.metric(victim().ns(), "graphagent_reconnects_total", "cause=\"connect_timeout\"")).isPositive();
            LabCluster.Run doctor = cluster.doctor(VICTIM, cluster.coordinatorAddress(), "--idle-wait", "0");
            assertThat(line(doctor, "FAIL", "tcp-connect")).get().asString().contains("[cause=connect_timeout]");
            report(rule.describe(), "coordinator: DEAD lease_expired after " + millis(cut, dead.time()) + "; status: "
                            + statusLine.replaceAll(" +", " "),
                    "agent: connect_timeout, first after " + millis(cut, seen.time()), doctor, "tcp-connect");
        }
    }

    @Test
    @Order(3)
    @Timeout(120)
    void aFirewallRejectingTheSessionPortIsRefusedWithAResetAndUnreachableWithIcmp() throws Exception {
        Instant cut = Instant.now();
        String match = "ip saddr " + victim().address() + " tcp dport " + LabCluster.PORT;
        try (Firewall.Rule rule = routerRule(match + " reject with tcp reset")) {
            CoordinatorEvents.Event dead = cluster.awaitEvent(e -> e.agentBecame(VICTIM, "DEAD"), cut, DETECT);
            assertThat(dead.cause()).isEqualTo("lease_expired");
            LabCluster.LogLine seen = cluster.awaitLogLine(VICTIM, "cause=connection_refused event=connect_failed", cut, DETECT);
            LabCluster.Run doctor = cluster.doctor(VICTIM, cluster.coordinatorAddress(), "--idle-wait", "0");
            assertThat(line(doctor, "FAIL", "tcp-connect")).get().asString().contains("[cause=connection_refused]");
            report(rule.describe(), "coordinator: DEAD lease_expired after " + millis(cut, dead.time()),
                    "agent: connection_refused, first after " + millis(cut, seen.time()), doctor, "tcp-connect");
        }
        Instant icmp = Instant.now();
        try (Firewall.Rule rule = routerRule(match + " reject with icmpx type admin-prohibited")) {
            LabCluster.LogLine seen = cluster.awaitLogLine(VICTIM, "cause=host_unreachable event=connect_failed", icmp, DETECT);
            LabCluster.Run doctor = cluster.doctor(VICTIM, cluster.coordinatorAddress(), "--idle-wait", "0");
            assertThat(line(doctor, "FAIL", "tcp-connect")).get().asString().contains("[cause=host_unreachable]");
            report(rule.describe(), "-", "agent: host_unreachable after " + millis(icmp, seen.time()), doctor, "tcp-connect");
        }
    }

    @Test
    @Order(4)
    @Timeout(120)
    void anAsymmetricPartitionExpiresTheLeaseAndTheAgentTimesOut() throws Exception {
        Instant cut = Instant.now();
        try (Firewall.Rule rule = routerRule("ip saddr " + cluster.coordinatorNode().address() + " ip daddr "
                + victim().address() + " drop")) {
            CoordinatorEvents.Event dead = cluster.awaitEvent(e -> e.agentBecame(VICTIM, "DEAD"), cut, DETECT);
            assertThat(dead.cause()).isEqualTo("lease_expired");
            LabCluster.LogLine lost = cluster.awaitLogLine(VICTIM, "event=session_lost", cut, DETECT);
            LabCluster.LogLine dial = cluster.awaitLogLine(VICTIM, "cause=connect_timeout event=connect_failed", cut, DETECT);
            LabCluster.Run doctor = cluster.doctor(VICTIM, cluster.coordinatorAddress(), "--idle-wait", "0");
            assertThat(line(doctor, "FAIL", "tcp-connect")).get().asString().contains("[cause=connect_timeout]");
            report(rule.describe(), "coordinator: DEAD lease_expired after " + millis(cut, dead.time()),
                    "agent: session lost (" + causeOf(lost.text()) + ") after " + millis(cut, lost.time())
                            + ", then connect_timeout", doctor, "tcp-connect");
            assertThat(dial.time()).isAfterOrEqualTo(lost.time());
        }
    }

    @Test
    @Order(5)
    @Timeout(120)
    void aRemovedRouteIsNetworkUnreachable() throws Exception {
        Instant cut = Instant.now();
        victim().ns().ip("route", "del", "default");
        try {
            CoordinatorEvents.Event dead = cluster.awaitEvent(e -> e.agentBecame(VICTIM, "DEAD"), cut, DETECT);
            assertThat(dead.cause()).isEqualTo("lease_expired");
            LabCluster.LogLine seen = cluster.awaitLogLine(VICTIM, "cause=network_unreachable event=connect_failed", cut, DETECT);
            LabCluster.Run doctor = cluster.doctor(VICTIM, cluster.coordinatorAddress(), "--idle-wait", "0");
            assertThat(line(doctor, "FAIL", "tcp-connect")).get().asString().contains("[cause=network_unreachable]");
            assertThat(line(doctor, "FAIL", "route")).get().asString()
                    .contains("this host has no route to 10.213.1.2 (no matching entry, no default route)");
            report("ip route del default (in " + VICTIM + ")", "coordinator: DEAD lease_expired after " + millis(cut, dead.time()),
                    "agent: network_unreachable after " + millis(cut, seen.time()), doctor, "route");
        } finally {
            victim().ns().ip("route", "add", "default", "via", victim().gateway());
        }
    }

    @Test
    @Order(6)
    @Timeout(120)
    void aSubnetMaskTooWideLooksForTheCoordinatorOnTheAgentsOwnLink() throws Exception {
        Instant cut = Instant.now();
        setMask(16);
        try {
            CoordinatorEvents.Event dead = cluster.awaitEvent(e -> e.agentBecame(VICTIM, "DEAD"), cut, DETECT);
            LabCluster.LogLine seen = cluster.awaitLogLine(VICTIM, "cause=host_unreachable event=connect_failed", cut, DETECT);
            LabCluster.Run doctor = cluster.doctor(VICTIM, cluster.coordinatorAddress(), "--idle-wait", "0");
            assertThat(line(doctor, "FAIL", "tcp-connect")).get().asString().contains("[cause=host_unreachable]");
            assertThat(line(doctor, "FAIL", "route")).get().asString().contains("10.213.1.2 is on this host's link eth0"
                    + " (10.213.0.0/16), reached by ARP, which nobody answered");
            report(victim().address() + "/16 instead of /24 (in " + VICTIM + ")", "coordinator: DEAD " + dead.cause()
                    + " after " + millis(cut, dead.time()), "agent: host_unreachable after " + millis(cut, seen.time()),
                    doctor, "route");
        } finally {
            setMask(24);
        }
    }

    private static void setMask(int bits) {
        LabNetwork.Node node = victim();
        node.ns().ip("addr", "flush", "dev", LabNetwork.NODE_INTERFACE);
        node.ns().ip("addr", "add", node.address() + "/" + bits, "dev", LabNetwork.NODE_INTERFACE);
        node.ns().ip("route", "replace", "default", "via", node.gateway());
    }

    @Test
    @Order(7)
    @Timeout(150)
    void anMtuBlackHoleStallsTheHandshakeOfAnAgentThatStartsBehindIt() throws Exception {
        try (MtuBlackHole hole = MtuBlackHole.on(victim())) {
            cluster.kill(VICTIM);
            Instant start = Instant.now();
            cluster.startAgent(VICTIM);
            LabCluster.LogLine seen = cluster.awaitLogLine(VICTIM, "cause=path_mtu_blackhole event=connect_failed", start, DETECT);
            assertThat(cluster.metric(victim().ns(), "graphagent_reconnects_total", "cause=\"path_mtu_blackhole\"")).isPositive();
            LabCluster.Run doctor = cluster.doctor(VICTIM, cluster.coordinatorAddress(), "--idle-wait", "0");
            assertThat(line(doctor, "FAIL", "path-mtu")).get().asString()
                    .contains("packets up to 1400 bytes pass, [1500, 4000, 9000] bytes are lost")
                    .contains("[cause=path_mtu_blackhole]");
            assertThat(line(doctor, "PASS", "tls-handshake")).as("a handshake through the black hole is no PASS").isEmpty();
            report(hole.describe(), "coordinator: nothing (the agent never gets through)", "agent: path_mtu_blackhole after "
                    + millis(start, seen.time()) + " from its start", doctor, "path-mtu");
        }
    }

    @Test
    @Order(8)
    @Timeout(180)
    void anMtuBlackHoleMidJobStallsOnlyTheExchangesAndTheJobStillEndsRight() throws Exception {
        Path output = dir.resolve("pr-mtu.txt");
        LabCluster.Submitted job = cluster.submit(reference, output, 5);
        cluster.awaitSuperstep(job, 3, START);
        Instant cut = Instant.now();
        CoordinatorEvents.Event lost;
        try (MtuBlackHole hole = MtuBlackHole.on(victim())) {
            lost = cluster.awaitEvent(e -> e.jobBecame("RECOVERING") && e.detail().contains("(path_mtu_blackhole)"), cut,
                    DETECT);
            LabCluster.LogLine seen = cluster.awaitLogLine("agent-1", "cause=path_mtu_blackhole event=exchange_failed", cut,
                    DETECT);
            report(hole.describe() + ", during a job", "coordinator: job RECOVERING, " + lostAgent(lost) + ", after "
                    + millis(cut, lost.time()), "agent-1: exchange_failed path_mtu_blackhole after "
                    + millis(cut, seen.time()), null, null);
        }
        assertThat(cluster.events().all(e -> e.agentBecame(VICTIM, "SUSPECT") || e.agentBecame(VICTIM, "DEAD"))
                .stream().filter(e -> !e.time().isBefore(cut)).toList()).as("heartbeats (small) passed the whole time").isEmpty();
        jobSucceededWithTheEnginesResult(job, output);
    }

    @Test
    @Order(9)
    @Timeout(180)
    void dataPortsBlockedBetweenAgentsFailExchangesWhileSessionsStayUp() throws Exception {
        Path output = dir.resolve("pr-data.txt");
        LabCluster.Submitted job = cluster.submit(reference, output, 5);
        cluster.awaitSuperstep(job, 3, START);
        String agents = "{ " + cluster.node("agent-1").address() + ", " + victim().address() + " }";
        Instant cut = Instant.now();
        try (Firewall.Rule rule = routerRule("ip saddr " + agents + " ip daddr " + agents + " tcp dport " + LabCluster.DATA_PORT
                + " drop")) {
            CoordinatorEvents.Event lost = cluster.awaitEvent(e -> e.jobBecame("RECOVERING"), cut, DETECT);
            assertThat(lost.detail()).contains("(connect_timeout)");
            LabCluster.LogLine seen = cluster.awaitLogLine("agent-1", "event=exchange_failed", cut, DETECT);
            LabCluster.Run doctor = cluster.doctor("agent-1", cluster.coordinatorAddress(), "--idle-wait", "0");
            assertThat(line(doctor, "FAIL", "agent-ports")).get().asString()
                    .contains(VICTIM + "@" + victim().address() + ":" + LabCluster.DATA_PORT + " connect_timeout");
            assertThat(line(doctor, "PASS", "protocol")).as("the session port is open").isPresent();
            report(rule.describe() + ", during a job", "coordinator: job RECOVERING, " + lostAgent(lost) + ", after "
                    + millis(cut, lost.time()), "agent-1: exchange_failed " + causeOf(seen.text()) + " after "
                    + millis(cut, seen.time()), doctor, "agent-ports");
        }
        assertThat(cluster.events().all(e -> e.anyAgentBecame("SUSPECT") || e.anyAgentBecame("DEAD"))
                .stream().filter(e -> !e.time().isBefore(cut)).toList()).as("sessions were untouched").isEmpty();
        jobSucceededWithTheEnginesResult(job, output);
    }

    @Test
    @Order(10)
    @Timeout(180)
    void aLoadBalancerWhoseIdleTimeoutIsShorterThanTheHeartbeatCutsEverySession() throws Exception {
        assertThat(new ProcessBuilder("sh", "-c", "command -v haproxy").start().waitFor())
                .as("haproxy is installed (Debian package haproxy; .ci/run installs it)").isZero();
        Path config = dir.resolve("haproxy.cfg");
        Files.writeString(config, haproxyConfig(), StandardCharsets.UTF_8);
        Process haproxy = cluster.network().router().start(List.of("haproxy", "-f", config.toString(), "-db"), java.util.Map.of(),
                cluster.log("haproxy"));
        try {
            String shortFrontend = loadBalancerAddress() + ":" + SHORT_FRONTEND;
            cluster.kill(VICTIM);
            Instant start = Instant.now();
            cluster.startAgent(VICTIM, shortFrontend);
            LabCluster.LogLine named = cluster.awaitLogLine(VICTIM, "cause=path_idle_timeout event=session_lost", start, DETECT);
            List<CoordinatorEvents.Event> resumed = cluster.events().all(e -> e.agentBecame(VICTIM, "ALIVE")
                    && e.cause().equals("resumed") && !e.time().isBefore(start));
            assertThat(resumed).as("the agent resumed its session after each cut").isNotEmpty();
            assertThat(cluster.events().first(e -> e.agentBecame(VICTIM, "DEAD"), named.time())).isEmpty();
            LabCluster.Run cut = cluster.doctor(VICTIM, shortFrontend, "--idle-wait", "3s");
            assertThat(line(cut, "FAIL", "idle-connection")).get().asString()
                    .contains("shorter than the heartbeat interval 500ms").contains("[cause=path_idle_timeout]");
            report("HAProxy (TCP mode) with timeout client/server " + SHORT_IDLE.toMillis() + "ms in front of the coordinator",
                    "coordinator: " + resumed.size() + " SUSPECT -> ALIVE (resumed) within " + millis(start, Instant.now()),
                    "agent: path_idle_timeout after " + millis(start, named.time()) + " from its start", cut, "idle-connection");
            LabCluster.Run longer = cluster.doctor(VICTIM, loadBalancerAddress() + ":" + LONG_FRONTEND);
            assertThat(line(longer, "WARN", "idle-connection")).get().asString()
                    .contains("shorter than the keepalive time 10s").contains("[cause=path_idle_timeout]");
            report("HAProxy with timeout " + LONG_IDLE.toSeconds() + "s (longer than the heartbeat, shorter than the keepalive)",
                    "-", "-", longer, "idle-connection");
            Cli.Result check = configCheckWithProxy(SHORT_IDLE);
            assertThat(check.out()).contains("ERROR network.proxy-idle-timeout: 400ms is not more than session.heartbeat-interval");
            Cli.Result checkLonger = configCheckWithProxy(LONG_IDLE);
            assertThat(checkLonger.out()).contains("ERROR network.proxy-idle-timeout: 3s is not more than the gRPC keepalive time");
            appendReport("config check with network.proxy-idle-timeout: " + firstLine(check.out(), "network.proxy-idle-timeout")
                    + " | " + firstLine(checkLonger.out(), "network.proxy-idle-timeout"));
        } finally {
            cluster.kill(VICTIM);
            cluster.startAgent(VICTIM);
            haproxy.destroy();
        }
    }

    private static String haproxyConfig() {
        String coordinator = cluster.coordinatorAddress();
        return """
                global
                    maxconn 256
                defaults
                    mode tcp
                    timeout connect 2s
                frontend short
                    bind %s:%d
                    timeout client %dms
                    default_backend short
                backend short
                    timeout server %dms
                    server coordinator %s
                frontend long
                    bind %s:%d
                    timeout client %dms
                    default_backend long
                backend long
                    timeout server %dms
                    server coordinator %s
                """.formatted(loadBalancerAddress(), SHORT_FRONTEND, SHORT_IDLE.toMillis(), SHORT_IDLE.toMillis(), coordinator,
                loadBalancerAddress(), LONG_FRONTEND, LONG_IDLE.toMillis(), LONG_IDLE.toMillis(), coordinator);
    }

    private static Cli.Result configCheckWithProxy(Duration idle) throws IOException {
        Path file = dir.resolve("proxy-" + idle.toMillis() + ".yaml");
        Files.writeString(file, Files.readString(cluster.config()) + "network:\n  proxy-idle-timeout: " + idle.toMillis()
                + "ms\n", StandardCharsets.UTF_8);
        Cli.Result result = Cli.run("config", "check", file.toString());
        assertThat(result.exitCode()).as(result.toString()).isEqualTo(2);
        return result;
    }

    // ---- helpers -------------------------------------------------------------------------------

    /**
     * An MTU black hole on {@code node}'s link: the router's end at 1400 bytes (the node's end
     * stays at 9000, so both ends send 9000-byte packets), and the router's ICMP "fragmentation
     * needed" dropped, so no sender learns the smaller MTU. Closing it heals the link.
     */
    private record MtuBlackHole(LabNetwork.Node node, Firewall.Rule icmp) implements AutoCloseable {
        static final int HOP_MTU = 1400;

        static MtuBlackHole on(LabNetwork.Node node) {
            // The rule first: one "fragmentation needed" that got out would teach its sender the
            // smaller MTU (cached for minutes), and no black hole would be left to see.
            Firewall.Rule icmp = cluster.network().routerFirewall().add(Firewall.Chain.OUTPUT,
                    "icmp type destination-unreachable icmp code frag-needed drop");
            cluster.network().routerSideMtu(node, HOP_MTU);
            return new MtuBlackHole(node, icmp);
        }

        String describe() {
            return "MTU " + HOP_MTU + " on the router's end of " + node.name() + "'s link (" + LabNetwork.JUMBO
                    + " elsewhere), ICMP frag-needed dropped: " + icmp.describe();
        }

        @Override
        public void close() {
            cluster.network().routerSideMtu(node, LabNetwork.JUMBO);
            icmp.close();
        }
    }

    private static void jobSucceededWithTheEnginesResult(LabCluster.Submitted job, Path output) throws Exception {
        LabCluster.Run run = job.await(Duration.ofSeconds(120));
        assertThat(run.exitCode()).as(run.out()).isZero();
        reference.assertEngineWrites(output);
    }

    /** The doctor line with {@code verdict} for {@code check}. */
    private static Optional<String> line(LabCluster.Run doctor, String verdict, String check) {
        return doctor.out().lines().filter(l -> l.matches(verdict + " +" + check + " .*")).findFirst();
    }

    private static String firstLine(String text, String containing) {
        return text.lines().filter(l -> l.contains(containing)).findFirst().orElse("");
    }

    /** {@code lost agent agent-2 (path_mtu_blackhole)} from a RECOVERING event's detail. */
    private static String lostAgent(CoordinatorEvents.Event recovering) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("lost agent \\S+ \\(\\w+\\)").matcher(recovering.detail());
        return m.find() ? m.group() : recovering.detail();
    }

    private static String causeOf(String logLine) {
        return logLine.replaceAll("^.*cause=(\\S+).*$", "$1");
    }

    private static String millis(Instant from, Instant to) {
        return Duration.between(from, to).toMillis() + " ms";
    }

    /** Prints the case's line (and the doctor line of {@code check}) and appends it to the report. */
    private static void report(String fault, String coordinator, String agent, LabCluster.Run doctor, String check)
            throws IOException {
        String doctorLine = doctor == null ? "-" : doctor.out().lines()
                .filter(l -> l.matches("(PASS|WARN|FAIL|SKIPPED) +" + check + " .*")).findFirst().orElse("-");
        appendReport(fault + "\n    " + coordinator + "\n    " + agent + "\n    doctor: " + doctorLine);
    }

    private static void appendReport(String text) throws IOException {
        System.out.println("netlab case: " + text);
        Path report = Path.of("target", "netlab-report.txt");
        Files.createDirectories(report.getParent());
        Files.writeString(report, text + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
