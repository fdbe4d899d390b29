package io.graphagent.graph.partition;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PartitioningTest {

    @Test
    void smallGraphsHashSingleIdsSoEveryPartitionGetsVertices() {
        assertThat(Partitioning.blockBits(10, 7)).isZero();
        int[] sizes = new int[7];
        for (long id = 0; id < 700; id++) {
            sizes[Partitioning.partitionOf(id, 7, Partitioning.blockBits(700, 7))]++;
        }
        assertThat(java.util.Arrays.stream(sizes).boxed().toList()).allMatch(size -> size > 60 && size < 140);
    }

    @Test
    void largeGraphsHashBlocksOfSixtyFourConsecutiveIds() {
        int bits = Partitioning.blockBits(1 << 20, 8);
        assertThat(bits).isEqualTo(Partitioning.MAX_BLOCK_BITS);
        int first = Partitioning.partitionOf(128, 8, bits);
        for (long id = 128; id < 192; id++) {
            assertThat(Partitioning.partitionOf(id, 8, bits)).isEqualTo(first);
        }
        int[] sizes = new int[8];
        for (long id = 0; id < (1 << 20); id++) {
            sizes[Partitioning.partitionOf(id, 8, bits)]++;
        }
        assertThat(java.util.Arrays.stream(sizes).boxed().toList()).allMatch(size -> Math.abs(size - (1 << 17)) < (1 << 17) / 20);
    }
}
