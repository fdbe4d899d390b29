package io.graphagent.agent.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.graphagent.api.EdgeUse;
import io.graphagent.graph.csr.Graph;
import io.graphagent.graph.load.GraphLoader;
import io.graphagent.graph.load.GraphSource;
import io.graphagent.graph.load.LoadProgress;
import io.graphagent.graph.partition.GraphShare;
import io.graphagent.graph.partition.Partitioning;
import io.graphagent.graph.partition.ShareBuilder;
import io.graphagent.graph.traverse.VertexBits;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** A hop gathered by slot over several shares and read into dense ids equals the hop added id by id. */
class SlotSetsTest {
    private static final int PARTITIONS = 6;

    private static int[] held(VertexBits bits) {
        int[] ids = new int[bits.size()];
        bits.toArray(ids);
        Arrays.sort(ids);
        return ids;
    }

    @Test
    void aHopOverMoreSharesThanKeptEqualsTheHopAddedIdByIdAndLeavesTheSetsEmpty() throws Exception {
        Path path = Path.of(System.getProperty("graphagent.shared", "/work/shared"), "datasets", "graphalytics", "pr-directed");
        Graph graph = GraphLoader.load(GraphSource.graphalytics(path, true, false), 1, LoadProgress.NONE);
        Partitioning partitioning = Partitioning.balanced(graph, PARTITIONS);
        // One share per partition: six shares, more than the four a thread keeps.
        GraphShare[] shares = new GraphShare[PARTITIONS];
        for (int p = 0; p < PARTITIONS; p++) {
            shares[p] = ShareBuilder.of(graph, partitioning, new int[] {p}, EdgeUse.OUT_AND_IN);
        }
        int n = partitioning.numVertices();
        SlotSets slots = new SlotSets();
        for (int round = 0; round < 3; round++) {
            VertexBits gathered = new VertexBits(n);
            VertexBits expected = new VertexBits(n);
            int fallbacks = 0;
            // Round 1 starts from the last shares: the entries of the first ones are replaced.
            for (int k = 0; k < PARTITIONS; k++) {
                int p = round == 1 ? PARTITIONS - 1 - k : k;
                GraphShare share = shares[p];
                int[] offsets = share.outOffsets();
                for (int v = partitioning.first(p); v < partitioning.first(p + 1); v++) {
                    int slot = share.firstSlot(p) + v - partitioning.first(p);
                    for (int e = offsets[slot]; e < offsets[slot + 1]; e++) {
                        expected.add(share.globalOf(share.outTargets()[e]));
                    }
                    VertexBits bySlot = slots.of(share);
                    if (bySlot == null) {
                        fallbacks++;
                        gathered.addAll(share.outTargets(), offsets[slot], offsets[slot + 1], share.slotGlobals());
                    } else {
                        bySlot.addAll(share.outTargets(), offsets[slot], offsets[slot + 1], null);
                    }
                }
            }
            slots.drainInto(gathered);
            assertThat(fallbacks).as("round %d: vertices of shares past the four kept", round).isPositive();
            assertThat(gathered.size()).isEqualTo(expected.size()).isPositive();
            assertThat(held(gathered)).containsExactly(held(expected));
            // Drained: the next hop starts from empty sets.
            for (GraphShare share : shares) {
                VertexBits set = slots.of(share);
                assertThat(set == null || set.size() == 0).isTrue();
            }
            slots.drainInto(new VertexBits(n));
        }
    }
}
