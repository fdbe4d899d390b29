package io.graphagent.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.graphagent.api.VertexProgram;
import io.graphagent.graph.csr.Graph;
import io.graphagent.graph.kernels.ParameterMap;
import io.graphagent.graph.kernels.ProgramRegistry;
import io.graphagent.graph.pregel.EngineOptions;
import io.graphagent.graph.pregel.PregelEngine;
import io.graphagent.graph.pregel.PregelResult;
import io.graphagent.graph.pregel.ProgressListener;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.jgrapht.alg.scoring.Coreness;
import org.jgrapht.graph.DefaultEdge;
import org.jgrapht.graph.SimpleGraph;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each example program on the single-process engine against an independent implementation:
 * JGraphT's {@link Coreness} for k-core, plain references written here for triangles and HITS,
 * on the Graphalytics example graphs and a seeded random graph with self-loops and repeated edges.
 */
class ExampleProgramsTest {
    @TempDir
    static Path dir;

    /** (name, graph) pairs: each Graphalytics example both ways, and a random graph both ways. */
    static List<Object[]> graphs() throws Exception {
        Path random = Graphs.randomEdgeList(dir, 300, 2400, 12);
        return List.of(
                new Object[] {"example-directed", Graphs.load(Graphs.graphalytics("example-directed"), true)},
                new Object[] {"example-undirected", Graphs.load(Graphs.graphalytics("example-undirected"), false)},
                new Object[] {"random directed", Graphs.loadEdgeList(random, true)},
                new Object[] {"random undirected", Graphs.loadEdgeList(random, false)});
    }

    private static PregelResult run(Graph graph, VertexProgram program, Map<String, String> params, int threads) {
        ProgramRegistry.configure(program, new ParameterMap(params), program.getClass().getName());
        return PregelEngine.run(graph, program, new EngineOptions(threads, 3 * threads), ProgressListener.NONE);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("graphs")
    void kCoreEqualsJGraphTCoreness(String name, Graph graph) {
        List<TreeSet<Integer>> adj = Graphs.simpleUndirected(graph);
        SimpleGraph<Integer, DefaultEdge> reference = new SimpleGraph<>(DefaultEdge.class);
        for (int v = 0; v < adj.size(); v++) {
            reference.addVertex(v);
        }
        for (int u = 0; u < adj.size(); u++) {
            for (int v : adj.get(u)) {
                if (u < v) {
                    reference.addEdge(u, v);
                }
            }
        }
        Map<Integer, Integer> coreness = new Coreness<>(reference).getScores();

        for (int threads : new int[] {1, 2}) {
            long[] actual = run(graph, new KCore(), Map.of(), threads).longs()[0];
            for (int v = 0; v < graph.numVertices(); v++) {
                assertThat(actual[v]).as("%s: coreness of vertex %d", name, graph.originalId(v))
                        .isEqualTo(coreness.get(v).longValue());
            }
        }
        assertThat(coreness.values()).as("%s has a non-trivial core", name).anyMatch(k -> k >= 2);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("graphs")
    void triangleCountEqualsAPlainCount(String name, Graph graph) {
        List<TreeSet<Integer>> adj = Graphs.simpleUndirected(graph);
        long[] expected = new long[adj.size()];
        for (int u = 0; u < adj.size(); u++) {
            for (int v : adj.get(u).tailSet(u, false)) {
                for (int w : adj.get(v).tailSet(v, false)) {
                    if (adj.get(u).contains(w)) {
                        expected[u]++;
                        expected[v]++;
                        expected[w]++;
                    }
                }
            }
        }
        long[] actual = run(graph, new TriangleCount(), Map.of(), 2).longs()[0];
        assertThat(actual).as(name).containsExactly(expected);
        assertThat(java.util.Arrays.stream(expected).sum()).as("%s has triangles", name).isPositive();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("graphs")
    void hitsEqualsAPlainPowerIteration(String name, Graph graph) {
        int n = graph.numVertices();
        int iterations = 7;
        double[] hub = new double[n];
        double[] auth = new double[n];
        java.util.Arrays.fill(hub, 1.0);
        for (int k = 0; k < iterations; k++) {
            java.util.Arrays.fill(auth, 0);
            for (int u = 0; u < n; u++) {
                for (int e = graph.outOffsets()[u]; e < graph.outOffsets()[u + 1]; e++) {
                    auth[graph.outTargets()[e]] += hub[u];
                }
            }
            normalize(auth);
            java.util.Arrays.fill(hub, 0);
            for (int u = 0; u < n; u++) {
                for (int e = graph.outOffsets()[u]; e < graph.outOffsets()[u + 1]; e++) {
                    hub[u] += auth[graph.outTargets()[e]];
                }
            }
            normalize(hub);
        }
        PregelResult result = run(graph, new Hits(), Map.of("iterations", Integer.toString(iterations)), 2);
        assertThat(result.supersteps()).isEqualTo(2 * iterations + 2);
        for (int v = 0; v < n; v++) {
            assertThat(result.doubles()[Hits.HUB][v]).as("%s hub of %d", name, graph.originalId(v)).isCloseTo(hub[v], within(1e-12));
            assertThat(result.doubles()[Hits.AUTHORITY][v]).as("%s authority of %d", name, graph.originalId(v))
                    .isCloseTo(auth[v], within(1e-12));
        }
    }

    private static void normalize(double[] x) {
        double squares = 0;
        for (double d : x) {
            squares += d * d;
        }
        double norm = Math.sqrt(squares);
        for (int i = 0; i < x.length; i++) {
            x[i] = norm > 0 ? x[i] / norm : 0;
        }
    }
}
