package io.graphagent.graph.pregel;

import static org.assertj.core.api.Assertions.assertThat;

import io.graphagent.graph.csr.Graph;
import io.graphagent.graph.kernels.Algorithm;
import io.graphagent.graph.kernels.Kernel;
import io.graphagent.graph.kernels.KernelParameters;
import io.graphagent.graph.kernels.Kernels;
import io.graphagent.graph.load.GraphProperties;
import io.graphagent.graph.testing.Datasets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Three runners that split the partitions between them, exchanging outboxes and broadcasts
 * by hand the way agents do over the network, give exactly the single-process result.
 */
class PartitionRunnerTest {
    private static final int PARTITIONS = 7;
    private final ExecutorService pool = Executors.newFixedThreadPool(2);

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void runnersSplittingThePartitionsMatchTheSingleProcessEngine(Algorithm algorithm) throws Exception {
        for (String name : List.of("example-directed", "example-undirected", "pr-directed")) {
            Path prefix = Datasets.graphalytics().resolve(name);
            Graph graph = Datasets.load(prefix, 2);
            GraphProperties props = GraphProperties.forPrefix(prefix);
            if (algorithm == Algorithm.SSSP && !graph.weighted()) {
                continue;
            }
            KernelParameters params = new KernelParameters(graph.originalId(0), 5, 0.85);
            Kernel kernel = Kernels.create(algorithm, graph, params);
            double[] expected = PregelEngine.run(graph, kernel.program(), new EngineOptions(2, PARTITIONS),
                    ProgressListener.NONE).values();

            int[][] ownedBy = {{0, 3, 6}, {1, 4}, {2, 5}};
            double[] actual = runSplit(graph, kernel.program(), ownedBy);

            assertThat(actual).as("%s on %s (directed=%s)", algorithm, name, props.directed()).containsExactly(expected);
        }
    }

    private double[] runSplit(Graph graph, VertexProgram program, int[][] ownedBy) {
        int[] owner = new int[PARTITIONS];
        List<PartitionRunner> runners = new ArrayList<>();
        for (int a = 0; a < ownedBy.length; a++) {
            runners.add(new PartitionRunner(graph, program, PARTITIONS, ownedBy[a], pool));
            for (int p : ownedBy[a]) {
                owner[p] = a;
            }
        }
        PartitionRunner first = runners.get(0);
        long runnersWithVertices = java.util.Arrays.stream(ownedBy)
                .filter(ps -> java.util.Arrays.stream(ps).anyMatch(p -> first.partitioning().members(p).length > 0))
                .count();
        assertThat(runnersWithVertices).as("every runner holds vertices").isEqualTo(ownedBy.length);
        Aggregators aggregators = new Aggregators(program.aggregators(), PARTITIONS);
        for (int superstep = 0; superstep < program.maxSupersteps(); superstep++) {
            SuperstepStats total = SuperstepStats.ZERO;
            for (PartitionRunner r : runners) {
                total = total.plus(r.compute(superstep, aggregators.values()));
            }
            aggregators.reduce((p, i) -> runners.get(owner[p]).aggregatePartial(p, i));
            Delivery delivery = Delivery.decide(total, first.edgeSlots(), first.verticesWithOutEdges());
            for (int a = 0; a < runners.size(); a++) {
                PartitionRunner from = runners.get(a);
                if (delivery.pushBroadcasts(total)) {
                    from.pushBroadcasts();
                }
                for (int s : ownedBy[a]) {
                    for (int t = 0; t < PARTITIONS; t++) {
                        if (owner[t] != a) {
                            runners.get(owner[t]).acceptMessages(s, t, from.outboxTargets(s, t),
                                    from.outboxValues(s, t), from.outboxSize(s, t));
                            from.clearOutbox(s, t);
                        }
                    }
                    if (delivery.pull()) {
                        PartitionRunner.Broadcasts b = from.exportBroadcasts(s);
                        for (int other = 0; other < runners.size(); other++) {
                            if (other != a) {
                                runners.get(other).importBroadcasts(s, b.vertices(), b.values(), b.vertices().length, true);
                            }
                        }
                    }
                }
            }
            for (PartitionRunner r : runners) {
                r.deliver();
                r.advance(delivery);
            }
            if (delivery.quiescent(total)
                    || aggregators.runMaster(program.master(), superstep + 1, total.stillActive())) {
                break;
            }
        }
        double[] values = new double[graph.numVertices()];
        for (int v = 0; v < values.length; v++) {
            values[v] = runners.get(owner[first.partitioning().partitionOf(v)]).values()[v];
        }
        return values;
    }
}
