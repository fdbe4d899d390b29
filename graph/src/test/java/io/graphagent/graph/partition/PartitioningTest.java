package io.graphagent.graph.partition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.graphagent.graph.csr.CsrBuilder;
import io.graphagent.graph.csr.Graph;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PartitioningTest {

    @Test
    void idBlocksCoverEveryIdWithAtMostTheMaximumNumberOfBlocks() {
        assertThat(IdBlocks.covering(0, 0)).isEqualTo(new IdBlocks(0, 0, 1));
        assertThat(IdBlocks.covering(0, 4095)).isEqualTo(new IdBlocks(0, 0, 4096));
        assertThat(IdBlocks.covering(0, 4096)).isEqualTo(new IdBlocks(1, 0, 2049));
        IdBlocks huge = IdBlocks.covering(0, Long.MAX_VALUE);
        assertThat(huge.count()).isLessThanOrEqualTo(IdBlocks.MAX_BLOCKS);
        assertThat(huge.blockOf(Long.MAX_VALUE)).isEqualTo(huge.count() - 1);
        IdBlocks far = IdBlocks.covering(1_000_000_000_000L, 1_000_000_021_000L);
        assertThat(far.shift()).isEqualTo(3);
        assertThat(far.blockOf(1_000_000_000_000L)).isZero();
        assertThat(far.blockOf(1_000_000_021_000L)).isEqualTo(far.count() - 1);
        assertThat(far.firstId(1)).isEqualTo(1_000_000_000_008L);
    }

    @Test
    void weightsCountedAtAFinerShiftMergeExactlyIntoCoarserBlocks() {
        IdBlocks fine = IdBlocks.covering(40_000, 41_000);
        IdBlocks coarse = IdBlocks.covering(500, 100_000);
        BlockWeights a = BlockWeights.of(fine);
        BlockWeights b = BlockWeights.of(coarse);
        BlockWeights whole = BlockWeights.of(coarse);
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < 5000; i++) {
            long id = 40_000 + random.nextLong(1001);
            a.add(id, 3);
            whole.add(id, 3);
            long other = 500 + random.nextLong(99_501);
            b.add(other, 1);
            whole.add(other, 1);
        }
        assertThat(BlockWeights.merge(coarse, List.of(a, b)).weights()).containsExactly(whole.weights());
        assertThatThrownBy(() -> BlockWeights.merge(IdBlocks.covering(0, 1000), List.of(b))).hasMessageContaining("finer");
    }

    @Test
    void splitGivesContiguousRunsOfAboutEqualWeight() {
        BlockWeights weights = BlockWeights.of(IdBlocks.covering(0, 999));
        for (long id = 0; id < 1000; id++) {
            weights.add(id, id < 100 ? 10 : 1);
        }
        int[] first = weights.split(4);
        assertThat(first).startsWith(0).endsWith(1000).isSorted();
        long total = 100 * 10 + 900;
        for (int k = 0; k < 4; k++) {
            long w = 0;
            for (int b = first[k]; b < first[k + 1]; b++) {
                w += weights.weights()[b];
            }
            assertThat(w).as("partition %d", k).isBetween(total / 4 - 10, total / 4 + 10);
        }
    }

    @Test
    void balancedPartitionsAreContiguousRangesOfWholeBlocksCoveringEveryVertex() {
        Graph graph = randomGraph(5000, 20_000, 7);
        Partitioning partitioning = Partitioning.balanced(graph, 6);
        assertThat(partitioning.count()).isEqualTo(6);
        assertThat(partitioning.first(0)).isZero();
        assertThat(partitioning.end(5)).isEqualTo(graph.numVertices());
        IdBlocks blocks = partitioning.blocks();
        for (int v = 0; v < graph.numVertices(); v++) {
            int p = partitioning.partitionOf(v);
            assertThat(v).isBetween(partitioning.first(p), partitioning.end(p) - 1);
            int block = blocks.blockOf(graph.originalId(v));
            assertThat(block).isBetween(partitioning.firstBlock(p), partitioning.endBlock(p) - 1);
            assertThat(partitioning.partitionOfId(graph.originalId(v))).isEqualTo(p);
        }
        for (int p = 0; p < 6; p++) {
            assertThat(partitioning.size(p)).as("partition %d", p).isBetween(500, 1300);
        }
    }

    @Test
    void aVertexInAPartitionAfterEmptyOnesBelongsToTheLastOfThem() {
        IdBlocks blocks = IdBlocks.covering(0, 9);
        Partitioning partitioning = new Partitioning(blocks, new int[] {0, 5, 5, 10}, new int[] {0, 4, 4, 8});
        assertThat(partitioning.partitionOf(3)).isZero();
        assertThat(partitioning.partitionOf(4)).isEqualTo(2);
        assertThat(partitioning.partitionOfId(5)).isEqualTo(2);
        assertThat(partitioning.size(1)).isZero();
    }

    @Test
    void thePartitionOfEveryIdAndDenseIdIsTheLastPartitionStartingAtOrBeforeIt() {
        SplittableRandom random = new SplittableRandom(5);
        for (int round = 0; round < 20; round++) {
            int partitions = 1 + random.nextInt(40);
            int blockCount = partitions + random.nextInt(4000 - partitions);
            int n = random.nextInt(3) == 0 ? random.nextInt(50) : random.nextInt(2_000_000);
            int[] firstBlock = sortedCuts(random, partitions, blockCount);
            int[] firstVertex = sortedCuts(random, partitions, n);
            Partitioning partitioning = new Partitioning(new IdBlocks(3, 0, blockCount), firstBlock, firstVertex);
            for (int k = 0; k < 2000; k++) {
                int v = k < 4 ? new int[] {0, n - 1, n, -1}[k] : random.nextInt(-5, n + 5);
                assertThat(partitioning.partitionOf(v)).as("round %d, dense id %d", round, v).isEqualTo(lastAtOrBefore(firstVertex, v));
                int b = random.nextInt(blockCount);
                assertThat(partitioning.partitionOfBlock(b)).as("round %d, block %d", round, b).isEqualTo(lastAtOrBefore(firstBlock, b));
                assertThat(partitioning.partitionOfId(((long) b << 3) + random.nextInt(8))).isEqualTo(lastAtOrBefore(firstBlock, b));
            }
        }
    }

    /** 0, then partitions - 1 cuts in 0..end ascending (equal ones make empty partitions), then end. */
    private static int[] sortedCuts(SplittableRandom random, int partitions, int end) {
        int[] cuts = new int[partitions + 1];
        for (int p = 1; p < partitions; p++) {
            cuts[p] = random.nextInt(3) == 0 && p > 1 ? cuts[p - 1] : random.nextInt(end + 1);
        }
        cuts[partitions] = end;
        Arrays.sort(cuts, 1, partitions);
        return cuts;
    }

    /** The reference: the last p < count with cuts[p] <= x, by a linear scan (0 when none). */
    private static int lastAtOrBefore(int[] cuts, int x) {
        int found = 0;
        for (int p = 0; p < cuts.length - 1; p++) {
            if (cuts[p] <= x) {
                found = p;
            }
        }
        return found;
    }

    static Graph randomGraph(int vertices, int edges, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        long[] ids = new long[vertices];
        for (int v = 0; v < vertices; v++) {
            ids[v] = 3L * v + 1;
        }
        int[] s = new int[edges];
        int[] t = new int[edges];
        for (int e = 0; e < edges; e++) {
            s[e] = random.nextInt(vertices);
            t[e] = random.nextInt(vertices);
        }
        CsrBuilder builder = new CsrBuilder(vertices, true, false);
        builder.add(s, t, null, edges);
        return builder.build(ids);
    }
}
