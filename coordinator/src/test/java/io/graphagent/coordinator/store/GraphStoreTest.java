package io.graphagent.coordinator.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.graphagent.protocol.v1.GraphLayout;
import io.graphagent.protocol.v1.ResidentState;
import io.graphagent.protocol.v1.StoredGraph;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The resident-graph records of the state directory: saved, replaced, deleted, and a damaged one named with the fix. */
class GraphStoreTest {

    @TempDir
    Path state;

    private static StoredGraph graph(String name, long generation) {
        return StoredGraph.newBuilder().setName(name).setSource("/data/" + name).setReplicas(2).setGeneration(generation)
                .setState(ResidentState.GRAPH_READY).setAcceptedTimeMs(10).setLoadedTimeMs(20)
                .setLayout(GraphLayout.newBuilder().setDirected(true).setEdges(12).setBlockShift(3).setBlockCount(2)
                        .addAllFirstBlock(List.of(0, 1, 2)).addAllFirstVertex(List.of(0, 4, 8))).build();
    }

    @Test
    void savedGraphsComeBackByNameAndADeletedOneIsGone() throws Exception {
        GraphStore store = GraphStore.open(state);
        store.save(graph("web", 3));
        store.save(graph("rmat", 1));
        store.save(graph("rmat", 2));
        store.save(graph("old", 1));
        store.delete("old");
        store.delete("never-saved");

        assertThat(GraphStore.open(state).load()).containsExactly(graph("rmat", 2), graph("web", 3));
        try (var files = Files.list(store.file("x").getParent())) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("rmat.graph", "web.graph");
        }
    }

    @Test
    void aStateDirOpensWithItsGraphs() throws Exception {
        GraphStore.open(state).save(graph("rmat", 5));

        try (StateDir dir = StateDir.open(state)) {
            assertThat(dir.storedGraphs()).containsExactly(graph("rmat", 5));
            assertThat(new LocalClusterStore(dir).storedGraphs()).containsExactly(graph("rmat", 5));
        }
    }

    @Test
    void aTornRecordIsNamedWithWhatIsLost() throws Exception {
        GraphStore store = GraphStore.open(state);
        store.save(graph("rmat", 1));
        Path file = store.file("rmat");
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 3));

        assertThatThrownBy(store::load).isInstanceOf(StateDirException.class)
                .hasMessageContaining(file + " is torn")
                .hasMessageContaining("the resident graph is forgotten and its agents drop it; load it again");
    }

    @Test
    void aRecordUnderAnotherNameIsRefused() throws Exception {
        GraphStore store = GraphStore.open(state);
        store.save(graph("rmat", 1));
        Files.move(store.file("rmat"), store.file("web"));

        assertThatThrownBy(store::load).isInstanceOf(StateDirException.class)
                .hasMessageContaining(store.file("web") + " holds graph 'rmat', which does not match its name");
    }
}
