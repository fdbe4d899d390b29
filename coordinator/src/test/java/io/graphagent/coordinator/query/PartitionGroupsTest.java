package io.graphagent.coordinator.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.graphagent.graph.partition.IdBlocks;
import io.graphagent.graph.partition.Partitioning;
import io.graphagent.protocol.PackedArrays;
import org.junit.jupiter.api.Test;

/** How a hop's vertices are grouped by partition and batched by agent for the requests of a round. */
class PartitionGroupsTest {
    /** Partitions 0..2 of 0..4, 5..9 and 10..14. */
    private static final Partitioning THREE = new Partitioning(IdBlocks.covering(0, 14), new int[] {0, 5, 10, 15},
            new int[] {0, 5, 10, 15});

    @Test
    void eachPartitionsGroupKeepsTheOrderGivenAndOnlyNonEmptyGroupsArePending() {
        PartitionGroups groups = PartitionGroups.of(THREE, new int[] {12, 3, 10, 1, 14, 99}, 5);

        assertThat(groups.partitions()).isEqualTo(3);
        assertThat(groups.left()).isEqualTo(2);
        assertThat(groups.pending(0)).isTrue();
        assertThat(groups.pending(1)).isFalse();
        assertThat(groups.pending(2)).isTrue();
        int[] asked = {0, 2};
        assertThat(groups.count(asked, 2)).isEqualTo(5);
        int[] packed = new int[5];
        PackedArrays.unpackInts(groups.packed(asked, 2), 5, packed);
        assertThat(packed).containsExactly(3, 1, 12, 10, 14);
        PackedArrays.unpackInts(groups.packed(new int[] {2, 0}, 2), 5, packed);
        assertThat(packed).containsExactly(12, 10, 14, 3, 1);
    }

    @Test
    void aPartitionAnsweredTwiceCountsOnce() {
        PartitionGroups groups = PartitionGroups.of(THREE, new int[] {6, 7}, 2);

        groups.answered(1);
        groups.answered(1);
        groups.answered(0);

        assertThat(groups.left()).isZero();
        assertThat(groups.pending(1)).isFalse();
    }

    @Test
    void agentsComeInIdOrderEachWithItsPartitionsInTheOrderAdded() {
        AgentBatches batches = new AgentBatches();
        String[] route = {"agent-2", "agent-1", "agent-2", "agent-9", "agent-1", "agent-3", "agent-0", "agent-2", "agent-2",
                "agent-2", "agent-2"};
        for (int p = 0; p < route.length; p++) {
            batches.add(route[p], p);
        }

        assertThat(batches.count()).isEqualTo(5);
        assertThat(new String[] {batches.agent(0), batches.agent(1), batches.agent(2), batches.agent(3), batches.agent(4)})
                .containsExactly("agent-0", "agent-1", "agent-2", "agent-3", "agent-9");
        assertThat(java.util.Arrays.copyOf(batches.partitions(2), batches.size(2))).containsExactly(0, 2, 7, 8, 9, 10);
        assertThat(java.util.Arrays.copyOf(batches.partitions(1), batches.size(1))).containsExactly(1, 4);
        assertThat(batches.size(0)).isEqualTo(1);
    }
}
