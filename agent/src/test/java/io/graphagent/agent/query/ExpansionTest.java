package io.graphagent.agent.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.graphagent.graph.traverse.VertexBits;
import java.nio.IntBuffer;
import org.junit.jupiter.api.Test;

/** What of a counted next hop ({@code count_next}) is not new: the hop's vertices and their neighbours met again. */
class ExpansionTest {
    private static VertexBits of(int universe, int... vertices) {
        VertexBits bits = new VertexBits(universe);
        for (int v : vertices) {
            bits.add(v);
        }
        return bits;
    }

    @Test
    void theExpandedVerticesAndTheirNeighboursInTheNextHopAreKnownEachOnce() {
        int[] neighbours = {1, 2, 3};
        VertexBits neighbourSet = of(20, neighbours);
        // The next hop reached the start 0 back, two neighbours (2, 3) and three new vertices.
        VertexBits next = of(20, 0, 2, 3, 10, 11, 12);

        // The start asked twice counts once; a start that is its own neighbour (a self-loop, 3) is not counted twice.
        int known = Expansion.alsoIn(next, neighbours, neighbours.length, neighbourSet, IntBuffer.wrap(new int[] {0, 0, 3}), 3);

        assertThat(known).isEqualTo(3);
        assertThat(next.size() - known).isEqualTo(3);
        assertThat(neighbourSet.contains(0)).isTrue();
    }
}
