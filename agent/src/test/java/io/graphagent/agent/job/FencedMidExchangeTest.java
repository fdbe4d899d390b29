package io.graphagent.agent.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.graphagent.agent.session.CoordinatorLink;
import io.graphagent.config.AgentConfig;
import io.graphagent.config.GraphagentConfig;
import io.graphagent.config.HostPort;
import io.graphagent.config.Profile;
import io.graphagent.graph.csr.Graph;
import io.graphagent.graph.load.GraphLoader;
import io.graphagent.graph.load.GraphSource;
import io.graphagent.graph.load.LoadProgress;
import io.graphagent.graph.partition.Partitioning;
import io.graphagent.graph.partition.ShareBuilder;
import io.graphagent.net.certs.ClusterCertificates;
import io.graphagent.net.tls.TlsFiles;
import io.graphagent.net.tls.TransportSecurity;
import io.graphagent.protocol.v1.Algorithm;
import io.graphagent.protocol.v1.AttachResident;
import io.graphagent.protocol.v1.Command;
import io.graphagent.protocol.v1.Exchange;
import io.graphagent.protocol.v1.FailureKind;
import io.graphagent.protocol.v1.KernelParameters;
import io.graphagent.protocol.v1.PartitionMap;
import io.graphagent.protocol.v1.PartitionOwner;
import io.graphagent.protocol.v1.Report;
import io.graphagent.protocol.v1.StartSuperstep;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A coordinator killed mid-superstep: agent-1 was told to compute and exchange superstep 0,
 * agent-2 never was, so agent-1's job thread waits for agent-2's batches (up to
 * {@link AgentJobs#EXCHANGE_TIMEOUT}). The restarted coordinator fences agent-1's session and
 * attaches the job again on the resident graph: the fence ends the wait at once, so the attach
 * runs now rather than after the exchange timeout (the reloaded job waited for it that long).
 * Two agents' job layers on real data planes over mutual TLS on 127.0.0.1; the commands are the
 * coordinator's, sent by the test.
 */
class FencedMidExchangeTest {
    private static final Clock CLOCK = Clock.systemUTC();
    private static final String JOB = "job-1";
    private static final String GRAPH = "g";
    private static final long GENERATION = 3;
    /** Far below {@link AgentJobs#EXCHANGE_TIMEOUT}: the attach is answered within it only when the fence ends the wait. */
    private static final Duration ANSWER = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private AgentJobs one;
    private AgentJobs two;
    private final AtomicLong commandIds = new AtomicLong();

    /** Reports an agent sent, in order. */
    private record Link(String agentId, ConcurrentLinkedQueue<Report> reports) implements CoordinatorLink {
        Link(String agentId) {
            this(agentId, new ConcurrentLinkedQueue<>());
        }

        @Override
        public long epoch() {
            return 1;
        }

        @Override
        public boolean report(Report report) {
            reports.add(report);
            return true;
        }

        @Override
        public String coordinatorAddress() {
            return "127.0.0.1:1";
        }

        Optional<Report> answer(long commandId, Report.KindCase kind) {
            return reports.stream().filter(r -> r.getCommandId() == commandId && r.getKindCase() == kind).findFirst();
        }
    }

    @BeforeEach
    void start() throws Exception {
        Path certs = dir.resolve("certs");
        ClusterCertificates.init(certs, 2, List.of(), Duration.ofDays(1), CLOCK);
        one = agent(certs, 1);
        two = agent(certs, 2);
        Path example = Path.of(System.getProperty("graphagent.shared", "/work/shared"), "datasets", "graphalytics",
                "example-directed");
        Graph graph = GraphLoader.load(GraphSource.graphalytics(example, true, false), 1, LoadProgress.NONE);
        Partitioning partitioning = Partitioning.balanced(graph, 2);
        one.residents().keep(GRAPH, GENERATION, ShareBuilder.of(graph, partitioning, new int[] {0}), false);
        two.residents().keep(GRAPH, GENERATION, ShareBuilder.of(graph, partitioning, new int[] {1}), false);
    }

    private AgentJobs agent(Path certs, int i) throws Exception {
        GraphagentConfig base = Profile.TEST.defaults();
        String name = ClusterCertificates.agentName(i);
        GraphagentConfig config = new GraphagentConfig(base.profile(), base.cluster(), base.coordinator(),
                new AgentConfig(new HostPort("127.0.0.1", 1), new HostPort("127.0.0.1", 0), Optional.empty(), "",
                        dir.resolve(name)),
                base.session(), base.grpc(), base.tls(), base.network(), base.job(), base.admin());
        return AgentJobs.start(config, TransportSecurity.tls(TlsFiles.fromDir(certs, name)), CLOCK);
    }

    @AfterEach
    void stop() {
        if (one != null) {
            one.close();
        }
        if (two != null) {
            two.close();
        }
    }

    @Test
    void aFenceEndsAnExchangeWaitingForAPeerSoTheRestartedCoordinatorsAttachIsAnsweredAtOnce() {
        Link link1 = new Link("agent-1");
        // Only agent-1 heard of superstep 0 before the coordinator died: its exchange waits for agent-2.
        long exchange = agentOneWaitsInAnExchange(link1, new Link("agent-2"));

        // The restarted coordinator: a new session fences the old one's jobs; the job attaches again at a newer epoch.
        one.onFenced("the coordinator did not resume the session (test)");
        long again = send(one, link1, 3, attach(0));
        Report attached = awaitAnswer(link1, again, Report.KindCase.LOAD_DONE);
        assertThat(attached.getJobEpoch()).isEqualTo(3);
        assertThat(attached.getLoadDone().getVertices()).isPositive();

        // The abandoned exchange answered for its own (older) epoch, which the coordinator drops.
        Report abandoned = reportOf(link1, exchange);
        assertThat(abandoned.getKindCase()).isEqualTo(Report.KindCase.FAILURE);
        assertThat(abandoned.getFailure().getKind()).isEqualTo(FailureKind.PEER_UNREACHABLE);
        assertThat(abandoned.getFailure().getMessage()).contains("superseded by a rollback");
        assertThat(abandoned.getJobEpoch()).isEqualTo(1);
        assertThat(one.heldShare(JOB)).isPresent();
    }

    @Test
    void anAttachOfANewerEpochEndsAnExchangeWaitingForALostPeer() {
        // A --graph-name job lost agent-2 mid-exchange: the rollback attaches agent-1 again at a newer epoch, unfenced.
        Link link1 = new Link("agent-1");
        long exchange = agentOneWaitsInAnExchange(link1, new Link("agent-2"));

        long again = send(one, link1, 2, attach(0));
        assertThat(awaitAnswer(link1, again, Report.KindCase.LOAD_DONE).getJobEpoch()).isEqualTo(2);
        Report abandoned = reportOf(link1, exchange);
        assertThat(abandoned.getFailure().getMessage()).contains("superseded by a rollback");
    }

    /**
     * Attaches both agents at job epoch 1, runs superstep 0 on agent-1 only and starts its
     * exchange, which then waits for agent-2's batches.
     *
     * @return the exchange's command id
     */
    private long agentOneWaitsInAnExchange(Link link1, Link link2) {
        long attach1 = send(one, link1, 1, attach(0));
        long attach2 = send(two, link2, 1, attach(1));
        awaitAnswer(link1, attach1, Report.KindCase.LOAD_DONE);
        awaitAnswer(link2, attach2, Report.KindCase.LOAD_DONE);
        long compute = send(one, link1, 1, Command.newBuilder().setStartSuperstep(StartSuperstep.newBuilder().setSuperstep(0)));
        awaitAnswer(link1, compute, Report.KindCase.SUPERSTEP_DONE);
        long exchange = send(one, link1, 1, Command.newBuilder().setExchange(Exchange.newBuilder().setSuperstep(0)));
        Awaitility.await().atMost(ANSWER).pollInterval(Duration.ofMillis(20)).until(FencedMidExchangeTest::waitingForPeers);
        return exchange;
    }

    /** The report {@code link} got for {@code command}; fails when there is none. */
    private static Report reportOf(Link link, long command) {
        return link.reports().stream().filter(r -> r.getCommandId() == command).findFirst().orElseThrow();
    }

    /** Whether a job thread waits in an exchange for its peers' batches (agent-1's: agent-2 has none to send). */
    private static boolean waitingForPeers() {
        return Thread.getAllStackTraces().values().stream().flatMap(java.util.Arrays::stream)
                .anyMatch(f -> f.getClassName().equals(InboundBatches.class.getName()) && f.getMethodName().equals("awaitSenders"));
    }

    private Command.Builder attach(int partition) {
        PartitionMap.Builder map = PartitionMap.newBuilder()
                .addOwners(PartitionOwner.newBuilder().setPartitionId(0).setAgentId("agent-1").setDataAddress(one.dataAddress()))
                .addOwners(PartitionOwner.newBuilder().setPartitionId(1).setAgentId("agent-2").setDataAddress(two.dataAddress()));
        return Command.newBuilder().setAttachResident(AttachResident.newBuilder().setGraphJobId("graph-" + GRAPH)
                .setGeneration(GENERATION).setAlgorithm(Algorithm.PAGERANK)
                .setParameters(KernelParameters.newBuilder().setIterations(10).setDamping(0.85))
                .addPartitionIds(partition).setPartitionMap(map));
    }

    private long send(AgentJobs agent, Link link, long jobEpoch, Command.Builder command) {
        long id = commandIds.incrementAndGet();
        agent.onCommand(command.setCommandId(id).setJobId(JOB).setJobEpoch(jobEpoch).setSessionEpoch(link.epoch()).build(),
                link);
        return id;
    }

    private static Report awaitAnswer(Link link, long commandId, Report.KindCase kind) {
        return Awaitility.await().atMost(ANSWER).pollInterval(Duration.ofMillis(20)).until(() -> {
            Optional<Report> failure = link.answer(commandId, Report.KindCase.FAILURE);
            assertThat(failure).as("command %d failed", commandId).isEmpty();
            return link.answer(commandId, kind);
        }, Optional::isPresent).orElseThrow();
    }
}
