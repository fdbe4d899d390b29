package io.graphagent.coordinator.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.graphagent.coordinator.resident.GraphView;
import io.graphagent.graph.partition.IdBlocks;
import io.graphagent.graph.partition.Partitioning;
import io.graphagent.protocol.v1.ResidentState;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which start vertices get their second hop spread over the replicas at once. */
class BigFirstHopsTest {
    private static GraphView graph(long generation) {
        return new GraphView("g", generation, ResidentState.GRAPH_READY,
                new Partitioning(IdBlocks.covering(0, 9), new int[] {0, 10}, new int[] {0, 10}), true, true,
                List.of(List.of("agent-1")));
    }

    @Test
    void aFirstHopOfBigNeighboursOrMoreIsNotedPerGenerationUpToTheBound() {
        BigFirstHops hops = new BigFirstHops();
        GraphView g = graph(3);
        hops.reached(g, 1, BigFirstHops.BIG - 1);
        hops.reached(g, 2, BigFirstHops.BIG);
        assertThat(hops.big(g, 1)).isFalse();
        assertThat(hops.big(g, 2)).isTrue();
        assertThat(hops.big(graph(4), 2)).as("the graph loaded again").isFalse();

        hops.reached(graph(4), 5, BigFirstHops.BIG);
        assertThat(hops.big(graph(4), 5)).isTrue();
        assertThat(hops.big(g, 2)).as("the older generation is forgotten").isFalse();

        for (int v = 0; v < BigFirstHops.MAX_PER_GRAPH + 10; v++) {
            hops.reached(g, 100 + v, BigFirstHops.BIG);
        }
        assertThat(hops.big(g, 100)).isTrue();
        assertThat(hops.big(g, 100 + BigFirstHops.MAX_PER_GRAPH)).as("past the bound nothing more is noted").isFalse();
    }
}
