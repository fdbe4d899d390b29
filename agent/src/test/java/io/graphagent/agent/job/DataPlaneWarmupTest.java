package io.graphagent.agent.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.graphagent.agent.dataplane.DataPlaneService;
import io.graphagent.net.testing.LoopbackGrpcServer;
import io.graphagent.net.time.Ticker;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The data plane's warm-up runs a PageRank split in two halves through a data-plane server and
 * back (here a plaintext loopback one; the cluster test has it over mutual TLS): it files batches
 * until its bound and ends, or ends at once when stopped, and shuts its channel down either way.
 */
class DataPlaneWarmupTest {
    @RegisterExtension
    final LoopbackGrpcServer server = new LoopbackGrpcServer();

    /** Two supersteps' broadcasts (one batch per partition each): enough to see both halves file, cheap for a test. */
    private static final long BOUND = LoopbackExchange.PARTITIONS + 1;

    private final AtomicReference<DataPlaneWarmup> running = new AtomicReference<>();

    private DataPlaneWarmup warmup(long bound) throws Exception {
        String target = server.start(new DataPlaneService(id -> running.get().target(id)));
        DataPlaneWarmup warmup = new DataPlaneWarmup("agent-1",
                () -> NettyChannelBuilder.forTarget(target).usePlaintext().build(), bound, Ticker.system());
        running.set(warmup);
        warmup.start();
        return warmup;
    }

    @Test
    void theWarmupFilesItsBoundOfBatchesThroughTheDataPlaneAndEnds() throws Exception {
        DataPlaneWarmup warmup = warmup(BOUND);

        await().atMost(Duration.ofSeconds(60)).until(() -> warmup.state() != DataPlaneWarmup.State.RUNNING);

        assertThat(warmup.state()).isEqualTo(DataPlaneWarmup.State.DONE);
        // Whole supersteps: each files one batch per partition of broadcasts (both halves), messages when pushed.
        assertThat(warmup.filed()).isBetween(BOUND, BOUND + 2 * LoopbackExchange.PARTITIONS);
        assertThat(warmup.target(LoopbackExchange.JOB_ID)).isNotNull();
        assertThat(warmup.target("job-1")).as("a job's batches are never the warm-up's").isNull();
    }

    @Test
    void aStoppedWarmupEndsAtOnceAndFilesNoMore() throws Exception {
        // Stopped while it builds its graph or runs its first superstep (ClusterKernelsTest stops one later on).
        DataPlaneWarmup warmup = warmup(Long.MAX_VALUE);

        warmup.stop("command LOAD_PARTITIONS");

        assertThat(warmup.state()).isEqualTo(DataPlaneWarmup.State.STOPPED);
        await().atMost(Duration.ofSeconds(10)).until(() -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().startsWith("agent-warmup")));
        long filed = warmup.filed();
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> warmup.filed() == filed);
        assertThat(filed).isLessThan(2L * LoopbackExchange.PARTITIONS);
    }
}
