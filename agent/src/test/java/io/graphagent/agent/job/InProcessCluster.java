package io.graphagent.agent.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.graphagent.agent.AgentMain;
import io.graphagent.config.AgentConfig;
import io.graphagent.config.CoordinatorConfig;
import io.graphagent.config.GraphagentConfig;
import io.graphagent.config.HostPort;
import io.graphagent.config.Profile;
import io.graphagent.coordinator.CoordinatorServer;
import io.graphagent.coordinator.job.JobScheduler;
import io.graphagent.net.certs.ClusterCertificates;
import io.graphagent.net.tls.Channels;
import io.graphagent.net.tls.HostAndPort;
import io.graphagent.net.tls.NetworkThreads;
import io.graphagent.net.tls.TlsFiles;
import io.graphagent.net.tls.TransportSecurity;
import io.graphagent.protocol.v1.CoordinatorGrpc;
import io.graphagent.protocol.v1.JobProgress;
import io.graphagent.protocol.v1.JobSpec;
import io.graphagent.protocol.v1.SubmitReply;
import io.graphagent.protocol.v1.SubmitRequest;
import io.graphagent.protocol.v1.WatchJobRequest;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * A coordinator and N agents of the test profile in this JVM, on real sockets with mutual
 * TLS on 127.0.0.1 (fresh certificates), and a client to submit jobs. Closing stops the
 * agents (each must exit 0), then the coordinator.
 */
final class InProcessCluster implements AutoCloseable {
    static final Clock CLOCK = Clock.systemUTC();

    private final CoordinatorServer coordinator;
    private final List<CompletableFuture<Integer>> agents = new ArrayList<>();
    /** Each started agent's job layer, by agent number (agent-1 first). */
    private final java.util.Map<Integer, AgentJobs> agentJobs = new java.util.concurrent.ConcurrentHashMap<>();
    private final CompletableFuture<String> stop = new CompletableFuture<>();
    private final NetworkThreads clientThreads;
    private final ManagedChannel channel;

    /** @param coordinatorConfig edits the coordinator's configuration (test profile, any free port) */
    private final Path dir;
    private final Path certs;

    private InProcessCluster(Path dir, int agentCount, int spareAgents, UnaryOperator<GraphagentConfig> coordinatorConfig)
            throws Exception {
        this.dir = dir;
        this.certs = dir.resolve("certs");
        ClusterCertificates.Issued issued = ClusterCertificates.init(certs, agentCount + spareAgents, List.of(),
                Duration.ofDays(1), CLOCK);
        ClusterCertificates.issueClient(certs, List.of(), issued.notAfter(), CLOCK.instant());
        GraphagentConfig base = Profile.TEST.defaults();
        GraphagentConfig config = coordinatorConfig.apply(new GraphagentConfig(base.profile(), base.cluster(),
                new CoordinatorConfig(new HostPort("127.0.0.1", 0), base.coordinator().adminListen(), dir.resolve("state")),
                base.agent(), base.session(), base.grpc(), base.tls(), base.network(), base.job(), base.admin()));
        coordinator = CoordinatorServer.start(config, TransportSecurity.tls(TlsFiles.fromDir(certs, "coordinator")),
                directory -> new JobScheduler(directory, config, CLOCK), CLOCK);
        for (int i = 1; i <= agentCount; i++) {
            startAgent(i);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> coordinator.directory().alive().size() == agentCount);
        clientThreads = NetworkThreads.start("test-client", 1);
        channel = Channels.client(new HostAndPort("127.0.0.1", coordinator.port()),
                TransportSecurity.tls(TlsFiles.fromDir(certs, ClusterCertificates.CLIENT)),
                Channels.ClientTimeouts.TEST, clientThreads);
    }

    /** Starts agent {@code i} (agent-i, whose certificate the cluster issued) in this JVM. */
    void startAgent(int i) throws Exception {
        GraphagentConfig base = Profile.TEST.defaults();
        String name = ClusterCertificates.agentName(i);
        GraphagentConfig agentConfig = new GraphagentConfig(base.profile(), base.cluster(), base.coordinator(),
                new AgentConfig(new HostPort("127.0.0.1", coordinator.port()), new HostPort("127.0.0.1", 0),
                        Optional.empty(), "", dir.resolve(name)),
                base.session(), base.grpc(), base.tls(), base.network(), base.job(), base.admin());
        TransportSecurity security = TransportSecurity.tls(TlsFiles.fromDir(certs, name));
        AgentJobs jobs = AgentJobs.start(agentConfig, security, CLOCK);
        agentJobs.put(i, jobs);
        agents.add(CompletableFuture.supplyAsync(() -> AgentMain.run(agentConfig, security, jobs, CLOCK, stop)));
    }

    static InProcessCluster start(Path dir, int agents) throws Exception {
        return new InProcessCluster(dir, agents, 0, UnaryOperator.identity());
    }

    static InProcessCluster start(Path dir, int agents, UnaryOperator<GraphagentConfig> coordinatorConfig) throws Exception {
        return new InProcessCluster(dir, agents, 0, coordinatorConfig);
    }

    /** A cluster of {@code agents} running agents and certificates for {@code spare} more ({@link #startAgent}). */
    static InProcessCluster withSpares(Path dir, int agents, int spare, UnaryOperator<GraphagentConfig> coordinatorConfig)
            throws Exception {
        return new InProcessCluster(dir, agents, spare, coordinatorConfig);
    }

    /** The job layer of agent {@code i}, to look at what it holds. */
    AgentJobs jobs(int i) {
        return agentJobs.get(i);
    }

    /** Whether the coordinator sees {@code n} ALIVE agents. */
    boolean alive(int n) {
        return coordinator.directory().alive().size() == n;
    }

    /** Submits a job (no field errors expected) and follows it to its end; returns the last progress. */
    JobProgress submitAndWait(JobSpec spec) {
        SubmitReply reply = CoordinatorGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                .submit(SubmitRequest.newBuilder().setJob(spec).setClientName("test").build());
        assertThat(reply.getErrorsList()).isEmpty();
        Iterator<JobProgress> progress = CoordinatorGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS)
                .watchJob(WatchJobRequest.newBuilder().setJobId(reply.getJobId()).build());
        JobProgress last = null;
        while (progress.hasNext()) {
            last = progress.next();
        }
        return last;
    }

    /** The coordinator's Query service (resident graphs and queries), as a client. */
    io.graphagent.protocol.v1.QueryGrpc.QueryBlockingStub query() {
        return io.graphagent.protocol.v1.QueryGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    /** The coordinator in this JVM. */
    CoordinatorServer coordinator() {
        return coordinator;
    }

    /** The coordinator's status: agents and jobs (finished ones included). */
    io.graphagent.protocol.v1.StatusReply status() {
        return CoordinatorGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                .status(io.graphagent.protocol.v1.StatusRequest.newBuilder().setIncludeFinishedJobs(true).build());
    }

    @Override
    public void close() throws Exception {
        stop.complete("test over");
        for (CompletableFuture<Integer> agent : agents) {
            assertThat(agent.get(30, TimeUnit.SECONDS)).as("agent exit code").isZero();
        }
        channel.shutdownNow();
        clientThreads.close();
        coordinator.close();
    }
}
