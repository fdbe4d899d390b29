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
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;

/**
 * The mirrored form of a partition's broadcasts: the owner packs the receiver's mirrors from
 * the ranks the receiver told it, and what the receiver files into each mirror is what that
 * member broadcast, for every way of cutting the mirror list into batches.
 */
class MirroredBroadcastsTest {
    private static final int PARTITIONS = 4;

    private final Graph graph = CompactBroadcastsTest.randomGraph(new SplittableRandom(17), 3_000, 9_000);
    private final Partitioning partitioning = Partitioning.balanced(graph, PARTITIONS);
    private final GraphShare sender = ShareBuilder.of(graph, partitioning, new int[] {0, 2}, EdgeUse.IN_AND_OUT_DEGREES);
    private final GraphShare receiver = ShareBuilder.of(graph, partitioning, new int[] {1, 3}, EdgeUse.IN_AND_OUT_DEGREES);

    @Test
    void theReceiversRanksNameItsMirrorsInSlotOrder() {
        for (int partition : new int[] {0, 2}) {
            int mirrors = receiver.endMirror(partition) - receiver.firstMirror(partition);
            assertThat(mirrors).as("the receiver mirrors some but not all of partition %d", partition)
                    .isPositive().isLessThan(partitioning.size(partition));
            int[] ranks = MirroredBroadcasts.mirrorRanks(receiver, partitioning, partition, 0, mirrors);
            for (int i = 0; i < mirrors; i++) {
                assertThat(partitioning.first(partition) + ranks[i]).isEqualTo(receiver.globalOf(receiver.firstMirror(partition) + i));
            }
            int[] tail = MirroredBroadcasts.mirrorRanks(receiver, partitioning, partition, 5, mirrors - 5);
            assertThat(tail).isEqualTo(Arrays.copyOfRange(ranks, 5, mirrors));
        }
    }

    @Test
    void everyMirrorGetsItsMembersFlagAndValueWhateverTheBatchSize() {
        SplittableRandom coin = new SplittableRandom(3);
        sendAndCheck(slot -> coin.nextInt(3) > 0, false);
    }

    @Test
    void whenEveryMirroredMemberBroadcastTheBitsAreLeftOutAndTheValuesCopiedStraight() {
        // Members the receiver does not mirror stay silent: the form looks at the mirrored ones only.
        sendAndCheck(slot -> receiver.mirrorSlotOf(sender.globalOf(slot)) >= 0, true);
    }

    @Test
    void aRangePastTheReceiversMirrorsIsRefusedNamingThePartition() {
        int mirrors = receiver.endMirror(2) - receiver.firstMirror(2);
        assertThatThrownBy(() -> MirroredBroadcasts.importInto(receiver, 2, mirrors - 3, 4, MirroredBroadcasts.ALL,
                new double[4], new boolean[receiver.slots()], new double[receiver.slots()]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("mirrors " + (mirrors - 3) + ".." + (mirrors + 1) + " of partition 2 sent, but this share mirrors "
                        + mirrors);
    }

    /** Sender slots broadcast as {@code broadcasts} says, random values; sent in batches of several sizes. */
    private void sendAndCheck(IntPredicate broadcasts, boolean allBroadcast) {
        SplittableRandom random = new SplittableRandom(4);
        boolean[] sentFlags = new boolean[sender.slots()];
        double[] sentValues = new double[sender.slots()];
        for (int slot = 0; slot < sender.ownedVertices(); slot++) {
            sentFlags[slot] = broadcasts.test(slot);
            sentValues[slot] = random.nextDouble();
        }
        for (int batch : new int[] {1, 7, 13, 64, 1_000_000}) {
            boolean[] flags = new boolean[receiver.slots()];
            double[] values = new double[receiver.slots()];
            Arrays.fill(flags, !allBroadcast);
            Arrays.fill(values, -1.0);
            for (int partition : new int[] {0, 2}) {
                int mirrors = receiver.endMirror(partition) - receiver.firstMirror(partition);
                int[] ranks = MirroredBroadcasts.mirrorRanks(receiver, partitioning, partition, 0, mirrors);
                for (int from = 0; from < mirrors; from += batch) {
                    int n = Math.min(batch, mirrors - from);
                    PartitionRunner.BroadcastBits b = MirroredBroadcasts.export(sender, partition, ranks, from, n, sentFlags,
                            sentValues);
                    if (allBroadcast) {
                        assertThat(b.bits()).as("bits of an all-broadcast range").isEmpty();
                        assertThat(b.count()).isEqualTo(n);
                    }
                    MirroredBroadcasts.importInto(receiver, partition, from, n, b.bits(), Arrays.copyOf(b.values(), b.count()),
                            flags, values);
                }
                for (int mirror = receiver.firstMirror(partition); mirror < receiver.endMirror(partition); mirror++) {
                    int member = sender.ownedSlotOf(receiver.globalOf(mirror));
                    assertThat(flags[mirror]).as("flag of mirror %d, batches of %d", mirror, batch).isEqualTo(sentFlags[member]);
                    assertThat(values[mirror]).as("value of mirror %d, batches of %d", mirror, batch)
                            .isEqualTo(sentFlags[member] ? sentValues[member] : -1.0);
                }
            }
        }
    }
}
