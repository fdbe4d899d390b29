package io.graphagent.graph.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.graphagent.graph.csr.Graph;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class GraphLoaderTest {
    static final Path DATASETS = Path.of(System.getProperty("graphagent.shared", "/work/shared"), "datasets", "graphalytics");

    @TempDir
    Path dir;

    static Stream<String> validationCases() throws IOException {
        try (Stream<Path> files = Files.list(DATASETS)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(name -> name.endsWith(".properties"))
                    .map(name -> name.substring(0, name.length() - ".properties".length()))
                    .sorted()
                    .toList()
                    .stream();
        }
    }

    @Test
    void everyValidationCaseIsFound() throws IOException {
        assertThat(validationCases()).contains("example-directed", "example-undirected", "bfs-directed",
                "cdlp-directed", "pr-directed", "lcc-undirected", "sssp-directed", "wcc-undirected");
    }

    @ParameterizedTest
    @MethodSource("validationCases")
    void validationCaseLoadsWithItsCountsDegreesAndSortedNeighbours(String name) throws Exception {
        Path prefix = DATASETS.resolve(name);
        Properties meta = new Properties();
        try (var in = Files.newBufferedReader(DATASETS.resolve(name + ".properties"))) {
            meta.load(in);
        }
        GraphProperties properties = GraphProperties.forPrefix(prefix);
        boolean directed = properties.directed().orElseThrow();

        Graph graph = GraphLoader.load(GraphSource.graphalytics(prefix, directed, properties.weighted()), 2, LoadProgress.NONE);

        assertThat(graph.numVertices()).isEqualTo(Integer.parseInt(meta.getProperty("graph." + name + ".meta.vertices")));
        assertThat(graph.numEdges()).isEqualTo(Long.parseLong(meta.getProperty("graph." + name + ".meta.edges")));
        assertThat(graph.directed()).isEqualTo(directed);
        assertThat(graph.weighted()).isEqualTo(properties.weighted());
        Reference expected = Reference.read(prefix, directed);
        for (int v = 0; v < graph.numVertices(); v++) {
            long id = graph.originalId(v);
            assertThat(neighbours(graph, graph.outOffsets(), graph.outTargets(), v)).as("out of %d", id)
                    .isEqualTo(expected.out(id));
            assertThat(neighbours(graph, graph.inOffsets(), graph.inSources(), v)).as("in of %d", id)
                    .isEqualTo(expected.in(id));
            assertThat(graph.outDegree(v)).isEqualTo(expected.out(id).size());
            assertThat(graph.inDegree(v)).isEqualTo(expected.in(id).size());
        }
    }

    @Test
    void weightsFollowTheirEdgesThroughTheSort() throws Exception {
        Path prefix = DATASETS.resolve("example-directed");
        Graph graph = GraphLoader.load(GraphSource.graphalytics(prefix, true, true), 1, LoadProgress.NONE);

        // example-directed.e: 3 1 0.53, 3 5 0.62, 3 8 0.21, 3 10 0.52 and 6 3 0.23, 5 3 0.69, 1 3 0.5
        int three = graph.denseId(3);
        assertThat(slice(graph.outWeights(), graph.outOffsets(), three)).containsExactly(0.53, 0.62, 0.21, 0.52);
        assertThat(slice(graph.inWeights(), graph.inOffsets(), three)).containsExactly(0.5, 0.69, 0.23);
    }

    @Test
    void nonDenseIdsMapToDenseIdsInAscendingOrder() throws Exception {
        write("g.v", "5\n1000000000000\n42\n" + Long.MAX_VALUE + "\n");
        write("g.e", "5 1000000000000\n1000000000000 42\n42 5\n" + Long.MAX_VALUE + " 5\n");

        Graph graph = GraphLoader.load(GraphSource.graphalytics(dir.resolve("g"), true, false), 1, LoadProgress.NONE);

        assertThat(graph.numVertices()).isEqualTo(4);
        assertThat(new long[] {graph.originalId(0), graph.originalId(1), graph.originalId(2), graph.originalId(3)})
                .containsExactly(5, 42, 1_000_000_000_000L, Long.MAX_VALUE);
        assertThat(slice(graph.outTargets(), graph.outOffsets(), 0)).containsExactly(2); // 5 -> 10^12
        assertThat(slice(graph.outTargets(), graph.outOffsets(), 2)).containsExactly(1); // 10^12 -> 42
        assertThat(slice(graph.inSources(), graph.inOffsets(), 0)).containsExactly(1, 3); // 42, MAX -> 5
    }

    @Test
    void snapEdgeListWithCommentsTabsBlankLinesAndCrlfLoads() throws Exception {
        write("snap.txt", "# Directed graph: example\r\n% another comment\r\n# FromNodeId\tToNodeId\r\n"
                + "10\t20\r\n\r\n  20  \t 30   0.5\r\n\t\n30 10\n10 30");

        Graph graph = GraphLoader.load(GraphSource.edgeList(dir.resolve("snap.txt"), true, false), 1, LoadProgress.NONE);

        assertThat(graph.numVertices()).isEqualTo(3);
        assertThat(graph.numEdges()).isEqualTo(4);
        assertThat(graph.originalId(0)).isEqualTo(10);
        assertThat(slice(graph.outTargets(), graph.outOffsets(), 0)).containsExactly(1, 2); // 10 -> 20, 30
        assertThat(slice(graph.inSources(), graph.inOffsets(), 0)).containsExactly(2); // 30 -> 10
    }

    @Test
    void edgeListVertexSetIsTheIdsInItsEdgesEvenWhenHuge() throws Exception {
        write("big.txt", "7 " + Long.MAX_VALUE + "\n3 7\n");

        Graph graph = GraphLoader.load(GraphSource.edgeList(dir.resolve("big.txt"), false, false), 2, LoadProgress.NONE);

        assertThat(graph.numVertices()).isEqualTo(3);
        assertThat(graph.denseId(3)).isZero();
        assertThat(graph.denseId(7)).isEqualTo(1);
        assertThat(graph.denseId(Long.MAX_VALUE)).isEqualTo(2);
    }

    @Test
    void undirectedGraphHoldsEachEdgeBothWaysAndASelfLoopOnce() throws Exception {
        write("u.v", "0\n1\n2\n");
        write("u.e", "0 1\n2 2\n1 2\n0 1\n");

        Graph graph = GraphLoader.load(GraphSource.graphalytics(dir.resolve("u"), false, false), 1, LoadProgress.NONE);

        assertThat(graph.numEdges()).isEqualTo(4);
        assertThat(graph.outTargets()).isSameAs(graph.inSources());
        assertThat(graph.outOffsets()).isSameAs(graph.inOffsets());
        assertThat(slice(graph.outTargets(), graph.outOffsets(), 0)).containsExactly(1, 1);
        assertThat(slice(graph.outTargets(), graph.outOffsets(), 1)).containsExactly(0, 0, 2);
        assertThat(slice(graph.outTargets(), graph.outOffsets(), 2)).containsExactly(1, 2);
    }

    @Test
    void undirectedWeightIsSeenFromBothEnds() throws Exception {
        write("uw.v", "1\n2\n3\n");
        write("uw.e", "1 2 0.5\n3 1 2.0\n3 3 7\n");

        Graph graph = GraphLoader.load(GraphSource.graphalytics(dir.resolve("uw"), false, true), 1, LoadProgress.NONE);

        assertThat(graph.inWeights()).isSameAs(graph.outWeights());
        assertThat(slice(graph.outTargets(), graph.outOffsets(), 0)).containsExactly(1, 2);
        assertThat(slice(graph.outWeights(), graph.outOffsets(), 0)).containsExactly(0.5, 2.0);
        assertThat(slice(graph.outWeights(), graph.outOffsets(), 1)).containsExactly(0.5);
        assertThat(slice(graph.outTargets(), graph.outOffsets(), 2)).containsExactly(0, 2);
        assertThat(slice(graph.outWeights(), graph.outOffsets(), 2)).containsExactly(2.0, 7.0);
    }

    @Test
    void byteOrderMarkAtTheStartIsSkipped() throws Exception {
        Files.write(dir.resolve("bom.txt"), new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, '1', ' ', '2', '\n'});

        Graph graph = GraphLoader.load(GraphSource.edgeList(dir.resolve("bom.txt"), true, false), 1, LoadProgress.NONE);

        assertThat(graph.originalId(0)).isEqualTo(1);
        assertThat(graph.numEdges()).isEqualTo(1);
    }

    @Test
    void duplicateEdgesAreKeptInInputOrder() throws Exception {
        write("d.v", "1\n2\n");
        write("d.e", "1 2 0.5\n1 2 0.25\n1 2 0.75\n");

        Graph graph = GraphLoader.load(GraphSource.graphalytics(dir.resolve("d"), true, true), 1, LoadProgress.NONE);

        assertThat(graph.numEdges()).isEqualTo(3);
        assertThat(slice(graph.outWeights(), graph.outOffsets(), 0)).containsExactly(0.5, 0.25, 0.75);
        assertThat(slice(graph.inWeights(), graph.inOffsets(), 1)).containsExactly(0.5, 0.25, 0.75);
    }

    @Test
    void weightsParseExactlyLikeDoubleParseDouble() throws Exception {
        String[] weights = {"0", "1", "0.1", "2.5e-3", "1E5", "123456789012345678901234567890", "0.30000000000000004",
            "4.9e-324", "1.7976931348623157e308", ".5", "7.", "+3", "-0", "0.000000000000000000000000001"};
        StringBuilder v = new StringBuilder();
        StringBuilder e = new StringBuilder();
        for (int i = 0; i < weights.length; i++) {
            v.append(i).append('\n');
            e.append(i).append(' ').append(i).append(' ').append(weights[i]).append('\n');
        }
        write("w.v", v.toString());
        write("w.e", e.toString());

        Graph graph = GraphLoader.load(GraphSource.graphalytics(dir.resolve("w"), true, true), 1, LoadProgress.NONE);

        for (int i = 0; i < weights.length; i++) {
            assertThat(graph.outWeights()[i]).as(weights[i]).isEqualTo(Math.abs(Double.parseDouble(weights[i])));
        }
    }

    @Test
    void oneAndFourThreadsWithTinyChunksBuildIdenticalGraphs() throws Exception {
        writeRandomGraph("r", 300, 5000, 7, true);
        for (boolean directed : new boolean[] {true, false}) {
            GraphSource source = GraphSource.graphalytics(dir.resolve("r"), directed, true);
            Graph one = GraphLoader.load(source, 1, LoadProgress.NONE);
            Graph four = GraphLoader.load(source, 4, LoadProgress.NONE, 64, GraphLoader.MAX_VERTICES);
            assertSameGraph(one, four);
            assertThat(one.numEdges()).isEqualTo(5000);
        }
        GraphSource edgeList = GraphSource.edgeList(dir.resolve("r.e"), true, false);
        assertSameGraph(GraphLoader.load(edgeList, 1, LoadProgress.NONE),
                GraphLoader.load(edgeList, 4, LoadProgress.NONE, 100, GraphLoader.MAX_VERTICES));
    }

    @Test
    void progressReachesTheTotalOfBothFiles() throws Exception {
        writeRandomGraph("p", 100, 2000, 3, false);
        long total = Files.size(dir.resolve("p.v")) + Files.size(dir.resolve("p.e"));
        AtomicLong last = new AtomicLong();
        AtomicLong calls = new AtomicLong();

        GraphLoader.load(GraphSource.graphalytics(dir.resolve("p"), true, false), 3, (done, all) -> {
            assertThat(all).isEqualTo(total);
            last.accumulateAndGet(done, Math::max);
            calls.incrementAndGet();
        }, 1024, GraphLoader.MAX_VERTICES);

        assertThat(last.get()).isEqualTo(total);
        assertThat(calls.get()).isGreaterThan(1).isLessThan(2000);
    }

    // ---- helpers ----

    private void write(String name, String text) throws IOException {
        Files.writeString(dir.resolve(name), text);
    }

    /** Non-dense ids, shuffled vertex file, comments, tabs and duplicate edges. */
    private void writeRandomGraph(String name, int n, int m, long seed, boolean weighted) throws IOException {
        var random = new java.util.Random(seed);
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(i * 1_000_003L + random.nextInt(1000));
        }
        List<Long> shuffled = new ArrayList<>(ids);
        java.util.Collections.shuffle(shuffled, random);
        StringBuilder v = new StringBuilder("# vertices\n");
        shuffled.forEach(id -> v.append(id).append('\n'));
        StringBuilder e = new StringBuilder();
        for (int i = 0; i < m; i++) {
            if (i % 97 == 0) {
                e.append("% a comment\n\n");
            }
            e.append(ids.get(random.nextInt(n))).append(i % 3 == 0 ? "\t" : " ").append(ids.get(random.nextInt(n)));
            if (weighted) {
                e.append(' ').append(random.nextInt(1000) / 100.0);
            }
            e.append('\n');
        }
        write(name + ".v", v.toString());
        write(name + ".e", e.toString());
    }

    static void assertSameGraph(Graph a, Graph b) {
        assertThat(b.numVertices()).isEqualTo(a.numVertices());
        assertThat(b.numEdges()).isEqualTo(a.numEdges());
        for (int v = 0; v < a.numVertices(); v++) {
            assertThat(b.originalId(v)).isEqualTo(a.originalId(v));
        }
        assertThat(b.outOffsets()).isEqualTo(a.outOffsets());
        assertThat(b.outTargets()).isEqualTo(a.outTargets());
        assertThat(b.outWeights()).isEqualTo(a.outWeights());
        assertThat(b.inOffsets()).isEqualTo(a.inOffsets());
        assertThat(b.inSources()).isEqualTo(a.inSources());
        assertThat(b.inWeights()).isEqualTo(a.inWeights());
    }

    private static List<Long> neighbours(Graph graph, int[] offsets, int[] targets, int v) {
        List<Long> ids = new ArrayList<>();
        for (int k = offsets[v]; k < offsets[v + 1]; k++) {
            ids.add(graph.originalId(targets[k]));
        }
        return ids;
    }

    private static int[] slice(int[] values, int[] offsets, int v) {
        return java.util.Arrays.copyOfRange(values, offsets[v], offsets[v + 1]);
    }

    private static double[] slice(double[] values, int[] offsets, int v) {
        return java.util.Arrays.copyOfRange(values, offsets[v], offsets[v + 1]);
    }

    /** Adjacency computed the obvious way, with collections, from the text files. */
    private record Reference(Map<Long, List<Long>> outs, Map<Long, List<Long>> ins) {
        static Reference read(Path prefix, boolean directed) throws IOException {
            Map<Long, List<Long>> outs = new TreeMap<>();
            Map<Long, List<Long>> ins = new TreeMap<>();
            for (String line : Files.readAllLines(Path.of(prefix + ".v"))) {
                if (!line.isBlank()) {
                    outs.put(Long.parseLong(line.strip()), new ArrayList<>());
                    ins.put(Long.parseLong(line.strip()), new ArrayList<>());
                }
            }
            for (String line : Files.readAllLines(Path.of(prefix + ".e"))) {
                if (line.isBlank()) {
                    continue;
                }
                String[] f = line.strip().split("\\s+");
                long s = Long.parseLong(f[0]);
                long t = Long.parseLong(f[1]);
                outs.get(s).add(t);
                ins.get(t).add(s);
                if (!directed && s != t) {
                    outs.get(t).add(s);
                    ins.get(s).add(t);
                }
            }
            outs.values().forEach(l -> l.sort(Comparator.naturalOrder()));
            ins.values().forEach(l -> l.sort(Comparator.naturalOrder()));
            return new Reference(outs, ins);
        }

        List<Long> out(long id) { return outs.get(id); }

        List<Long> in(long id) { return ins.get(id); }
    }
}
