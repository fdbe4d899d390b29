package io.graphagent.graph.csr;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class CsrBuilderTest {
    private static final long[] IDS = {10, 20, 30, 40};

    @Test
    void directedGraphHasSortedOutAndInListsAcrossBlocks() {
        CsrBuilder builder = new CsrBuilder(4, true, true);
        builder.add(new int[] {2, 0, 0}, new int[] {1, 3, 1}, new double[] {0.1, 0.2, 0.3}, 3);
        builder.add(new int[] {0, 3, 9}, new int[] {2, 0, 9}, new double[] {0.4, 0.5, 9}, 2); // count ignores the tail

        Graph g = builder.build(IDS);

        assertThat(g.numEdges()).isEqualTo(5);
        assertThat(g.outOffsets()).containsExactly(0, 3, 3, 4, 5);
        assertThat(g.outTargets()).containsExactly(1, 2, 3, 1, 0);
        assertThat(g.outWeights()).containsExactly(0.3, 0.4, 0.2, 0.1, 0.5);
        assertThat(g.inOffsets()).containsExactly(0, 1, 3, 4, 5);
        assertThat(g.inSources()).containsExactly(3, 0, 2, 0, 0);
        assertThat(g.inWeights()).containsExactly(0.5, 0.3, 0.1, 0.4, 0.2);
    }

    @Test
    void undirectedGraphSharesOneCsrForBothDirections() {
        CsrBuilder builder = new CsrBuilder(4, false, false);
        builder.add(new int[] {3, 1, 2}, new int[] {0, 1, 0}, null, 3);

        Graph g = builder.build(IDS);

        assertThat(g.outOffsets()).isSameAs(g.inOffsets()).containsExactly(0, 2, 3, 4, 5);
        assertThat(g.outTargets()).isSameAs(g.inSources()).containsExactly(2, 3, 1, 0, 0);
        assertThat(g.outWeights()).isNull();
        assertThat(g.numEdges()).isEqualTo(3);
    }

    @Test
    void duplicateEdgesKeepInputOrder() {
        CsrBuilder builder = new CsrBuilder(2, true, true);
        builder.add(new int[] {0, 0, 0}, new int[] {1, 1, 1}, new double[] {3, 1, 2}, 3);

        Graph g = builder.build(new long[] {1, 2});

        assertThat(g.outWeights()).containsExactly(3, 1, 2);
        assertThat(g.inWeights()).containsExactly(3, 1, 2);
    }

    @Test
    void graphWithIsolatedVerticesHasEmptyLists() {
        CsrBuilder builder = new CsrBuilder(4, true, false);
        builder.add(new int[] {1}, new int[] {2}, null, 1);

        Graph g = builder.build(IDS);

        assertThat(Arrays.stream(new int[] {0, 1, 2, 3}).map(g::outDegree).toArray()).containsExactly(0, 1, 0, 0);
        assertThat(Arrays.stream(new int[] {0, 1, 2, 3}).map(g::inDegree).toArray()).containsExactly(0, 0, 1, 0);
    }
}
