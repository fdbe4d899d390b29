package io.graphagent.graph.pregel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.graphagent.api.EdgeUse;
import io.graphagent.graph.csr.Graph;
import io.graphagent.graph.partition.GraphShare;
import io.graphagent.graph.partition.Partitioning;
import io.graphagent.graph.partition.ShareBuilder;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The compact form of a partition's broadcasts: what a receiver files into its mirrors equals
 * what each mirrored member broadcast, for every way of cutting the partition into ranges.
 */
class CompactBroadcastsTest {
    private static final int PARTITIONS = 4;

    @Test
    void markedCountsTheSetBitsOfARangeThatStartsAndEndsMidByte() {
        byte[] bits = {(byte) 0b1011_0110, (byte) 0xff, 0b0000_0001};
        assertThat(CompactBroadcasts.marked(bits, 0, 0)).isZero();
        assertThat(CompactBroadcasts.marked(bits, 0, 8)).isEqualTo(5);
        assertThat(CompactBroadcasts.marked(bits, 1, 3)).isEqualTo(2);
        assertThat(CompactBroadcasts.marked(bits, 3, 4)).isZero();
        assertThat(CompactBroadcasts.marked(bits, 5, 17)).isEqualTo(2 + 8 + 1);
        assertThat(CompactBroadcasts.marked(bits, 7, 24)).isEqualTo(1 + 8 + 1);
    }

    @Test
    void everyMirrorOfARangeGetsItsMembersFlagAndValueAndOthersStayAsTheyWere() {
        SplittableRandom random = new SplittableRandom(11);
        Graph graph = randomGraph(random, 3_000, 9_000);
        Partitioning partitioning = Partitioning.balanced(graph, PARTITIONS);
        GraphShare sender = ShareBuilder.of(graph, partitioning, new int[] {0, 2}, EdgeUse.IN_AND_OUT_DEGREES);
        GraphShare receiver = ShareBuilder.of(graph, partitioning, new int[] {1, 3}, EdgeUse.IN_AND_OUT_DEGREES);
        for (int partition : new int[] {0, 2}) {
            assertThat(receiver.endMirror(partition) - receiver.firstMirror(partition))
                    .as("the receiver mirrors some but not all of partition %d", partition)
                    .isPositive().isLessThan(partitioning.size(partition));
        }
        boolean[] sentFlags = new boolean[sender.slots()];
        double[] sentValues = new double[sender.slots()];
        for (int slot = 0; slot < sender.ownedVertices(); slot++) {
            sentFlags[slot] = random.nextInt(3) > 0;
            sentValues[slot] = random.nextDouble();
        }
        for (int range : new int[] {1, 7, 13, 64, 1_000_000}) {
            boolean[] flags = new boolean[receiver.slots()];
            double[] values = new double[receiver.slots()];
            Arrays.fill(flags, true);
            Arrays.fill(values, -1.0);
            for (int partition : new int[] {0, 2}) {
                int members = partitioning.size(partition);
                for (int from = 0; from < members; from += range) {
                    int n = Math.min(range, members - from);
                    PartitionRunner.BroadcastBits b = CompactBroadcasts.export(sender, partition, from, n, sentFlags,
                            sentValues);
                    CompactBroadcasts.importInto(receiver, partitioning, partition, from, n, b.bits(),
                            Arrays.copyOf(b.values(), b.count()), flags, values);
                }
                for (int mirror = receiver.firstMirror(partition); mirror < receiver.endMirror(partition); mirror++) {
                    int member = sender.ownedSlotOf(receiver.globalOf(mirror));
                    assertThat(flags[mirror]).as("flag of mirror %d, ranges of %d", mirror, range)
                            .isEqualTo(sentFlags[member]);
                    assertThat(values[mirror]).as("value of mirror %d, ranges of %d", mirror, range)
                            .isEqualTo(sentFlags[member] ? sentValues[member] : -1.0);
                }
            }
        }
    }

    @Test
    void aRangeWithFewerValuesThanMarkedMirrorsIsRefusedNamingThePartition() {
        Graph graph = randomGraph(new SplittableRandom(5), 200, 2_000);
        Partitioning partitioning = Partitioning.balanced(graph, PARTITIONS);
        GraphShare receiver = ShareBuilder.of(graph, partitioning, new int[] {1, 2, 3}, EdgeUse.IN_AND_OUT_DEGREES);
        int members = partitioning.size(0);
        byte[] allMarked = new byte[(members + 7) / 8];
        Arrays.fill(allMarked, (byte) 0xff);
        double[] tooFew = new double[receiver.endMirror(0) - receiver.firstMirror(0) - 1];

        assertThatThrownBy(() -> CompactBroadcasts.importInto(receiver, partitioning, 0, 0, members, allMarked, tooFew,
                new boolean[receiver.slots()], new double[receiver.slots()]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("more members of partition 0 marked than the " + tooFew.length + " values given");
    }

    /** A directed graph of {@code vertices} with {@code edges} random edges (ids 0..n-1), in CSR both ways. */
    static Graph randomGraph(SplittableRandom random, int vertices, int edges) {
        int[] from = new int[edges];
        int[] to = new int[edges];
        for (int e = 0; e < edges; e++) {
            from[e] = random.nextInt(vertices);
            to[e] = random.nextInt(vertices);
        }
        int[] outOffsets = new int[vertices + 1];
        int[] inOffsets = new int[vertices + 1];
        for (int e = 0; e < edges; e++) {
            outOffsets[from[e] + 1]++;
            inOffsets[to[e] + 1]++;
        }
        for (int v = 0; v < vertices; v++) {
            outOffsets[v + 1] += outOffsets[v];
            inOffsets[v + 1] += inOffsets[v];
        }
        int[] outTargets = new int[edges];
        int[] inSources = new int[edges];
        int[] outFill = Arrays.copyOf(outOffsets, vertices);
        int[] inFill = Arrays.copyOf(inOffsets, vertices);
        for (int e = 0; e < edges; e++) {
            outTargets[outFill[from[e]]++] = to[e];
            inSources[inFill[to[e]]++] = from[e];
        }
        for (int v = 0; v < vertices; v++) {
            Arrays.sort(outTargets, outOffsets[v], outOffsets[v + 1]);
            Arrays.sort(inSources, inOffsets[v], inOffsets[v + 1]);
        }
        long[] ids = new long[vertices];
        Arrays.setAll(ids, v -> v * 3L + 1);
        return new Graph(true, ids, outOffsets, outTargets, null, inOffsets, inSources, null, edges);
    }
}
