package io.graphagent.agent.structure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.graphagent.api.EdgeUse;
import io.graphagent.graph.csr.Graph;
import io.graphagent.graph.load.GraphLoader;
import io.graphagent.graph.load.GraphSource;
import io.graphagent.graph.load.LoadProgress;
import io.graphagent.graph.partition.GraphShare;
import io.graphagent.graph.partition.Partitioning;
import io.graphagent.graph.partition.ShareBuilder;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Structure files: a share rebuilt from its partitions' files equals the share a load of the
 * same partitions builds, array for array; a torn, damaged, foreign or other-version file is
 * refused with a message naming it.
 */
class StructureFileTest {
    private static final int PARTITIONS = 4;
    private static final int[] OWNED = {0, 2};

    @TempDir
    Path dir;

    private static Graph graph(String name, boolean directed, boolean weighted) throws Exception {
        Path path = Path.of(System.getProperty("graphagent.shared", "/work/shared"), "datasets", "graphalytics", name);
        return GraphLoader.load(GraphSource.graphalytics(path, directed, weighted), 1, LoadProgress.NONE);
    }

    @ParameterizedTest(name = "{0} directed={1} weighted={2} {3}")
    @CsvSource({
            "pr-directed, true, false, IN_AND_OUT_DEGREES",
            "pr-directed, true, false, OUT_AND_IN",
            "sssp-directed, true, true, OUT_AND_IN",
            "wcc-undirected, false, false, OUT_AND_IN",
            "example-undirected, false, true, IN_AND_OUT_DEGREES"})
    void aShareRebuiltFromItsPartitionsFilesEqualsTheLoadedShare(String name, boolean directed, boolean weighted,
                                                                 EdgeUse use) throws Exception {
        Graph graph = graph(name, directed, weighted);
        Partitioning partitioning = Partitioning.balanced(graph, PARTITIONS);
        // Each partition written by the agent that held it, alone or beside others.
        for (int p = 0; p < PARTITIONS; p++) {
            GraphShare holder = ShareBuilder.of(graph, partitioning, p % 2 == 0 ? new int[] {p} : new int[] {1, 3}, use);
            StructureFile.write(dir, holder, p, 7);
        }
        List<PartitionStructure> read = new ArrayList<>();
        for (int p : OWNED) {
            read.add(StructureFile.read(dir, p));
        }
        GraphShare rebuilt = StructureShare.assemble(read);
        GraphShare loaded = ShareBuilder.of(graph, partitioning, OWNED, use);

        assertThat(read.get(0).sourceDense()).isEqualTo(7);
        assertThat(rebuilt.partitioning()).isEqualTo(loaded.partitioning());
        assertThat(rebuilt.directed()).isEqualTo(loaded.directed());
        assertThat(rebuilt.weighted()).isEqualTo(loaded.weighted());
        assertThat(rebuilt.numEdges()).isEqualTo(loaded.numEdges());
        assertThat(rebuilt.owned()).containsExactly(loaded.owned());
        assertThat(rebuilt.slotGlobals()).containsExactly(loaded.slotGlobals());
        for (int q = 0; q <= PARTITIONS; q++) {
            assertThat(q == PARTITIONS ? rebuilt.slots() : rebuilt.firstMirror(q))
                    .isEqualTo(q == PARTITIONS ? loaded.slots() : loaded.firstMirror(q));
        }
        assertThat(rebuilt.ownedIds()).isEqualTo(loaded.ownedIds());
        assertThat(rebuilt.outOffsets()).containsExactly(loaded.outOffsets());
        assertThat(rebuilt.outTargets()).isEqualTo(loaded.outTargets());
        assertThat(rebuilt.outWeights()).isEqualTo(loaded.outWeights());
        assertThat(rebuilt.inOffsets()).containsExactly(loaded.inOffsets());
        assertThat(rebuilt.inSources()).isEqualTo(loaded.inSources());
        assertThat(rebuilt.inWeights()).isEqualTo(loaded.inWeights());
        assertThat(rebuilt.inOffsets() == rebuilt.outOffsets()).as("one adjacency when undirected").isEqualTo(!directed);
        assertThat(rebuilt.sizeInBytes()).isEqualTo(loaded.sizeInBytes());
    }

    @Test
    void aTornFileIsRefusedNamingIt() throws Exception {
        Path file = written();
        byte[] whole = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(whole, whole.length - 100));
        assertThatThrownBy(() -> StructureFile.read(dir, 1)).isInstanceOf(StructureException.class)
                .hasMessage("structure file " + file + " is torn or damaged: its checksum does not match its "
                        + (whole.length - 100) + " bytes");
    }

    @Test
    void aFlippedByteIsRefusedByTheChecksum() throws Exception {
        Path file = written();
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 1;
        Files.write(file, bytes);
        assertThatThrownBy(() -> StructureFile.read(dir, 1)).isInstanceOf(StructureException.class)
                .hasMessageContaining("is torn or damaged: its checksum does not match");
    }

    @Test
    void anotherVersionIsRefusedNamingBoth() throws Exception {
        Path file = written();
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(8, StructureFile.VERSION + 1);
        Files.write(file, bytes);
        assertThatThrownBy(() -> StructureFile.read(dir, 1)).isInstanceOf(StructureException.class)
                .hasMessage("structure file " + file + " is of format version " + (StructureFile.VERSION + 1)
                        + ", this agent reads version " + StructureFile.VERSION + " only");
    }

    @Test
    void aForeignFileIsRefused() throws Exception {
        Path file = StructureFile.of(dir, 1);
        Files.writeString(file, "1 2\n2 3\n");
        assertThatThrownBy(() -> StructureFile.read(dir, 1)).isInstanceOf(StructureException.class)
                .hasMessage("structure file " + file + " is not a graphagent structure file (no GASTRUCT header)");
    }

    @Test
    void aMissingFileIsRefusedNamingIt() {
        assertThatThrownBy(() -> StructureFile.read(dir, 3)).isInstanceOf(StructureException.class)
                .hasMessage("structure file " + StructureFile.of(dir, 3) + " is missing");
    }

    @Test
    void aFileOfAnotherPartitionIsRefused() throws Exception {
        Path file = written();
        Files.move(file, StructureFile.of(dir, 2));
        assertThatThrownBy(() -> StructureFile.read(dir, 2)).isInstanceOf(StructureException.class)
                .hasMessage("structure file " + StructureFile.of(dir, 2) + " holds partition 1, not 2");
    }

    @Test
    void filesOfDifferentGraphsDoNotMakeOneShare() throws Exception {
        Graph a = graph("pr-directed", true, false);
        Graph b = graph("bfs-directed", true, false);
        StructureFile.write(dir, ShareBuilder.of(a, Partitioning.balanced(a, PARTITIONS), new int[] {0},
                EdgeUse.OUT_AND_IN), 0, -1);
        StructureFile.write(dir, ShareBuilder.of(b, Partitioning.balanced(b, PARTITIONS), new int[] {1},
                EdgeUse.OUT_AND_IN), 1, -1);
        PartitionStructure first = StructureFile.read(dir, 0);
        PartitionStructure second = StructureFile.read(dir, 1);
        assertThatThrownBy(() -> StructureShare.assemble(List.of(first, second))).isInstanceOf(StructureException.class)
                .hasMessage("the structure files of partitions 0 and 1 describe different graphs (files of another job or"
                        + " load?)");
    }

    /** Partition 1 of pr-directed's file in {@link #dir}. */
    private Path written() throws Exception {
        Graph graph = graph("pr-directed", true, false);
        Partitioning partitioning = Partitioning.balanced(graph, PARTITIONS);
        StructureFile.write(dir, ShareBuilder.of(graph, partitioning, new int[] {1}, EdgeUse.OUT_AND_IN), 1, -1);
        return StructureFile.of(dir, 1);
    }
}
