package io.graphagent.graph.pregel;

import io.graphagent.api.Aggregator;
import io.graphagent.api.Combiner;
import io.graphagent.api.MasterCompute;
import io.graphagent.api.Messages;
import io.graphagent.api.ProgramShape;
import io.graphagent.api.Vertex;
import io.graphagent.api.VertexProgram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.graphagent.graph.csr.Graph;
import io.graphagent.graph.kernels.Algorithm;
import io.graphagent.graph.kernels.Kernel;
import io.graphagent.graph.kernels.KernelParameters;
import io.graphagent.graph.kernels.Kernels;
import io.graphagent.graph.testing.Datasets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class PregelEngineTest {
    private static final List<EngineOptions> LAYOUTS =
            List.of(new EngineOptions(1, 1), new EngineOptions(2, 7), new EngineOptions(4, 32), new EngineOptions(3, 500));

    @TempDir
    Path dir;

    /** A seeded random graph with non-dense ids, a few hubs and a long tail, and weights. */
    private Graph randomGraph(boolean directed, long seed) throws Exception {
        SplittableRandom random = new SplittableRandom(seed);
        int n = 3000;
        StringBuilder text = new StringBuilder("# random test graph\n");
        for (int i = 0; i < 12000; i++) {
            int a = random.nextInt(n);
            int b = random.nextInt(10) == 0 ? random.nextInt(20) : random.nextInt(n);
            text.append(a * 7L + 1_000_000_000_000L).append('\t').append(b * 7L + 1_000_000_000_000L)
                    .append(' ').append(random.nextInt(1, 1000) / 100.0).append('\n');
        }
        // a path of 40 vertices hanging off vertex 0, so BFS runs sparse supersteps too
        for (int i = 0; i < 40; i++) {
            text.append(1_000_000_000_000L + (n + i) * 7L).append(' ').append(1_000_000_000_000L + (n + i + 1) * 7L).append(" 1.5\n");
        }
        text.append(1_000_000_000_000L).append(' ').append(1_000_000_000_000L + n * 7L).append(" 0.5\n");
        Path file = dir.resolve("random-" + directed + "-" + seed + ".txt");
        Files.writeString(file, text);
        return Datasets.loadEdges(file, directed, true);
    }

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void resultsDoNotDependOnThreadOrPartitionCountToTheLastBit(Algorithm algorithm) throws Exception {
        for (boolean directed : new boolean[] {true, false}) {
            Graph graph = randomGraph(directed, 42);
            KernelParameters params = new KernelParameters(1_000_000_000_000L, 10, 0.85);
            double[] first = null;
            for (EngineOptions options : LAYOUTS) {
                Kernel kernel = Kernels.create(algorithm, graph, params);
                double[] values = PregelEngine.run(graph, kernel.program(), options, ProgressListener.NONE).values();
                if (first == null) {
                    first = values;
                } else {
                    assertThat(values).as("%s directed=%s %s", algorithm, directed, options).containsExactly(first);
                }
            }
        }
    }

    @Test
    void bfsMatchesAPlainQueueSearchThroughSparseAndDenseSupersteps() throws Exception {
        Graph graph = randomGraph(true, 7);
        int source = graph.denseId(1_000_000_000_000L);
        int[] expected = new int[graph.numVertices()];
        Arrays.fill(expected, -1);
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        expected[source] = 0;
        queue.add(source);
        while (!queue.isEmpty()) {
            int u = queue.poll();
            for (int e = graph.outOffsets()[u]; e < graph.outOffsets()[u + 1]; e++) {
                int w = graph.outTargets()[e];
                if (expected[w] < 0) {
                    expected[w] = expected[u] + 1;
                    queue.add(w);
                }
            }
        }
        Kernel bfs = Kernels.create(Algorithm.BFS, graph, new KernelParameters(1_000_000_000_000L, 0, 0));
        PregelResult result = PregelEngine.run(graph, bfs.program(), new EngineOptions(2, 8), ProgressListener.NONE);
        for (int v = 0; v < graph.numVertices(); v++) {
            double depth = result.values()[v];
            assertThat(expected[v] < 0 ? Double.POSITIVE_INFINITY : expected[v]).as("vertex %d", v).isEqualTo(depth);
        }
        assertThat(result.supersteps()).isGreaterThan(40);
    }

    @Test
    void uncombinedMessagesAreAllDeliveredOnceToAHaltedVertex() throws Exception {
        Graph graph = randomGraph(true, 3);
        VertexProgram sumOfInNeighbours = new VertexProgram() {
            @Override
            public ProgramShape shape() {
                return ProgramShape.builder().build();
            }

            @Override
            public void compute(Vertex vertex, Messages messages) {
                if (vertex.superstep() == 0) {
                    for (int i = 0; i < vertex.outDegree(); i++) {
                        vertex.sendMessage(vertex.outNeighbor(i), vertex.id());
                    }
                } else {
                    double sum = 0;
                    while (messages.hasNext()) {
                        sum += messages.next();
                    }
                    vertex.setValue(sum);
                }
                vertex.voteToHalt();
            }
        };
        PregelResult result = PregelEngine.run(graph, sumOfInNeighbours, new EngineOptions(3, 5), ProgressListener.NONE);
        for (int v = 0; v < graph.numVertices(); v++) {
            double sum = 0;
            for (int e = graph.inOffsets()[v]; e < graph.inOffsets()[v + 1]; e++) {
                sum += graph.inSources()[e];
            }
            assertThat(result.values()[v]).isEqualTo(sum);
        }
        assertThat(result.supersteps()).isEqualTo(2);
        assertThat(result.messages()).isEqualTo(graph.outTargets().length);
    }

    @Test
    void masterSeesAggregatesAndHaltsTheRun() throws Exception {
        Graph graph = randomGraph(false, 5);
        int[] masterSaw = new int[8];
        VertexProgram counting = new VertexProgram() {
            @Override
            public void compute(Vertex vertex, Messages messages) {
                vertex.setValue(vertex.aggregated(0));
                vertex.aggregate(0, 1);
                vertex.aggregate(1, vertex.id());
            }

            @Override
            public ProgramShape shape() {
                return ProgramShape.builder()
                        .aggregators(new Aggregator("vertices", Combiner.SUM), new Aggregator("max-id", Combiner.MAX)).build();
            }

            @Override
            public MasterCompute master() {
                return ctx -> {
                    masterSaw[ctx.superstep()] = (int) ctx.aggregated(0);
                    assertThat(ctx.aggregated(1)).isEqualTo(graph.numVertices() - 1);
                    ctx.setAggregated(0, ctx.aggregated(0) * 2);
                    if (ctx.superstep() == 4) {
                        ctx.haltComputation();
                    }
                };
            }
        };
        PregelResult result = PregelEngine.run(graph, counting, new EngineOptions(2, 4), ProgressListener.NONE);
        assertThat(result.supersteps()).isEqualTo(4);
        assertThat(masterSaw[1]).isEqualTo(graph.numVertices());
        assertThat(result.values()).containsOnly(2.0 * graph.numVertices());
    }

    @Test
    void superstepCapEndsARunThatNeverHalts() throws Exception {
        Graph graph = randomGraph(true, 9);
        VertexProgram forever = new VertexProgram() {
            @Override
            public void compute(Vertex vertex, Messages messages) {
                vertex.setValue(vertex.superstep());
                vertex.sendToNeighbors(1);
            }

            @Override
            public ProgramShape shape() {
                return ProgramShape.builder().maxSupersteps(6).build();
            }
        };
        int[] progress = {0};
        PregelResult result = PregelEngine.run(graph, forever, new EngineOptions(2, 4), (s, active, messages) -> progress[0]++);
        assertThat(result.supersteps()).isEqualTo(6);
        assertThat(progress[0]).isEqualTo(6);
        assertThat(result.values()).containsOnly(5.0);
    }

    /** Frames of the engine's classes around a program's compute, as they show in a trace. */
    private static final String[] ENGINE_FRAMES = {"at io.graphagent.graph.pregel.ComputeLoop.",
            "at io.graphagent.graph.pregel.VertexCursor.", "at io.graphagent.graph.pregel.MessageCursor.",
            "at io.graphagent.graph.pregel.PartitionWorker."};

    @Test
    void broadcastingTwiceInOneSuperstepIsAnError() throws Exception {
        Graph graph = randomGraph(true, 11);
        VertexProgram twice = new VertexProgram() {
            @Override
            public ProgramShape shape() {
                return ProgramShape.builder().build();
            }

            @Override
            public void compute(Vertex vertex, Messages messages) {
                vertex.sendToNeighbors(1);
                vertex.sendToNeighbors(2);
            }
        };
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(
                () -> PregelEngine.run(graph, twice, new EngineOptions(2, 4), ProgressListener.NONE));
        assertThat(thrown).isInstanceOf(ProgramException.class)
                .hasMessageContaining("broadcast twice")
                .cause().isInstanceOf(IllegalStateException.class);
        // The engine raised it inside the program's call: its trace shows no engine frame.
        assertThat(((ProgramException) thrown).programTrace()).doesNotContain(ENGINE_FRAMES);
    }

    @Test
    void anExceptionInComputeNamesTheVertexAndSuperstepAndKeepsOnlyTheProgramsFrames() throws Exception {
        Graph graph = randomGraph(true, 11);
        long victim = graph.originalId(3);
        VertexProgram throwing = new VertexProgram() {
            @Override
            public ProgramShape shape() {
                return ProgramShape.builder().build();
            }

            @Override
            public void compute(Vertex vertex, Messages messages) {
                if (vertex.superstep() == 1 && vertex.originalId() == victim) {
                    throw new ArithmeticException("divide by zero at " + vertex.originalId());
                }
                if (vertex.superstep() == 0) {
                    vertex.sendToNeighbors(1);
                }
                if (vertex.superstep() == 1) {
                    vertex.voteToHalt();
                }
            }
        };
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(
                () -> PregelEngine.run(graph, throwing, new EngineOptions(2, 4), ProgressListener.NONE));
        assertThat(thrown).isInstanceOf(ProgramException.class);
        ProgramException e = (ProgramException) thrown;
        assertThat(e.vertexId()).isEqualTo(victim);
        assertThat(e.superstep()).isEqualTo(1);
        assertThat(e.getCause()).isInstanceOf(ArithmeticException.class);
        String trace = e.programTrace();
        assertThat(trace).startsWith("java.lang.ArithmeticException: divide by zero at " + victim + "\n\tat ")
                .contains(PregelEngineTest.class.getName() + "$")
                .doesNotContain(ENGINE_FRAMES);
    }

    @Test
    void invalidOptionsAreRefused() {
        assertThatThrownBy(() -> new EngineOptions(0, 1)).hasMessageContaining("threads");
        assertThatThrownBy(() -> new EngineOptions(1, 0)).hasMessageContaining("partitions");
    }

}
