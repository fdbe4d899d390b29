package io.graphagent.examples;

import io.graphagent.graph.csr.Graph;
import io.graphagent.graph.load.GraphLoader;
import io.graphagent.graph.load.GraphSource;
import io.graphagent.graph.load.LoadProgress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;

/** The graphs the example tests run on, and the simple undirected view the references use. */
public final class Graphs {
    private Graphs() {
    }

    static Path graphalytics(String name) {
        return Path.of(System.getProperty("graphagent.shared", "/work/shared"), "datasets", "graphalytics", name);
    }

    public static Graph load(Path prefix, boolean directed) throws Exception {
        return GraphLoader.load(GraphSource.graphalytics(prefix, directed, false), 2, LoadProgress.NONE);
    }

    /**
     * A random edge list of {@code vertices} vertices and about {@code edges} edges from a seeded
     * source, with a few self-loops and repeated edges (which the programs must ignore).
     */
    static Path randomEdgeList(Path dir, int vertices, int edges, long seed) throws IOException {
        Random random = new Random(seed);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < edges; i++) {
            int u = random.nextInt(vertices);
            int v = i % 50 == 0 ? u : random.nextInt(vertices);
            text.append(u * 3 + 7).append(' ').append(v * 3 + 7).append('\n');
        }
        Path file = dir.resolve("random-" + seed + ".txt");
        Files.writeString(file, text);
        return file;
    }

    static Graph loadEdgeList(Path file, boolean directed) throws Exception {
        return GraphLoader.load(GraphSource.edgeList(file, directed, false), 2, LoadProgress.NONE);
    }

    /** Distinct neighbours of each dense vertex, direction ignored, no self-loops. */
    public static List<TreeSet<Integer>> simpleUndirected(Graph g) {
        List<TreeSet<Integer>> adj = new ArrayList<>();
        for (int v = 0; v < g.numVertices(); v++) {
            adj.add(new TreeSet<>());
        }
        for (int u = 0; u < g.numVertices(); u++) {
            for (int e = g.outOffsets()[u]; e < g.outOffsets()[u + 1]; e++) {
                int v = g.outTargets()[e];
                if (u != v) {
                    adj.get(u).add(v);
                    adj.get(v).add(u);
                }
            }
        }
        return adj;
    }
}
