package io.graphagent.graph.partition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.graphagent.graph.csr.Graph;
import io.graphagent.api.EdgeUse;
import io.graphagent.graph.testing.Datasets;
import java.util.Arrays;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** A share keeps only the edges its program reads. */
class ShareBuilderTest {
    private static final int[] OWNED = {0, 2};

    @Test
    void aShareOfInEdgesAndOutDegreesHoldsNoOutTargetsAndMirrorsOnlyInNeighbours() throws Exception {
        Graph graph = Datasets.load(Datasets.graphalytics().resolve("pr-directed"), 1);
        Partitioning partitioning = Partitioning.balanced(graph, 4);
        GraphShare both = ShareBuilder.of(graph, partitioning, OWNED, EdgeUse.OUT_AND_IN);
        GraphShare in = ShareBuilder.of(graph, partitioning, OWNED, EdgeUse.IN_AND_OUT_DEGREES);

        assertThat(in.holdsOutTargets()).isFalse();
        assertThat(in.outTargets()).isNull();
        assertThat(in.outOffsets()).as("out-degrees are kept").containsExactly(both.outOffsets());
        assertThat(in.inOffsets()).containsExactly(both.inOffsets());
        TreeSet<Integer> inNeighbours = new TreeSet<>();
        for (int v = 0; v < both.ownedVertices(); v++) {
            for (int e = both.inOffsets()[v]; e < both.inOffsets()[v + 1]; e++) {
                int g = both.globalOf(both.inSources()[e]);
                assertThat(in.globalOf(in.inSources()[e])).as("in-edge %d of slot %d", e, v).isEqualTo(g);
                if (both.ownedSlotOf(g) < 0) {
                    inNeighbours.add(g);
                }
            }
        }
        int[] mirrors = Arrays.copyOfRange(in.slotGlobals(), in.ownedVertices(), in.slots());
        assertThat(mirrors).as("the mirrors are the remote in-neighbours")
                .containsExactly(inNeighbours.stream().mapToInt(Integer::intValue).toArray());
        assertThat(in.mirrors()).isLessThanOrEqualTo(both.mirrors());
        assertThat(in.edgeEntries()).isEqualTo(both.inOffsets()[both.ownedVertices()]);
        assertThat(in.sizeInBytes()).isLessThanOrEqualTo(both.sizeInBytes() - 4L * both.outTargets().length);
    }

    @Test
    void anUndirectedShareKeepsItsAdjacencyWhateverTheProgramReads() throws Exception {
        Graph graph = Datasets.load(Datasets.graphalytics().resolve("example-undirected"), 1);
        Partitioning partitioning = Partitioning.balanced(graph, 4);
        GraphShare share = ShareBuilder.of(graph, partitioning, OWNED, EdgeUse.IN_AND_OUT_DEGREES);
        assertThat(share.holdsOutTargets()).isTrue();
        assertThat(share.outTargets()).containsExactly(ShareBuilder.of(graph, partitioning, OWNED).outTargets());
    }

    @Test
    void outEdgesOfAVertexOwnedElsewhereAreRefused() {
        Partitioning partitioning = new Partitioning(new IdBlocks(0, 0, 4), new int[] {0, 2, 4}, new int[] {0, 2, 4});
        ShareBuilder builder = new ShareBuilder(partitioning, new int[] {0}, true, false, 1, EdgeUse.IN_AND_OUT_DEGREES);
        assertThatThrownBy(() -> builder.addOutDegrees(new int[] {3}, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("vertex 3, which this share does not own");
    }
}
