package io.graphagent.coordinator.resident;

import static org.assertj.core.api.Assertions.assertThat;

import io.graphagent.protocol.v1.HeldPartitions;
import io.graphagent.protocol.v1.ResidentState;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What an agent's Hello report of a resident graph turns into, case by case. */
class GraphRestoreTest {

    private static HeldPartitions held(long generation, Integer... partitions) {
        return HeldPartitions.newBuilder().setJobId("graph-g").setGeneration(generation).addAllPartitionIds(List.of(partitions))
                .build();
    }

    private static KeptGraph loading(long generation) {
        KeptGraph g = new KeptGraph("g", "graph-g", "/data/g", 2, 0);
        g.generation = generation;
        return g;
    }

    @Test
    void whileAGraphLoadsItsOwnGenerationsAreLeftAloneAndOlderOnesDropped() {
        assertThat(GraphRestore.decide(loading(5), "agent-1", held(5, 0), Set.of("agent-1")))
                .isEqualTo(new GraphRestore.Decision(List.of(), List.of(), false));
        assertThat(GraphRestore.decide(loading(5), "agent-1", held(6, 0), Set.of("agent-1")))
                .as("a later attempt of the same load").isEqualTo(new GraphRestore.Decision(List.of(), List.of(), false));
        assertThat(GraphRestore.decide(loading(5), "agent-1", held(4, 0), Set.of("agent-1")).dropAll()).isTrue();
    }

    @Test
    void anUnknownOrFailedGraphIsDroppedWhole() {
        assertThat(GraphRestore.decide(null, "agent-1", held(3, 0, 1), Set.of("agent-1")).dropAll()).isTrue();
        KeptGraph failed = loading(3);
        failed.state = ResidentState.GRAPH_FAILED;
        assertThat(GraphRestore.decide(failed, "agent-1", held(3, 0), Set.of("agent-1")).dropAll()).isTrue();
    }
}
