package io.graphagent.coordinator.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.graphagent.api.Combiner;
import io.graphagent.api.EdgeTransform;
import io.graphagent.api.Edges;
import io.graphagent.api.ProgramShape;
import io.graphagent.graph.load.GraphInput;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a user program's shape needs of its graph, and the refusal when a graph lacks it. */
class ProgramNeedsTest {
    @TempDir
    Path dir;

    private static final ProgramShape ADDS_WEIGHTS = ProgramShape.builder().combiner(Combiner.MIN)
            .edgeTransform(EdgeTransform.ADD_WEIGHT).build();

    @Test
    void aProgramAddingWeightsNeedsThemAndIsRefusedOnAResidentGraphWithoutThemNamingItAndTheFix() {
        ProgramNeeds needs = ProgramNeeds.of("com.example.Paths", ADDS_WEIGHTS);

        assertThat(needs.weights()).isTrue();
        assertThat(needs.unmetByResident("roads", true)).isEmpty();
        assertThat(needs.unmetByResident("social", false)).hasValueSatisfying(m -> assertThat(m)
                .startsWith("the resident graph social holds no edge weights, which com.example.Paths needs (its shape"
                        + " adds each edge's weight to messages: EdgeTransform.ADD_WEIGHT). Fix: load a graph whose"
                        + " properties name a weight"));
    }

    @Test
    void directionsAreNeverMissingOnAResidentGraphWhateverEdgesTheProgramReads() {
        for (Edges edges : Edges.values()) {
            ProgramNeeds needs = ProgramNeeds.of("com.example.Walk", ProgramShape.builder().edges(edges).build());
            assertThat(needs.weights()).isFalse();
            assertThat(needs.unmetByResident("social", false)).as("%s on an unweighted resident graph", edges).isEmpty();
        }
    }

    @Test
    void aLoadedGraphWithoutWeightsRefusesItTooSayingWhereTheWeightWouldBeNamed() throws Exception {
        Path plain = dir.resolve("plain");
        Files.writeString(dir.resolve("plain.v"), "1\n2\n");
        Files.writeString(dir.resolve("plain.e"), "1 2\n");
        Path weighted = dir.resolve("weighted");
        Files.writeString(dir.resolve("weighted.v"), "1\n2\n");
        Files.writeString(dir.resolve("weighted.e"), "1 2 0.5\n");
        Files.writeString(dir.resolve("weighted.properties"), "graph.weighted.edge-properties.names = weight\n");
        ProgramNeeds needs = ProgramNeeds.of("com.example.Paths", ADDS_WEIGHTS);

        assertThat(needs.unmetByInput(GraphInput.locate(plain))).hasValueSatisfying(m -> assertThat(m)
                .startsWith("the graph " + plain + " has no edge weights (edge-properties.names: there is no "
                        + dir.resolve("plain.properties") + "), which com.example.Paths needs"));
        assertThat(needs.unmetByInput(GraphInput.locate(weighted))).isEmpty();
    }
}
