package io.graphagent.graph.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.graphagent.graph.generate.RmatGenerator.Parameters;
import io.graphagent.graph.output.OutputException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RmatGeneratorTest {
    @TempDir
    Path dir;

    @Test
    void sameSeedGivesSameBytesWhateverTheThreadCount() throws IOException {
        // 3 blocks and a partial one: block order matters.
        Parameters p = new Parameters(12, 50, 42, true);
        RmatGenerator.generate(p, dir.resolve("one"), 1, RmatGenerator.Progress.NONE);
        RmatGenerator.generate(p, dir.resolve("three"), 3, RmatGenerator.Progress.NONE);

        assertThat(Files.readAllBytes(dir.resolve("three.e"))).isEqualTo(Files.readAllBytes(dir.resolve("one.e")));
        assertThat(Files.readAllBytes(dir.resolve("three.v"))).isEqualTo(Files.readAllBytes(dir.resolve("one.v")));
    }

    @Test
    void differentSeedsGiveDifferentGraphs() throws IOException {
        RmatGenerator.generate(new Parameters(8, 4, 1, false), dir.resolve("a"), 2, RmatGenerator.Progress.NONE);
        RmatGenerator.generate(new Parameters(8, 4, 2, false), dir.resolve("b"), 2, RmatGenerator.Progress.NONE);

        assertThat(Files.readAllBytes(dir.resolve("a.e"))).isNotEqualTo(Files.readAllBytes(dir.resolve("b.e")));
    }

    @Test
    void writesDenseVerticesAndExactlyEdgeFactorTimesVerticesEdges() throws IOException {
        var g = RmatGenerator.generate(new Parameters(10, 16, 7, false), dir.resolve("g"), 2, RmatGenerator.Progress.NONE);

        List<String> vertices = Files.readAllLines(g.vertexFile());
        List<String> edges = Files.readAllLines(g.edgeFile());
        assertThat(vertices).hasSize(1024);
        for (int i = 0; i < vertices.size(); i++) {
            assertThat(vertices.get(i)).isEqualTo(Integer.toString(i));
        }
        assertThat(edges).hasSize(16 * 1024);
        for (String line : edges) {
            String[] cols = line.split(" ");
            assertThat(cols).hasSize(2);
            assertThat(Integer.parseInt(cols[0])).isBetween(0, 1023);
            assertThat(Integer.parseInt(cols[1])).isBetween(0, 1023);
        }
        assertThat(g.edges()).isEqualTo(16 * 1024);
    }

    @Test
    void weightsAreInTheUnitIntervalAndPrintedWithNineDecimals() throws IOException {
        var g = RmatGenerator.generate(new Parameters(9, 16, 3, true), dir.resolve("w"), 2, RmatGenerator.Progress.NONE);

        for (String line : Files.readAllLines(g.edgeFile())) {
            String w = line.split(" ")[2];
            assertThat(w).matches("[01]\\.\\d{9}");
            double value = Double.parseDouble(w);
            assertThat(value).isGreaterThan(0).isLessThanOrEqualTo(1);
            assertThat(String.format("%.9f", value)).isEqualTo(w);
        }
    }

    @Test
    void quadrantsFollowTheInitiatorProbabilities() {
        int scale = 16;
        int[] identity = new int[1 << scale];
        Arrays.setAll(identity, i -> i);
        Parameters p = new Parameters(scale, 1, 5, false);
        String text = StandardCharsets.US_ASCII.decode(RmatGenerator.block(p, identity, 0)).toString();

        int[] quadrant = new int[4];
        int lines = 0;
        for (String line : text.split("\n")) {
            String[] cols = line.split(" ");
            int src = Integer.parseInt(cols[0]);
            int dst = Integer.parseInt(cols[1]);
            for (int level = 0; level < scale; level++) {
                quadrant[((src >> level) & 1) * 2 + ((dst >> level) & 1)]++;
            }
            lines++;
        }
        double draws = (double) lines * scale;
        assertThat(quadrant[0] / draws).isCloseTo(0.57, org.assertj.core.data.Offset.offset(0.005));
        assertThat(quadrant[1] / draws).isCloseTo(0.19, org.assertj.core.data.Offset.offset(0.005));
        assertThat(quadrant[2] / draws).isCloseTo(0.19, org.assertj.core.data.Offset.offset(0.005));
        assertThat(quadrant[3] / draws).isCloseTo(0.05, org.assertj.core.data.Offset.offset(0.005));
    }

    @Test
    void permutationIsABijectionThatMovesVertices() {
        int[] perm = RmatGenerator.permutation(12, 9);
        int[] sorted = perm.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < sorted.length; i++) {
            assertThat(sorted[i]).isEqualTo(i);
        }
        int fixed = 0;
        for (int i = 0; i < perm.length; i++) {
            if (perm[i] == i) {
                fixed++;
            }
        }
        assertThat(fixed).isLessThan(20);
    }

    @Test
    void missingDirectoryIsReportedBeforeGenerating() {
        assertThatThrownBy(() -> RmatGenerator.generate(new Parameters(4, 1, 1, false), dir.resolve("nope/g"), 1, RmatGenerator.Progress.NONE))
                .isInstanceOf(OutputException.class)
                .hasMessageContaining("does not exist");
    }

    @Test
    void outOfRangeParametersAreRefused() {
        assertThatThrownBy(() -> new Parameters(0, 16, 1, false)).hasMessageContaining("scale must be between 1 and 30");
        assertThatThrownBy(() -> new Parameters(31, 16, 1, false)).hasMessageContaining("scale");
        assertThatThrownBy(() -> new Parameters(10, 0, 1, false)).hasMessageContaining("edge factor");
    }

    @Test
    void blocksDependOnlyOnTheirIndex() {
        Parameters p = new Parameters(10, 200, 11, true);
        int[] perm = RmatGenerator.permutation(10, 11);
        ByteBuffer first = RmatGenerator.block(p, perm, 2);
        RmatGenerator.block(p, perm, 0);
        assertThat(RmatGenerator.block(p, perm, 2)).isEqualTo(first);
    }
}
