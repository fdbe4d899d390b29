package io.graphagent.agent.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.graphagent.agent.AgentMain;
import io.graphagent.config.AgentConfig;
import io.graphagent.config.CoordinatorConfig;
import io.graphagent.config.GraphagentConfig;
import io.graphagent.config.HostPort;
import io.graphagent.config.JobConfig;
import io.graphagent.config.Profile;
import io.graphagent.coordinator.CoordinatorServer;
import io.graphagent.coordinator.job.JobScheduler;
import io.graphagent.graph.csr.Graph;
import io.graphagent.graph.kernels.Algorithm;
import io.graphagent.graph.kernels.Kernel;
import io.graphagent.graph.kernels.KernelParameters;
import io.graphagent.graph.kernels.Kernels;
import io.graphagent.graph.load.GraphLoader;
import io.graphagent.graph.load.GraphSource;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkpoint directory that cannot be written (its parent is a regular file, which stops
 * root too) does not cost the result: each checkpoint fails with a clear error, the job
 * carries on by policy and writes exactly the single-process result.
 */
class UnwritableCheckpointTest {
    private static final Clock CLOCK = Clock.systemUTC();
    private static final int PARTITIONS = 5;

    @TempDir
    Path dir;

    @Test
    void jobCarriesOnWhenCheckpointsCannotBeWrittenAndItsResultIsExact() throws Exception {
        Path notADirectory = dir.resolve("plain-file");
        Files.writeString(notADirectory, "x");
        Path certs = dir.resolve("certs");
        ClusterCertificates.init(certs, 2, List.of(), Duration.ofDays(1), CLOCK);
        GraphagentConfig base = Profile.TEST.defaults();
        GraphagentConfig coordinatorConfig = new GraphagentConfig(base.profile(), base.cluster(),
                new CoordinatorConfig(new HostPort("127.0.0.1", 0), base.coordinator().adminListen(), dir.resolve("state")),
                base.agent(), base.session(), base.grpc(), base.tls(), base.network(),
                new JobConfig(2, notADirectory.resolve("checkpoints"), base.job().partitionsPerAgent()), base.admin());
        CompletableFuture<String> stop = new CompletableFuture<>();
        List<CompletableFuture<Integer>> agents = new ArrayList<>();
        Path graph = Path.of(System.getProperty("graphagent.shared", "/work/shared"), "datasets", "graphalytics", "pr-directed");
        Path output = dir.resolve("pr.txt");
        try (CoordinatorServer coordinator = CoordinatorServer.start(coordinatorConfig,
                TransportSecurity.tls(TlsFiles.fromDir(certs, "coordinator")),
                directory -> new JobScheduler(directory, coordinatorConfig, CLOCK), CLOCK)) {
            for (int i = 1; i <= 2; i++) {
                String name = ClusterCertificates.agentName(i);
                GraphagentConfig config = new GraphagentConfig(base.profile(), base.cluster(), base.coordinator(),
                        new AgentConfig(new HostPort("127.0.0.1", coordinator.port()), new HostPort("127.0.0.1", 0),
                                Optional.empty(), "", dir.resolve(name)),
                        base.session(), base.grpc(), base.tls(), base.network(), base.job(), base.admin());
                TransportSecurity security = TransportSecurity.tls(TlsFiles.fromDir(certs, name));
                AgentJobs jobs = AgentJobs.start(config, security);
                agents.add(CompletableFuture.supplyAsync(() -> AgentMain.run(config, security, jobs, CLOCK, stop)));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> coordinator.directory().alive().size() == 2);
            try (NetworkThreads threads = NetworkThreads.start("test-client", 1)) {
                ManagedChannel channel = Channels.client(new HostAndPort("127.0.0.1", coordinator.port()),
                        TransportSecurity.tls(TlsFiles.fromDir(certs, ClusterCertificates.agentName(1))),
                        Channels.ClientTimeouts.TEST, threads);
                try {
                    SubmitReply reply = CoordinatorGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                            .submit(SubmitRequest.newBuilder().setJob(JobSpec.newBuilder()
                                    .setAlgorithm(io.graphagent.protocol.v1.Algorithm.PAGERANK).setGraph(graph.toString())
                                    .setPartitions(PARTITIONS).setOutputPath(output.toString())).build());
                    assertThat(reply.getErrorsList()).isEmpty();
                    Iterator<JobProgress> progress = CoordinatorGrpc.newBlockingStub(channel)
                            .withDeadlineAfter(60, TimeUnit.SECONDS)
                            .watchJob(WatchJobRequest.newBuilder().setJobId(reply.getJobId()).build());
                    JobProgress last = null;
                    while (progress.hasNext()) {
                        last = progress.next();
                    }
                    assertThat(last.getState()).as(last.getMessage()).isEqualTo(JobState.SUCCEEDED);
                } finally {
                    channel.shutdownNow();
                }
            }
            stop.complete("test over");
            for (CompletableFuture<Integer> agent : agents) {
                assertThat(agent.get(30, TimeUnit.SECONDS)).isZero();
            }
        }
        Graph g = GraphLoader.load(GraphSource.graphalytics(graph, true, false), 2, LoadProgress.NONE);
        Kernel kernel = Kernels.create(Algorithm.PAGERANK, g, new KernelParameters(-1, 14, 0.85));
        double[] values = PregelEngine.run(g, kernel.program(), new EngineOptions(2, PARTITIONS), ProgressListener.NONE).values();
        Map<Long, String> expected = new HashMap<>();
        for (int v = 0; v < g.numVertices(); v++) {
            expected.put(g.originalId(v), kernel.format(values[v]));
        }
        assertThat(ResultComparator.read(output)).isEqualTo(expected);
    }
}
