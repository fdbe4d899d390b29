package io.graphagent.graph.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.graphagent.graph.csr.Graph;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every input error names its file and exact line, what is wrong and how to fix it. */
class GraphInputErrorsTest {
    @TempDir
    Path dir;

    @Test
    void messageHasFileLineProblemAndFix() {
        var e = new GraphInputException(Path.of("g.e"), 7, "weight 'x' is not a number", "write a number");
        assertThat(e.getMessage()).isEqualTo("g.e:7: weight 'x' is not a number. Fix: write a number");
        assertThat(new GraphInputException(Path.of("g.e"), 0, "file not found", "check the path").getMessage())
                .isEqualTo("g.e: file not found. Fix: check the path");
    }

    @Test
    void missingEdgeFileIsReported() throws IOException {
        write("g.v", "1\n");
        GraphInputException e = loadFails("g", true, false);
        assertThat(e.file()).isEqualTo(dir.resolve("g.e"));
        assertThat(e.line()).isZero();
        assertThat(e.problem()).isEqualTo("file not found");
        assertThat(e.fix()).contains("PREFIX.v and PREFIX.e");
    }

    @Test
    void missingVertexFileIsReported() throws IOException {
        write("g.e", "1 2\n");
        GraphInputException e = loadFails("g", true, false);
        assertThat(e.getMessage()).startsWith(dir.resolve("g.v") + ": file not found. Fix: ");
    }

    @Test
    void missingEdgeListIsReported() {
        GraphInputException e = catchThrowableOfType(GraphInputException.class,
                () -> GraphLoader.load(GraphSource.edgeList(dir.resolve("none.txt"), true, false), 1, LoadProgress.NONE));
        assertThat(e.getMessage()).startsWith(dir.resolve("none.txt") + ": file not found. Fix: ");
    }

    @Test
    void aGraphalyticsGraphWithoutEdgesIsAGraphOfVerticesOnly() throws Exception {
        write("g.v", "1\n2\n");
        write("g.e", "# only a comment\n\n");
        Graph comments = GraphLoader.load(GraphSource.graphalytics(dir.resolve("g"), true, false), 1, LoadProgress.NONE);
        assertThat(comments.numVertices()).isEqualTo(2);
        assertThat(comments.numEdges()).isZero();
        write("g.e", "");
        assertThat(GraphLoader.load(GraphSource.graphalytics(dir.resolve("g"), true, false), 1, LoadProgress.NONE)
                .numVertices()).isEqualTo(2);
    }

    @Test
    void anEdgeListWithoutEdgesIsRejected() throws IOException {
        write("none.e.txt", "# only a comment\n");
        assertThat(edgeListFails("none.e.txt").getMessage()).startsWith(dir.resolve("none.e.txt")
                + ": no edges in the edge file. Fix: ");
    }

    @Test
    void vertexFileWithoutVerticesIsRejected() throws IOException {
        write("g.v", "\n\n");
        write("g.e", "1 2\n");
        GraphInputException e = loadFails("g", true, false);
        assertThat(e.getMessage()).startsWith(dir.resolve("g.v") + ": no vertices in the vertex file. Fix: ");
    }

    @Test
    void nonNumericIdIsQuotedWithItsLine() throws IOException {
        write("g.v", "1\n2\n");
        write("g.e", "1 2\n# comment\n2 abc\n");
        GraphInputException e = loadFails("g", true, false);
        assertThat(e.getMessage()).isEqualTo(dir.resolve("g.e") + ":3: target id 'abc' is not a number. Fix: "
                + "vertex ids must be integers from 0 to 9223372036854775807");
    }

    @Test
    void idWithTrailingGarbageIsNotANumber() throws IOException {
        write("g.v", "1\n2x\n");
        write("g.e", "1 2\n");
        assertThat(loadFails("g", true, false).getMessage()).startsWith(dir.resolve("g.v") + ":2: vertex id '2x' is not a number.");
    }

    @Test
    void negativeIdIsRejected() throws IOException {
        write("g.v", "1\n2\n");
        write("g.e", "1 2\n-1 2\n");
        assertThat(loadFails("g", true, false).getMessage()).startsWith(dir.resolve("g.e") + ":2: source id '-1' is negative.");
    }

    @Test
    void anyFileGivenAsAGraphIsQuotedOnlyAsAShortEscapedToken() throws IOException {
        write("shadow", "root:$6$saltsalt$hashhashhashhashhashhash:20228:0:99999:7:::\n");
        String message = edgeListFails("shadow").getMessage();
        assertThat(message).isEqualTo(dir.resolve("shadow") + ":1: source id 'root:$6$saltsalt$has...' is not a number."
                + " Fix: " + ChunkParser.ID_FIX);
        write("binary", "\u0001\u0002'\\x 2\n");
        assertThat(edgeListFails("binary").getMessage()).contains("source id '\\x01\\x02\\'\\\\x' is not a number");
    }

    @Test
    void idOverflowingSixtyFourBitsIsRejected() throws IOException {
        write("g.v", "1\n9223372036854775808\n");
        write("g.e", "1 2\n");
        assertThat(loadFails("g", true, false).getMessage())
                .startsWith(dir.resolve("g.v") + ":2: vertex id '9223372036854775808' does not fit in 64 bits.");
    }

    @Test
    void largestLongIdIsAccepted() throws Exception {
        write("g.v", "9223372036854775807\n");
        write("g.e", "9223372036854775807 9223372036854775807\n");
        assertThat(GraphLoader.load(GraphSource.graphalytics(dir.resolve("g"), true, false), 1, LoadProgress.NONE)
                .originalId(0)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void edgeLineWithOneFieldIsMissingItsTarget() throws IOException {
        write("g.v", "1\n2\n");
        write("g.e", "1 2\n2  \r\n");
        assertThat(loadFails("g", true, false).getMessage())
                .startsWith(dir.resolve("g.e") + ":2: missing target id: the line has one field.");
    }

    @Test
    void missingWeightIsRejectedWhenWeighted() throws IOException {
        write("g.v", "1\n2\n");
        write("g.e", "1 2 0.5\n2 1\n");
        assertThat(loadFails("g", true, true).getMessage())
                .startsWith(dir.resolve("g.e") + ":2: missing weight: the graph is loaded as weighted.");
    }

    @Test
    void badWeightsAreRejectedWithTheirToken() throws IOException {
        write("g.v", "1\n2\n");
        String[][] cases = {
            {"NaN", "weight 'NaN' is NaN"},
            {"nan", "weight 'nan' is NaN"},
            {"-0.5", "weight '-0.5' is negative"},
            {"-3e400", "weight '-3e400' is infinite"},
            {"Infinity", "weight 'Infinity' is infinite"},
            {"inf", "weight 'inf' is infinite"},
            {"1e999", "weight '1e999' is infinite"},
            {"heavy", "weight 'heavy' is not a number"},
            {"0.5kg", "weight '0.5kg' is not a number"},
            {"1d", "weight '1d' is not a number"},
            {"1e", "weight '1e' is not a number"},
        };
        for (String[] c : cases) {
            write("g.e", "1 2 1.0\n2 1 2\n\n1 1 " + c[0] + "\n");
            assertThat(loadFails("g", true, true).getMessage()).as(c[0])
                    .startsWith(dir.resolve("g.e") + ":4: " + c[1] + ". Fix: ");
        }
    }

    @Test
    void unweightedLoadSkipsTheWeightColumnButRefusesAFourth() throws Exception {
        write("g.v", "1\n2\n");
        write("g.e", "1 2 NaN\n");
        assertThat(GraphLoader.load(GraphSource.graphalytics(dir.resolve("g"), true, false), 1, LoadProgress.NONE)
                .numEdges()).isEqualTo(1);
        write("g.e", "1 2\n2 1 0.5 whatever\n");
        assertThat(loadFails("g", true, false).getMessage()).startsWith(dir.resolve("g.e")
                + ":2: the line has more than 3 fields; an edge is `source target [weight]`. Fix: ");
        assertThat(loadFails("g", true, true).getMessage()).startsWith(dir.resolve("g.e") + ":1: missing weight");
    }

    @Test
    void edgeToAVertexAbsentFromTheVertexFileNamesTheId() throws IOException {
        write("g.v", "1\n2\n");
        write("g.e", "1 2\n2 77\n");
        assertThat(loadFails("g", true, false).getMessage()).isEqualTo(dir.resolve("g.e")
                + ":2: edge names vertex 77, which is not in " + dir.resolve("g.v")
                + ". Fix: add 77 to the vertex file or remove the edge");
    }

    @Test
    void absentVertexIsFoundWithDenseIdsToo() throws IOException {
        write("g.v", "0\n1\n");
        write("g.e", "0 1\n1 2\n");
        assertThat(loadFails("g", true, false).problem()).startsWith("edge names vertex 2,");
    }

    @Test
    void duplicateVertexNamesBothLines() throws IOException {
        write("g.v", "3\n1\n# c\n2\n1\n");
        write("g.e", "1 2\n");
        GraphInputException e = loadFails("g", true, false);
        assertThat(e.line()).isEqualTo(5);
        assertThat(e.getMessage()).isEqualTo(dir.resolve("g.v")
                + ":5: vertex id 1 appears twice, on lines 2 and 5. Fix: list each vertex once");
    }

    @Test
    void tooManyVerticesIsRejected() throws IOException {
        write("g.v", "1\n2\n3\n");
        write("g.e", "1 2\n");
        GraphInputException e = catchThrowableOfType(GraphInputException.class, () -> GraphLoader.load(
                GraphSource.graphalytics(dir.resolve("g"), true, false), 1, LoadProgress.NONE, 1 << 20, 2));
        assertThat(e.getMessage()).startsWith(dir.resolve("g.v")
                + ": the graph has 3 vertices, more than the 2 one graph can hold");
        assertThat(GraphLoader.MAX_VERTICES).isEqualTo(Integer.MAX_VALUE - 9);
    }

    @Test
    void tooManyVerticesInAnEdgeListIsRejected() throws IOException {
        write("g.txt", "1 2\n3 4\n");
        GraphInputException e = catchThrowableOfType(GraphInputException.class, () -> GraphLoader.load(
                GraphSource.edgeList(dir.resolve("g.txt"), true, false), 1, LoadProgress.NONE, 1 << 20, 3));
        assertThat(e.problem()).startsWith("the graph has 4 vertices, more than the 3");
    }

    @Test
    void errorLinesStayExactAcrossChunksAndThreads() throws IOException {
        StringBuilder v = new StringBuilder();
        StringBuilder e = new StringBuilder();
        for (int i = 0; i < 1000; i++) {
            v.append(i).append('\n');
            e.append(i % 7 == 0 ? "# comment line\n" : "").append(i).append(' ').append((i * 31) % 1000).append('\n');
        }
        e.append("5 x\n");
        for (int i = 0; i < 1000; i++) {
            e.append(i).append(" y\n"); // later errors must not win
        }
        write("g.v", v.toString());
        write("g.e", e.toString());
        long expectedLine = 1000 + 143 + 1; // edges, comment lines, then the bad line
        for (int threads : new int[] {1, 2, 4}) {
            for (int chunkBytes : new int[] {1, 7, 64, 1 << 20}) {
                GraphInputException error = catchThrowableOfType(GraphInputException.class, () -> GraphLoader.load(
                        GraphSource.graphalytics(dir.resolve("g"), true, false), threads, LoadProgress.NONE,
                        chunkBytes, GraphLoader.MAX_VERTICES));
                assertThat(error.getMessage()).as("threads=%d chunk=%d", threads, chunkBytes)
                        .startsWith(dir.resolve("g.e") + ":" + expectedLine + ": target id 'x' is not a number.");
            }
        }
    }

    @Test
    void directoryInsteadOfFileIsRejected() throws IOException {
        Files.createDirectory(dir.resolve("g.txt"));
        GraphInputException e = catchThrowableOfType(GraphInputException.class,
                () -> GraphLoader.load(GraphSource.edgeList(dir.resolve("g.txt"), true, false), 1, LoadProgress.NONE));
        assertThat(e.problem()).isEqualTo("is a directory, not a file");
    }

    private GraphInputException loadFails(String prefix, boolean directed, boolean weighted) {
        GraphInputException e = catchThrowableOfType(GraphInputException.class, () -> GraphLoader.load(
                GraphSource.graphalytics(dir.resolve(prefix), directed, weighted), 2, LoadProgress.NONE));
        assertThat(e).as("expected a GraphInputException").isNotNull();
        return e;
    }

    private GraphInputException edgeListFails(String name) {
        GraphInputException e = catchThrowableOfType(GraphInputException.class, () -> GraphLoader.load(
                GraphSource.edgeList(dir.resolve(name), true, false), 1, LoadProgress.NONE));
        assertThat(e).as("expected a GraphInputException").isNotNull();
        return e;
    }

    private void write(String name, String text) throws IOException {
        Files.writeString(dir.resolve(name), text);
    }
}
