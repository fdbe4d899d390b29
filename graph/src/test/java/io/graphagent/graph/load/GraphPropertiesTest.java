package io.graphagent.graph.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GraphPropertiesTest {
    @TempDir
    Path dir;

    @Test
    void exampleDirectedPropertiesAreRead() throws Exception {
        GraphProperties p = GraphProperties.forPrefix(GraphLoaderTest.DATASETS.resolve("example-directed"));

        assertThat(p).isEqualTo(new GraphProperties(Optional.of(true), true, OptionalLong.of(1), OptionalLong.of(1),
                OptionalDouble.of(0.85), OptionalInt.of(2), OptionalInt.of(2), Optional.of("weight")));
    }

    @Test
    void unweightedCaseHasOnlyItsKernelParameters() throws Exception {
        GraphProperties p = GraphProperties.forPrefix(GraphLoaderTest.DATASETS.resolve("wcc-undirected"));

        assertThat(p.directed()).contains(false);
        assertThat(p.weighted()).isFalse();
        assertThat(p.bfsSource()).isEmpty();
        assertThat(p.damping()).isEmpty();
        assertThat(p.weightProperty()).isEmpty();
    }

    @Test
    void missingPropertiesFileGivesEmpty() throws Exception {
        assertThat(GraphProperties.forPrefix(dir.resolve("nothing"))).isEqualTo(GraphProperties.empty());
    }

    @Test
    void keysOfOtherGraphsAreIgnored() throws Exception {
        write("# comment\ngraph.other.directed = maybe\ngraph.g.directed = false\n");
        assertThat(GraphProperties.forPrefix(dir.resolve("g")).directed()).contains(false);
    }

    @Test
    void badBooleanForDirectedNamesLineKeyAndFix() throws IOException {
        write("graph.g.algorithms = bfs\n\ngraph.g.directed = yes\n");
        GraphInputException e = fails();
        assertThat(e.getMessage()).isEqualTo(dir.resolve("g.properties")
                + ":3: graph.g.directed = 'yes' is not a boolean. Fix: write true or false");
    }

    @Test
    void nonNumericSourceVertexIsRejected() throws IOException {
        write("graph.g.bfs.source-vertex = first\n");
        assertThat(fails().getMessage()).startsWith(dir.resolve("g.properties")
                + ":1: graph.g.bfs.source-vertex = 'first' is not a vertex id. Fix: ");
    }

    @Test
    void negativeSsspSourceIsRejected() throws IOException {
        write("graph.g.sssp.source-vertex = -4\n");
        assertThat(fails().problem()).isEqualTo("graph.g.sssp.source-vertex = '-4' is not a vertex id");
    }

    @Test
    void nonNumericDampingIsRejected() throws IOException {
        write("graph.g.pr.damping-factor = high\n");
        assertThat(fails().getMessage()).startsWith(dir.resolve("g.properties")
                + ":1: graph.g.pr.damping-factor = 'high' is not a number from 0 to 1. Fix: ");
    }

    @Test
    void dampingAboveOneIsRejected() throws IOException {
        write("graph.g.pr.damping-factor = 1.5\n");
        assertThat(fails().line()).isEqualTo(1);
    }

    @Test
    void badIterationCountsAreRejected() throws IOException {
        write("graph.g.pr.num-iterations = ten\n");
        assertThat(fails().problem()).isEqualTo("graph.g.pr.num-iterations = 'ten' is not a whole number >= 0");
        write("graph.g.cdlp.max-iterations = -1\n");
        assertThat(fails().problem()).isEqualTo("graph.g.cdlp.max-iterations = '-1' is not a whole number >= 0");
    }

    @Test
    void weightPropertyMustBeAnEdgeProperty() throws IOException {
        write("graph.g.edge-properties.names = weight\ngraph.g.sssp.weight-property = cost\n");
        GraphInputException e = fails();
        assertThat(e.line()).isEqualTo(2);
        assertThat(e.problem()).contains("'cost'", "edge-properties.names ['weight']");
    }

    @Test
    void lineWithoutSeparatorIsRejected() throws IOException {
        write("graph.g.directed true\n");
        assertThat(fails().problem()).isEqualTo("a line starting 'graph.g.directed' is not a `key = value` line");
    }

    @Test
    void aValueIsQuotedShortAndEscapedNeverWhole() throws IOException {
        write("graph.g.directed = root:$6$Xq9\u00e9\tsecret-hash-that-goes-on-and-on\n");
        assertThat(fails().problem()).isEqualTo("graph.g.directed = 'root:$6$Xq9\\xe9\\x09secret-...' is not a boolean");
    }

    private GraphInputException fails() {
        GraphInputException e = catchThrowableOfType(GraphInputException.class, () -> GraphProperties.forPrefix(dir.resolve("g")));
        assertThat(e).as("expected a GraphInputException").isNotNull();
        return e;
    }

    private void write(String text) throws IOException {
        Files.writeString(dir.resolve("g.properties"), text);
    }
}
