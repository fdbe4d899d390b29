package io.graphagent.agent.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import io.graphagent.api.EdgeUse;
import io.graphagent.api.VertexProgram;
import io.graphagent.protocol.PackedArrays;
import io.graphagent.protocol.v1.BatchKind;
import io.graphagent.protocol.v1.BatchRefusal;
import io.graphagent.protocol.v1.MessageBatch;
import io.graphagent.protocol.v1.ResolveRequest;
import io.graphagent.protocol.v1.ResolveResponse;
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
        Graph graph = ringWithSinks(dir, 0);
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

    @Test
    void aPageRankPeerGetsOnlyItsMirrorsInBatchesWithoutBitsFiledInPlace(@TempDir Path dir) throws Exception {
        // The hub's in-neighbours (every fifth ring vertex) have out-edges, so every mirror broadcast.
        int mirrors = mirroredRoundTrip(ringWithSinks(dir, 5), EdgeUse.IN_AND_OUT_DEGREES, false);
        assertThat(mirrors).isEqualTo((VERTICES + 4) / 5);
    }

    @Test
    void aPeerMirroringMoreThanOneAnswerAndThreeBatchesGetsBitsForTheSinks(@TempDir Path dir) throws Exception {
        // Both directions: the peer mirrors the hub's every out-neighbour, sinks among them.
        int mirrors = mirroredRoundTrip(ringWithSinks(dir, 5), EdgeUse.OUT_AND_IN, true);
        assertThat(mirrors).isEqualTo(VERTICES).isGreaterThan(PeerMirrors.MAX_RANKS).isGreaterThan(2 * BatchStream.MAX_BATCH);
    }

    @Test
    void aMirrorListNotAscendingAcrossTwoAnswersIsRefusedNamingTheMirrorAndItsRank() throws Exception {
        int[][] answers = {{1, 5}, {5, 7}};   // the second answer repeats rank 5
        assertThatThrownBy(() -> listOf(new MirrorList("j", 0, 3, 10, "agent-2"), request -> ResolveResponse.newBuilder()
                        .setMirrorTotal(4).setIds(PackedArrays.packInts(answers[request.getFirst() / 2], 0, 2)).build()))
                .isInstanceOf(ExchangeFailedException.class)
                .hasMessageContaining("agent agent-2 sent a malformed mirror list of partition 3: mirror 2 is rank 5 after 5, of 10 members");
        assertThat(listOf(new MirrorList("j", 0, 3, 10, "agent-2"), request -> ResolveResponse.newBuilder()
                .setMirrorTotal(4).setIds(PackedArrays.packInts(new int[] {1, 5, 6, 9}, request.getFirst(), 2)).build()))
                .containsExactly(1, 5, 6, 9);
    }

    /** The list {@code list} asks, each page answered by {@code peer}. */
    private static int[] listOf(MirrorList list, java.util.function.Function<ResolveRequest, ResolveResponse> peer)
            throws ExchangeFailedException {
        while (!list.take(peer.apply(list.request()))) {
            // the next page
        }
        return list.ranks();
    }

    /**
     * Sends partition 0's broadcasts of PageRank's first superstep to the owner of the hub in
     * the mirrored form, its mirror list asked of its own runner: checks each batch, files it,
     * and compares every mirror with what the sender broadcast. Returns the mirrors.
     */
    private int mirroredRoundTrip(Graph graph, EdgeUse use, boolean someSilent) throws Exception {
        VertexProgram pageRank = Kernels.create(Algorithm.PAGERANK, graph, new KernelParameters(0, 5, 0.85)).program();
        IdBlocks blocks = IdBlocks.covering(0, HUB);
        Partitioning partitioning = Partitioning.ofBlocks(graph, blocks, new int[] {0, blocks.blockOf(HUB), blocks.count()});
        PartitionRunner sender = new PartitionRunner(ShareBuilder.of(graph, partitioning, new int[] {0}, use), pageRank, pool);
        PartitionRunner peer = new PartitionRunner(ShareBuilder.of(graph, partitioning, new int[] {1}, use), pageRank, pool);
        sender.compute(0, new double[pageRank.shape().aggregatorCount()]);
        MirrorList list = new MirrorList("j", 0, 0, partitioning.size(0), "peer");
        int calls = 1;
        while (!list.take(PeerMirrors.answer(list.request(), peer, "j", 0))) {
            calls++;
        }
        int[] ranks = list.ranks();
        assertThat(ranks).hasSize(peer.mirrorCount(0));
        assertThat(calls).as("calls of at most MAX_RANKS").isEqualTo(Math.max(1, (ranks.length + PeerMirrors.MAX_RANKS - 1)
                / PeerMirrors.MAX_RANKS));

        MessageBatch header = MessageBatch.newBuilder().setJobId("j").setSuperstep(0).setSenderAgent("a").build();
        List<MessageBatch> batches = BatchStream.mirroredBroadcasts(header, sender, 0, ranks);
        BatchCheck check = new BatchCheck(0, partitioning, new int[] {1}, new int[] {peer.mirrorCount(0), 0});
        int next = 0;
        boolean anyBits = false;
        for (MessageBatch b : batches) {
            assertThat(check.check(b)).isEqualTo(BatchRefusal.BATCH_REFUSAL_NONE);
            assertThat(check.check(b.toBuilder().setMirrorTotal(ranks.length + 1).build()))
                    .as("a batch packed for another mirror list").isEqualTo(BatchRefusal.MALFORMED_BATCH);
            assertThat(b.getMirrored()).isTrue();
            assertThat(b.getFirstMember()).isEqualTo(next);
            assertThat(b.getMemberCount()).isLessThanOrEqualTo(BatchStream.MAX_BATCH);
            assertThat(b.getValues().size()).isLessThan(512 * 1024);
            anyBits |= !b.getMemberBits().isEmpty();
            next += b.getMemberCount();
            double[] values = new double[b.getCount()];
            PackedArrays.unpackDoubles(b.getValues(), b.getCount(), values);
            peer.importMirroredBroadcasts(0, b.getFirstMember(), b.getMemberCount(), b.getMemberBits().toByteArray(), values);
        }
        assertThat(next).isEqualTo(ranks.length);
        assertThat(anyBits).as("member bits sent").isEqualTo(someSilent);
        for (int mirror = peer.share().firstMirror(0); mirror < peer.share().endMirror(0); mirror++) {
            int slot = sender.share().ownedSlotOf(peer.share().globalOf(mirror));
            assertThat(peer.broadcastMade(mirror)).as("mirror %d broadcast", mirror).isEqualTo(sender.broadcastMade(slot));
            if (sender.broadcastMade(slot)) {
                assertThat(peer.broadcastValue(mirror)).as("mirror %d's value", mirror).isEqualTo(sender.broadcastValue(slot));
            }
        }
        return ranks.length;
    }

    /**
     * Vertex v points to v + 1 (a ring), except every third vertex, which has no out-edge; the
     * hub points to every vertex, and every {@code toHubEvery}-th vertex (none when 0) to the hub.
     */
    private static Graph ringWithSinks(Path dir, int toHubEvery) throws Exception {
        Path v = dir.resolve("g.v");
        Path e = dir.resolve("g.e");
        try (BufferedWriter vertices = Files.newBufferedWriter(v); BufferedWriter edges = Files.newBufferedWriter(e)) {
            for (int i = 0; i < VERTICES; i++) {
                vertices.write(i + "\n");
                if (i % 3 != 2) {
                    edges.write(i + " " + (i + 1) % VERTICES + "\n");
                }
                edges.write(HUB + " " + i + "\n");
                if (toHubEvery > 0 && i % toHubEvery == 0) {
                    edges.write(i + " " + HUB + "\n");
                }
            }
            vertices.write(HUB + "\n");
        }
        return GraphLoader.load(new GraphSource(v, e, true, false), 2, LoadProgress.NONE);
    }
}
