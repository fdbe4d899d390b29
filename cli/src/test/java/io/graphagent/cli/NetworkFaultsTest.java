package io.graphagent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.graphagent.config.HostPort;
import io.graphagent.net.testing.FaultProxy;
import io.graphagent.protocol.v1.AgentState;
import io.graphagent.protocol.v1.AgentStatus;
import io.graphagent.protocol.v1.JobProgress;
import io.graphagent.protocol.v1.JobState;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Network faults on the links, with real processes: a coordinator and agents, each a JVM of
 * {@code graphagent local}, every agent dialling the coordinator through a {@link FaultProxy} of
 * its own on 127.0.0.1, and reached by its peers' data-plane links through another (the agent
 * advertises the proxy as its data address). Each scenario runs
 * PageRank, asserts the output equals the single-process engine's, and records how long the
 * coordinator took to notice and to recover, from its event log, as {@link FaultFigures}.
 * Scenarios with the same setup share one cluster: the two flapping links (lan profile, 3
 * proxied agents) run one job each on a cluster started once for the class; the others, whose
 * timing or size differ, start their own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NetworkFaultsTest {
    private static final Duration START = Duration.ofSeconds(120);
    /** The setup of the flapping scenarios, whose cluster they share. */
    private static final Setup FLAPPING = new Setup(3, Map.of(), true, 12, 400, 12);

    /** One directory for the class: the flapping scenarios' cluster lives across methods. */
    @TempDir
    static Path dir;
    /** The flapping scenarios' cluster, started by the first of them. */
    private Started flappingCluster;
    private int clusters;

    @AfterAll
    void stopSharedCluster() {
        if (flappingCluster != null) {
            flappingCluster.close();
        }
    }

    /**
     * A partition of one agent's session link for twice the lease: the coordinator hears
     * nothing, declares the agent DEAD one lease after its last heartbeat, and the job recovers
     * on the others. Healed, the agent asks to resume, is told its session is over, drops its
     * job state and joins again as a new session.
     */
    @Test
    @Timeout(180)
    void blackHoledSessionLinkIsDeclaredDeadWithinTheLeaseAndTheAgentRejoinsAsNew() throws Exception {
        Duration heartbeat = Duration.ofMillis(500);
        Duration lease = Duration.ofSeconds(4);
        Map<String, String> timing = timing(heartbeat, lease, Duration.ofMillis(1500));
        timing.put("GRAPHAGENT_SESSION_RECONNECT_MAX", "1s");
        String victim = "agent-2";
        Instant[] cutAt = {null};
        long[] epochBefore = {0};
        ScheduledExecutorService healer = Executors.newSingleThreadScheduledExecutor();
        try {
            Run run = run(new Setup(3, timing, true, 12, 40, 12), (cluster, progress) -> {
                if (cutAt[0] == null && progress.getSuperstep() >= 4) {
                    epochBefore[0] = cluster.status(victim).getEpoch();
                    FaultProxy link = cluster.proxy(victim);
                    link.mode(FaultProxy.BLACK_HOLE);
                    cutAt[0] = Instant.now();
                    healer.schedule(() -> link.mode(FaultProxy.PASS), lease.multipliedBy(2).toMillis(), TimeUnit.MILLISECONDS);
                }
            }, cluster -> await().atMost(Duration.ofSeconds(60)).until(() -> {
                AgentStatus again = cluster.status(victim);
                return again.getState() == AgentState.ALIVE && again.getEpoch() > epochBefore[0];
            }));
            assertThat(cutAt[0]).as("the link was cut mid-job").isNotNull();
            CoordinatorEvents.Event dead = run.events().first(e -> e.agentBecame(victim, "DEAD"), cutAt[0])
                    .orElseThrow(() -> new AssertionError("no DEAD event for " + victim + run.events().describe()));
            assertThat(dead.cause()).isEqualTo("lease_expired");
            Duration detection = Duration.between(cutAt[0], dead.time());
            // Its last heartbeat came at most one interval before the cut; the lease runs from there.
            assertThat(detection).as("detection latency").isBetween(lease.minus(heartbeat).minusMillis(250),
                    lease.plus(heartbeat).plusSeconds(1));
            assertThat(run.last().getSummary().getRecoveries()).isEqualTo(1);
            assertThat(run.last().getSummary().getAgents()).isEqualTo(2);
            // Healed, it joined as new: a fresh session after the DEAD, not a resumed one.
            assertThat(run.events().first(e -> e.agentBecame(victim, "JOINING") && e.cause().equals("hello"), dead.time()))
                    .as("a new session for " + victim + run.events().describe()).isPresent();
            assertThat(Files.readString(run.state().log(victim), StandardCharsets.UTF_8))
                    .as("the agent learnt that its session was over").contains("event=session_dropped");
            new FaultFigures("black hole one session link for 2 x lease (lease " + Durations.millis(lease.toMillis())
                    + ", heartbeat " + Durations.millis(heartbeat.toMillis()) + ")", Optional.of(detection),
                    recovery(run, cutAt[0]), run.redone(), "agent DEAD once, rejoined as new").record();
        } finally {
            healer.shutdownNow();
        }
    }

    /**
     * 200 ms (+ up to 100 ms) each way on every link, session and data plane, for the whole job, under the wan
     * profile (made for round trips of 100 ms and more): heartbeats arrive late but well within
     * the lease, so no agent is suspected dead and the job needs no recovery.
     */
    @Test
    @Timeout(180)
    void latencyOnEveryLinkUnderTheWanProfileExpiresNoLease() throws Exception {
        Duration base = Duration.ofMillis(200);
        long[] worstRttMicros = {0};
        Run run = run(new Setup(3, new LinkedHashMap<>(Map.of("GRAPHAGENT_PROFILE", "wan")), true, 12, 8, 12),
                (cluster, progress) -> {
                    for (AgentStatus a : cluster.statuses()) {
                        worstRttMicros[0] = Math.max(worstRttMicros[0], a.getRttMicros());
                    }
                }, cluster -> { },
                proxies -> proxies.values().forEach(p -> p.mode(new FaultProxy.Latency(base, Duration.ofMillis(100)))));
        assertThat(run.last().getSummary().getBytesExchanged()).as("data went through the delayed data links").isPositive();
        assertThat(run.events().all(NetworkFaultsTest::leaseExpiry)).as("lease expiries" + run.events().describe()).isEmpty();
        assertThat(run.last().getSummary().getRecoveries()).isZero();
        assertThat(Duration.ofNanos(worstRttMicros[0] * 1000)).as("heartbeat round trips went through the latency")
                .isGreaterThanOrEqualTo(base.multipliedBy(2));
        new FaultFigures("200 ms + jitter 100 ms each way on every link (session and data), wan profile", Optional.empty(),
                Optional.empty(), 0, "0 lease expiries, worst heartbeat RTT " + worstRttMicros[0] / 1000 + " ms").record();
    }

    /**
     * One agent's session link reset every 2 s for the whole job: each time the agent dials
     * again within the lease and resumes its session, so it never becomes DEAD, keeps its
     * partitions, and the job needs no recovery.
     */
    @Test
    @Timeout(180)
    void flappingSessionLinkResumesTheSessionAndMovesNoPartition() throws Exception {
        String victim = "agent-2";
        Flapped flapped = flapping(cluster -> cluster.proxy(victim));
        Run run = flapped.run();
        assertThat(run.since(NetworkFaultsTest::leaseExpiry)).as("lease expiries" + run.events().describe()).isEmpty();
        assertThat(run.last().getSummary().getRecoveries()).as("partitions moved").isZero();
        assertThat(run.last().getSummary().getAgents()).isEqualTo(3);
        List<CoordinatorEvents.Event> resumed = run.since(e -> e.agentBecame(victim, "ALIVE") && e.cause().equals("resumed"));
        assertThat(resumed).as("sessions resumed" + run.events().describe()).isNotEmpty();
        Duration worstOut = Duration.ZERO;
        for (CoordinatorEvents.Event back : resumed) {
            CoordinatorEvents.Event lost = run.events().all(e -> e.agentBecame(victim, "SUSPECT") && e.seq() < back.seq())
                    .getLast();
            Duration out = Duration.between(lost.time(), back.time());
            worstOut = out.compareTo(worstOut) > 0 ? out : worstOut;
        }
        new FaultFigures("session link of one agent reset (RST) every 2 s, lan profile", Optional.empty(),
                Optional.of(worstOut), 0, flapped.resets() + " resets, " + resumed.size() + " sessions resumed, 0 partitions moved").record();
    }

    /**
     * The link into one agent's data port reset every 2 s for the whole job: an exchange that a
     * reset hits fails and the job rolls back to its last checkpoint (no agent is lost, no
     * partition moves), it finishes with exactly the fault-free result, and no lease expires
     * (the session links are untouched).
     */
    @Test
    @Timeout(180)
    void flappingDataLinkCostsNoLeaseAndNoWrongResult() throws Exception {
        Flapped flapped = flapping(cluster -> cluster.dataProxy("agent-2"));
        Run run = flapped.run();
        assertThat(run.since(NetworkFaultsTest::leaseExpiry)).as("lease expiries" + run.events().describe()).isEmpty();
        assertThat(run.since(e -> e.anyAgentBecame("DEAD"))).as("agents declared DEAD" + run.events().describe()).isEmpty();
        new FaultFigures("data link into one agent reset (RST) every 2 s, lan profile", Optional.empty(), Optional.empty(),
                run.redone(), flapped.resets() + " resets, " + run.last().getSummary().getRecoveries() + " recoveries, 0 agents DEAD").record();
    }

    /**
     * Eight agents and the coordinator on two cores, every agent computing flat out: heartbeats
     * run on a thread compute cannot starve, so no lease expires under the lan profile. (A data
     * plane TLS handshake starved past tls.handshake-timeout may still cost a recovery; that is
     * counted in the figures, not a lease expiry.)
     */
    @Test
    @Timeout(180)
    void eightAgentsSaturatingTwoCoresExpireNoLease() throws Exception {
        long[] worstHeartbeatAgeMs = {0};
        Run run = run(new Setup(8, new LinkedHashMap<>(), false, 15, 20, 32), (cluster, progress) -> {
            for (AgentStatus a : cluster.statuses()) {
                worstHeartbeatAgeMs[0] = Math.max(worstHeartbeatAgeMs[0], a.getLastHeartbeatAgeMs());
            }
        }, cluster -> { });
        assertThat(run.events().all(NetworkFaultsTest::leaseExpiry)).as("lease expiries" + run.events().describe()).isEmpty();
        assertThat(run.events().all(e -> e.kind().equals("connection_failure") && e.cause().equals("lease_expired")))
                .isEmpty();
        new FaultFigures("8 agents on " + Runtime.getRuntime().availableProcessors() + " cores, PageRank RMAT-15, lan profile",
                Optional.empty(), Optional.empty(), run.redone(), "0 lease expiries, worst heartbeat age seen "
                        + worstHeartbeatAgeMs[0] + " ms (lease 5 s), " + run.last().getSummary().getRecoveries()
                        + " recoveries (data plane)").record();
    }

    // ---- the fixture ----------------------------------------------------------------------------

    /**
     * @param agents     agent processes
     * @param env        variables for every process (timing)
     * @param proxied    whether each agent dials the coordinator through a FaultProxy of its own, and its
     *                   peers reach its data port through another
     * @param scale      RMAT scale of the graph
     * @param iterations PageRank iterations
     * @param partitions partitions of the job
     */
    private record Setup(int agents, Map<String, String> env, boolean proxied, int scale, int iterations, int partitions) {
    }

    /**
     * What a scenario ended with.
     *
     * @param lastBeforeRecovery the last superstep completed before the job first started recovering, or -1
     */
    private record Run(JobProgress last, CoordinatorEvents events, LocalState state, int lastBeforeRecovery, Instant submitted) {
        /** Supersteps computed twice: those completed before the fault and after the checkpoint rolled back to. */
        int redone() {
            return FaultFigures.redone(events, submitted, lastBeforeRecovery);
        }

        /** Events matching {@code test} from this job's submission on (a shared cluster's log holds earlier jobs' too). */
        List<CoordinatorEvents.Event> since(java.util.function.Predicate<CoordinatorEvents.Event> test) {
            return events.all(e -> !e.time().isBefore(submitted) && test.test(e));
        }
    }

    /** A cluster under test: its processes, and the proxies in front of each agent's session link and data port. */
    private record Cluster(LocalCluster local, CoordinatorClient client, Map<String, FaultProxy> proxies) {
        /** The proxy between the agent and the coordinator. */
        FaultProxy proxy(String agent) {
            return proxies.get(agent);
        }

        /** The proxy every peer dials to reach the agent's data port. */
        FaultProxy dataProxy(String agent) {
            return proxies.get(dataProxyName(agent));
        }

        List<AgentStatus> statuses() throws CoordinatorCallException {
            return client.status(false).getAgentsList();
        }

        AgentStatus status(String agent) throws CoordinatorCallException {
            return statuses().stream().filter(a -> a.getAgentId().equals(agent)).findFirst().orElseThrow();
        }
    }

    @FunctionalInterface
    private interface Fault {
        void onProgress(Cluster cluster, JobProgress progress) throws Exception;
    }

    /** What a scenario does before the job (to the proxies) or after it (to the cluster). */
    @FunctionalInterface
    private interface Step<T> {
        void apply(T target) throws Exception;
    }

    private Run run(Setup setup, Fault fault, Step<Cluster> after) throws Exception {
        return run(setup, fault, after, proxies -> { });
    }

    /** A scenario's cluster of its own: started for {@code setup}, the job run, then stopped. */
    private Run run(Setup setup, Fault fault, Step<Cluster> after, Step<Map<String, FaultProxy>> before) throws Exception {
        try (Started started = start(setup)) {
            return job(started, setup, fault, after, before);
        }
    }

    /** A started cluster: its processes, its proxies, its state directory and the log of its start. */
    private record Started(LocalCluster local, Map<String, FaultProxy> proxies, LocalState state, StringWriter log)
            implements AutoCloseable {
        @Override
        public void close() {
            try {
                local.close();
            } finally {
                proxies.values().forEach(FaultProxy::close);
            }
        }
    }

    /**
     * Starts the cluster (agents behind their proxies when {@code setup.proxied()}) in a state
     * directory of its own and waits until every agent is ALIVE.
     */
    private Started start(Setup setup) throws Exception {
        LocalState state = new LocalState(dir.resolve("state-" + ++clusters));
        StringWriter log = new StringWriter();
        Map<String, FaultProxy> proxies = new LinkedHashMap<>();
        LocalCluster local = LocalCluster.prepare(state, setup.agents(), 0, false, new PrintWriter(log, true),
                LocalCommand.jvmOptions());
        Started started = new Started(local, proxies, state, log);
        try {
            local.environment(setup.env());
            local.startCoordinator(START);
            HostPort coordinator = local.coordinatorAddress();
            Map<String, Map<String, String>> agentEnv = new LinkedHashMap<>();
            if (setup.proxied()) {
                for (int n = 1; n <= setup.agents(); n++) {
                    String name = "agent-" + n;
                    proxies.put(name, FaultProxy.start(name, new InetSocketAddress(coordinator.host(), coordinator.port())));
                    // The agent listens for its peers on a port of its own and advertises its proxy instead.
                    int dataPort = freePort();
                    FaultProxy data = FaultProxy.start(name + " data", new InetSocketAddress("127.0.0.1", dataPort));
                    proxies.put(dataProxyName(name), data);
                    agentEnv.put(name, Map.of("GRAPHAGENT_AGENT_DATA_LISTEN", "127.0.0.1:" + dataPort,
                            "GRAPHAGENT_AGENT_DATA_ADVERTISE", "127.0.0.1:" + data.port()));
                }
            }
            local.startAgents(name -> setup.proxied() ? new HostPort("127.0.0.1", proxies.get(name).port()) : coordinator,
                    name -> agentEnv.getOrDefault(name, Map.of()));
            local.awaitAlive(START);
            return started;
        } catch (Exception | Error e) {
            started.close();
            throw e;
        }
    }

    /**
     * On {@code started} (every agent ALIVE, every proxy passing), lets {@code before} set the
     * proxies, runs the job calling {@code fault} at each progress while it runs, then
     * {@code after}; asserts the job succeeded with exactly the engine's result.
     */
    private Run job(Started started, Setup setup, Fault fault, Step<Cluster> after, Step<Map<String, FaultProxy>> before)
            throws Exception {
        PageRankReference reference = PageRankReference.rmat(dir, setup.scale(), setup.iterations(), setup.partitions());
        Path output = dir.resolve("pr-" + started.state().dir().getFileName() + "-" + System.nanoTime() + ".txt");
        before.apply(started.proxies());
        Instant submitted = Instant.now();
        WatchedJob watched;
        try (CoordinatorClient client = started.local().client()) {
            Cluster cluster = new Cluster(started.local(), client, started.proxies());
            watched = WatchedJob.follow(client, reference.request(output, 5), progress -> fault.onProgress(cluster, progress));
            after.apply(cluster);
        }
        JobProgress last = watched.last();
        assertThat(last).isNotNull();
        assertThat(last.getState()).as(last.getMessage() + "\n" + started.log()).isEqualTo(JobState.SUCCEEDED);
        reference.assertEngineWrites(output);
        return new Run(last, CoordinatorEvents.read(started.state()), started.state(), watched.lastBeforeRecovery(), submitted);
    }

    private static String dataProxyName(String agent) {
        return agent + " data";
    }

    private static int freePort() throws IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** A run whose link {@code link} was reset every 2 s from superstep 1 on, and the resets it saw. */
    private record Flapped(Run run, int resets) {
    }

    /**
     * PageRank on 3 proxied agents for 400 supersteps (long enough for several resets even where
     * a superstep takes 20 ms), with {@code link} resetting every connection every 2 s from
     * superstep 1 to the job's end, on the flapping scenarios' shared cluster; the link passes
     * again after the job.
     */
    private Flapped flapping(java.util.function.Function<Cluster, FaultProxy> link) throws Exception {
        if (flappingCluster == null) {
            flappingCluster = start(FLAPPING);
        }
        flappingCluster.local().awaitAlive(START);
        Instant[] flapFrom = {null};
        int[] resets = {0};
        int[] resetsBefore = {0};
        Run run = job(flappingCluster, FLAPPING, (cluster, progress) -> {
            if (flapFrom[0] == null && progress.getSuperstep() >= 1) {
                flapFrom[0] = Instant.now();
                resetsBefore[0] = link.apply(cluster).resets();
                link.apply(cluster).mode(new FaultProxy.ResetEvery(Duration.ofSeconds(2)));
            }
        }, cluster -> {
            resets[0] = link.apply(cluster).resets() - resetsBefore[0];
            link.apply(cluster).mode(FaultProxy.PASS);
        }, proxies -> { });
        assertThat(flapFrom[0]).as("the link flapped mid-job").isNotNull();
        assertThat(resets[0]).as("connections reset during the job").isGreaterThanOrEqualTo(2);
        return new Flapped(run, resets[0]);
    }

    /** Session timing for every process; the rest of the lan profile stays. */
    private static Map<String, String> timing(Duration heartbeat, Duration lease, Duration suspectAfter) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("GRAPHAGENT_SESSION_HEARTBEAT_INTERVAL", heartbeat.toMillis() + "ms");
        env.put("GRAPHAGENT_SESSION_LEASE_TTL", lease.toMillis() + "ms");
        env.put("GRAPHAGENT_SESSION_SUSPECT_AFTER", suspectAfter.toMillis() + "ms");
        return env;
    }

    /** The job's first recovery after the fault at {@code faultAt}: RECOVERING to RUNNING again. */
    private static Optional<Duration> recovery(Run run, Instant faultAt) {
        return FaultFigures.recovery(run.events(), faultAt);
    }

    /**
     * A lease that ran out. Other DEAD verdicts are bookkeeping that costs no lease: an agent whose
     * stream broke before its first Welcome (a TLS handshake starved while 9 JVMs start on 2
     * cores) says Hello again as new, which ends its half-open session as {@code agent_restarted}.
     */
    private static boolean leaseExpiry(CoordinatorEvents.Event e) {
        return e.anyAgentBecame("DEAD") && e.cause().equals("lease_expired");
    }
}
