package io.graphagent.agent.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.graphagent.graph.csr.Graph;
import io.graphagent.graph.kernels.Algorithm;
import io.graphagent.graph.kernels.KernelParameters;
import io.graphagent.graph.kernels.Kernels;
import io.graphagent.graph.load.GraphLoader;
import io.graphagent.graph.load.GraphSource;
import io.graphagent.graph.load.LoadProgress;
import io.graphagent.graph.partition.IdBlocks;
import io.graphagent.graph.partition.Partitioning;
import io.graphagent.graph.partition.ShareBuilder;
import io.graphagent.graph.pregel.PartitionRunner;
import io.graphagent.api.VertexProgram;
import io.graphagent.protocol.PackedArrays;
import io.graphagent.protocol.v1.BatchKind;
import io.graphagent.protocol.v1.MessageBatch;
import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A partition's compact broadcasts cut into batches of at most MAX_BATCH members, and read back whole. */
class BatchStreamTest {
    /** Two full batches and a part: the last batch ends mid-byte of its member bitmap. */
    private static final int VERTICES = 2 * BatchStream.MAX_BATCH + 1001;
    /** A vertex far above the ring, in an id block of its own. */
    private static final long HUB = 1L << 20;

    private final ExecutorService pool = Executors.newFixedThreadPool(2);

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    @Test
    void aLargePartitionGoesInSeveralBatchesThatAPeerReadsBackExactly(@TempDir Path dir) throws Exception {
        Graph graph = ringWithSinks(dir);
        VertexProgram pageRank = Kernels.create(Algorithm.PAGERANK, graph, new KernelParameters(0, 5, 0.85)).program();
        // Partition 0: the ring; partition 1: the hub alone, whose out-edges make the peer mirror every ring vertex.
        IdBlocks blocks = IdBlocks.covering(0, HUB);
        Partitioning partitioning = Partitioning.ofBlocks(graph, blocks, new int[] {0, blocks.blockOf(HUB), blocks.count()});
        PartitionRunner sender = new PartitionRunner(ShareBuilder.of(graph, partitioning, new int[] {0}), pageRank, pool);
        PartitionRunner peer = new PartitionRunner(ShareBuilder.of(graph, partitioning, new int[] {1}), pageRank, pool);
        assertThat(peer.share().mirrors()).isEqualTo(VERTICES);
        sender.compute(0, new double[pageRank.shape().aggregatorCount()]);

        MessageBatch header = MessageBatch.newBuilder().setJobId("j").setSuperstep(0).setSenderAgent("a").build();
        List<MessageBatch> batches = BatchStream.compactBroadcasts(header, sender, 0);

        assertThat(batches).hasSize(3);
        int next = 0;
        for (int i = 0; i < batches.size(); i++) {
            MessageBatch b = batches.get(i);
            assertThat(b.getKind()).isEqualTo(BatchKind.BROADCASTS);
            assertThat(b.getBatchSeq()).isEqualTo(i);
            assertThat(b.getFirstMember()).isEqualTo(next);
            assertThat(b.getMemberCount()).isLessThanOrEqualTo(BatchStream.MAX_BATCH);
            // Each packed array of a batch stays under half a 1 MiB G1 region (not humongous).
            assertThat(b.getValues().size()).isLessThan(512 * 1024);
            next += b.getMemberCount();
            double[] values = new double[b.getCount()];
            PackedArrays.unpackDoubles(b.getValues(), b.getCount(), values);
            peer.importBroadcastBits(0, b.getFirstMember(), b.getMemberCount(), b.getMemberBits().toByteArray(), values);
        }
        assertThat(next).isEqualTo(VERTICES);

        PartitionRunner.Broadcasts sent = sender.exportBroadcasts(0);
        assertThat(sent.vertices().length).as("every vertex but the sinks broadcast").isEqualTo(VERTICES - VERTICES / 3);
        int k = 0;
        for (int mirror = peer.share().firstMirror(0); mirror < peer.share().endMirror(0); mirror++) {
            int vertex = peer.share().globalOf(mirror);
            boolean broadcast = k < sent.vertices().length && sent.vertices()[k] == vertex;
            assertThat(peer.broadcastMade(mirror)).as("vertex %d broadcast", vertex).isEqualTo(broadcast);
            if (broadcast) {
                assertThat(peer.broadcastValue(mirror)).isEqualTo(sent.values()[k++]);
            }
        }
        assertThat(k).isEqualTo(sent.vertices().length);
    }

    /** Vertex v points to v + 1 (a ring), except every third vertex, which has no out-edge. */
    private static Graph ringWithSinks(Path dir) throws Exception {
        Path v = dir.resolve("g.v");
        Path e = dir.resolve("g.e");
        try (BufferedWriter vertices = Files.newBufferedWriter(v); BufferedWriter edges = Files.newBufferedWriter(e)) {
            for (int i = 0; i < VERTICES; i++) {
                vertices.write(i + "\n");
                if (i % 3 != 2) {
                    edges.write(i + " " + (i + 1) % VERTICES + "\n");
                }
                edges.write(HUB + " " + i + "\n");
            }
            vertices.write(HUB + "\n");
        }
        return GraphLoader.load(new GraphSource(v, e, true, false), 2, LoadProgress.NONE);
    }
}
