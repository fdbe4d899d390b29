package io.graphagent.graph.testing;

import io.graphagent.graph.csr.Graph;
import io.graphagent.graph.load.GraphLoader;
import io.graphagent.graph.load.GraphProperties;
import io.graphagent.graph.load.GraphSource;
import io.graphagent.graph.load.LoadProgress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The Graphalytics validation cases in ../shared/datasets/graphalytics, for tests. */
public final class Datasets {
    private Datasets() {
    }

    public static Path graphalytics() {
        return Path.of(System.getProperty("graphagent.shared", "/work/shared"), "datasets", "graphalytics");
    }

    /** A validation case: graph NAME with the expected output of one kernel. */
    public record Case(String graph, String kernel) {
        public Path prefix() { return graphalytics().resolve(graph); }

        public Path expected() { return graphalytics().resolve(graph + "-" + kernel); }

        @Override public String toString() { return graph + "-" + kernel; }
    }

    /** Every NAME-KERNEL expected-output file in the folder. */
    public static List<Case> cases() {
        try (Stream<Path> files = Files.list(graphalytics())) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.matches(".+-(BFS|PR|WCC|CDLP|LCC|SSSP)"))
                    .sorted()
                    .map(n -> {
                        int dash = n.lastIndexOf('-');
                        return new Case(n.substring(0, dash), n.substring(dash + 1));
                    })
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Loads a case's graph as its properties say, with weights when it has them. */
    public static Graph load(Path prefix, int threads) throws Exception {
        GraphProperties props = GraphProperties.forPrefix(prefix);
        boolean directed = props.directed().orElseThrow();
        return GraphLoader.load(GraphSource.graphalytics(prefix, directed, props.weighted()), threads, LoadProgress.NONE);
    }

    /** Loads a plain edge list written by a test. */
    public static Graph loadEdges(Path file, boolean directed, boolean weighted) throws Exception {
        return GraphLoader.load(GraphSource.edgeList(file, directed, weighted), 2, LoadProgress.NONE);
    }
}
