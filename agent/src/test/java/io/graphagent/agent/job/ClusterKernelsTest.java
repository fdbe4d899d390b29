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
import io.graphagent.graph.csr.Graph;
import io.graphagent.graph.kernels.Algorithm;
import io.graphagent.graph.kernels.Kernel;
import io.graphagent.graph.kernels.KernelSettings;
import io.graphagent.graph.kernels.Kernels;
import io.graphagent.graph.load.GraphInput;
import io.graphagent.graph.load.GraphLoader;
import io.graphagent.graph.load.LoadProgress;
import io.graphagent.graph.output.ResultComparator;
import io.graphagent.graph.pregel.EngineOptions;
import io.graphagent.graph.pregel.PregelEngine;
import io.graphagent.graph.pregel.ProgressListener;
import io.graphagent.net.certs.ClusterCertificates;
import io.graphagent.net.tls.Channels;
import io.graphagent.net.tls.HostAndPort;
import io.graphagent.net.tls.NetworkThreads;
import io.graphagent.net.tls.TlsFiles;
import io.graphagent.net.tls.TransportSecurity;
import io.graphagent.protocol.v1.CoordinatorGrpc;
import io.graphagent.protocol.v1.JobProgress;
import io.graphagent.protocol.v1.JobSpec;
import io.graphagent.protocol.v1.JobState;
import io.graphagent.protocol.v1.SubmitReply;
import io.graphagent.protocol.v1.SubmitRequest;
import io.graphagent.protocol.v1.WatchJobRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A coordinator and three agents over mutual TLS on 127.0.0.1, in this JVM but on real
 * sockets, run every Graphalytics validation case: the output file equals, line for line,
 * what the single-process engine computes with the same partition count, and matches the
 * Graphalytics expected output.
 */
class ClusterKernelsTest {
    private static final int PARTITIONS = 7;
    private static final Clock CLOCK = Clock.systemUTC();

    @TempDir
    static Path dir;

    private static CoordinatorServer coordinator;
    private static final List<CompletableFuture<Integer>> agents = new ArrayList<>();
    private static final CompletableFuture<String> stop = new CompletableFuture<>();
    private static NetworkThreads clientThreads;
    private static ManagedChannel channel;

    static Path graphalytics() {
        return Path.of(System.getProperty("graphagent.shared", "/work/shared"), "datasets", "graphalytics");
    }

    @BeforeAll
    static void startCluster() throws Exception {
        Path certs = dir.resolve("certs");
        ClusterCertificates.init(certs, 3, List.of(), Duration.ofDays(1), CLOCK);
        GraphagentConfig base = Profile.TEST.defaults();
        GraphagentConfig coordinatorConfig = new GraphagentConfig(base.profile(), base.cluster(),
                new CoordinatorConfig(new HostPort("127.0.0.1", 0), base.coordinator().adminListen(), dir.resolve("state")),
                base.agent(), base.session(), base.grpc(), base.tls(), base.network(), base.job(), base.admin());
        coordinator = CoordinatorServer.start(coordinatorConfig, TransportSecurity.tls(TlsFiles.fromDir(certs, "coordinator")),
                directory -> new JobScheduler(directory, coordinatorConfig, CLOCK), CLOCK);
        for (int i = 1; i <= 3; i++) {
            String name = ClusterCertificates.agentName(i);
            GraphagentConfig config = new GraphagentConfig(base.profile(), base.cluster(), base.coordinator(),
                    new AgentConfig(new HostPort("127.0.0.1", coordinator.port()), new HostPort("127.0.0.1", 0),
                            Optional.empty(), "", dir.resolve(name)),
                    base.session(), base.grpc(), base.tls(), base.network(), base.job(), base.admin());
            TransportSecurity security = TransportSecurity.tls(TlsFiles.fromDir(certs, name));
            AgentJobs jobs = AgentJobs.start(config, security);
            agents.add(CompletableFuture.supplyAsync(() -> AgentMain.run(config, security, jobs, CLOCK, stop)));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> coordinator.directory().alive().size() == 3);
        clientThreads = NetworkThreads.start("test-client", 1);
        channel = Channels.client(new HostAndPort("127.0.0.1", coordinator.port()),
                TransportSecurity.tls(TlsFiles.fromDir(certs, ClusterCertificates.agentName(1))),
                Channels.ClientTimeouts.TEST, clientThreads);
    }

    @AfterAll
    static void stopCluster() throws Exception {
        stop.complete("test over");
        for (CompletableFuture<Integer> agent : agents) {
            assertThat(agent.get(30, TimeUnit.SECONDS)).as("agent exit code").isZero();
        }
        if (channel != null) {
            channel.shutdownNow();
        }
        if (clientThreads != null) {
            clientThreads.close();
        }
        if (coordinator != null) {
            coordinator.close();
        }
    }

    static Stream<String> cases() throws Exception {
        try (Stream<Path> files = Files.list(graphalytics())) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.matches(".+-(BFS|PR|WCC|CDLP|LCC|SSSP)"))
                    .sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void clusterResultEqualsSingleProcessEngineAndGraphalytics(String caseName) throws Exception {
        int dash = caseName.lastIndexOf('-');
        Path prefix = graphalytics().resolve(caseName.substring(0, dash));
        Algorithm algorithm = Algorithm.parse(caseName.substring(dash + 1));
        Path output = dir.resolve("out-" + caseName);

        JobProgress last = submitAndWait(JobSpec.newBuilder()
                .setAlgorithm(io.graphagent.protocol.v1.Algorithm.valueOf(algorithm.name()))
                .setGraph(prefix.toString()).setOutputPath(output.toString()).setPartitions(PARTITIONS).build());

        assertThat(last.getState()).as(last.getMessage()).isEqualTo(JobState.SUCCEEDED);
        assertThat(last.getSummary().getAgents()).isEqualTo(3);
        Map<Long, String> cluster = ResultComparator.read(output);
        List<Long> ids = Files.readAllLines(output).stream().map(l -> Long.parseLong(l.substring(0, l.indexOf(' ')))).toList();
        assertThat(ids).as("output in ascending vertex id, as the single-process engine writes it").isSorted();
        assertThat(cluster).isEqualTo(singleProcess(prefix, algorithm));
        assertThat(ResultComparator.compare(graphalytics().resolve(caseName), cluster,
                ResultComparator.Rule.forKernel(algorithm.graphalyticsName()))).isEmpty();
    }

    private static JobProgress submitAndWait(JobSpec spec) {
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

    private static Map<Long, String> singleProcess(Path prefix, Algorithm algorithm) throws Exception {
        GraphInput input = GraphInput.locate(prefix);
        Graph graph = GraphLoader.load(input.source(input.properties().directed().orElseThrow(), algorithm.needsWeights()),
                2, LoadProgress.NONE);
        Kernel kernel = Kernels.create(algorithm, graph, KernelSettings.resolve(algorithm, null, null, null, input));
        double[] values = PregelEngine.run(graph, kernel.program(), new EngineOptions(2, PARTITIONS), ProgressListener.NONE).values();
        Map<Long, String> expected = new HashMap<>();
        for (int v = 0; v < graph.numVertices(); v++) {
            expected.put(graph.originalId(v), kernel.format(values[v]));
        }
        return expected;
    }
}
