package io.graphagent.graph.pregel;

import static org.assertj.core.api.Assertions.assertThat;

import io.graphagent.graph.csr.Graph;
import io.graphagent.graph.kernels.Algorithm;
import io.graphagent.graph.kernels.Kernel;
import io.graphagent.graph.kernels.KernelParameters;
import io.graphagent.graph.kernels.Kernels;
import io.graphagent.graph.testing.Datasets;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Runners that checkpoint after a superstep, "lose" one runner, and resume from the
 * checkpoint on fewer runners with the partitions dealt again, end with exactly the
 * uninterrupted result: what recovery on the cluster relies on.
 */
class CheckpointRestoreTest {
    private static final int PARTITIONS = 6;
    private final ExecutorService pool = Executors.newFixedThreadPool(2);

    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void resumingFromACheckpointOnOtherRunnersGivesTheUninterruptedResult(Algorithm algorithm) throws Exception {
        Graph graph = randomGraph();
        Kernel kernel = Kernels.create(algorithm, graph, new KernelParameters(graph.originalId(0), 6, 0.85));
        double[] expected = PregelEngine.run(graph, kernel.program(), new EngineOptions(2, PARTITIONS), ProgressListener.NONE).values();

        for (int crashAfter = 0; crashAfter < 4; crashAfter++) {
            Split before = new Split(graph, kernel.program(), new int[][] {{0, 3}, {1, 4}, {2, 5}});
            boolean done = false;
            for (int s = 0; s <= crashAfter && !done; s++) {
                done = before.superstep();
            }
            if (done) {
                assertThat(before.values()).containsExactly(expected);
                continue;
            }
            byte[][] checkpoints = new byte[PARTITIONS][];
            for (int p = 0; p < PARTITIONS; p++) {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                try (DataOutputStream out = new DataOutputStream(bytes)) {
                    before.owner(p).writeCheckpoint(p, out);
                }
                checkpoints[p] = bytes.toByteArray();
            }

            Split after = new Split(graph, kernel.program(), new int[][] {{0, 2, 4}, {1, 3, 5}});
            after.restoreFrom(before, checkpoints);
            while (!after.superstep()) {
                // runs to the end
            }
            assertThat(after.values()).as("%s crashing after superstep %d", algorithm, crashAfter).containsExactly(expected);
        }
    }

    private Graph randomGraph() throws Exception {
        SplittableRandom random = new SplittableRandom(17);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 3000; i++) {
            text.append(random.nextInt(600)).append(' ').append(random.nextInt(600)).append(' ')
                    .append(random.nextInt(1, 100) / 10.0).append('\n');
        }
        Path file = dir.resolve("g.txt");
        Files.writeString(file, text);
        return Datasets.loadEdges(file, true, true);
    }

    /** Runners splitting the partitions, exchanging by hand as agents do over the network. */
    private final class Split {
        final VertexProgram program;
        final int[][] ownedBy;
        final int[] owner = new int[PARTITIONS];
        final List<PartitionRunner> runners = new ArrayList<>();
        final Aggregators aggregators;
        int superstep;
        Delivery delivery = Delivery.NONE;

        Split(Graph graph, VertexProgram program, int[][] ownedBy) {
            this.program = program;
            this.ownedBy = ownedBy;
            for (int a = 0; a < ownedBy.length; a++) {
                runners.add(new PartitionRunner(graph, program, PARTITIONS, ownedBy[a], pool));
                for (int p : ownedBy[a]) {
                    owner[p] = a;
                }
            }
            aggregators = new Aggregators(program.aggregators(), PARTITIONS);
        }

        PartitionRunner owner(int partition) {
            return runners.get(owner[partition]);
        }

        void restoreFrom(Split crashed, byte[][] checkpoints) throws Exception {
            for (PartitionRunner r : runners) {
                for (int p = 0; p < PARTITIONS; p++) {
                    r.restore(p, new DataInputStream(new ByteArrayInputStream(checkpoints[p])));
                }
                r.resume(crashed.delivery);
            }
            System.arraycopy(crashed.aggregators.values(), 0, aggregators.values(), 0, aggregators.values().length);
            superstep = crashed.superstep;
            delivery = crashed.delivery;
        }

        /** Runs one superstep; true when the run is over. */
        boolean superstep() {
            if (superstep >= program.maxSupersteps()) {
                return true;
            }
            SuperstepStats total = SuperstepStats.ZERO;
            for (PartitionRunner r : runners) {
                total = total.plus(r.compute(superstep, aggregators.values()));
            }
            aggregators.reduce((p, i) -> owner(p).aggregatePartial(p, i));
            PartitionRunner first = runners.get(0);
            delivery = Delivery.decide(total, first.edgeSlots(), first.verticesWithOutEdges());
            for (int a = 0; a < runners.size(); a++) {
                PartitionRunner from = runners.get(a);
                if (delivery.pushBroadcasts(total)) {
                    from.pushBroadcasts();
                }
                for (int s : ownedBy[a]) {
                    for (int t = 0; t < PARTITIONS; t++) {
                        if (owner[t] != a) {
                            owner(t).acceptMessages(s, t, from.outboxTargets(s, t), from.outboxValues(s, t), from.outboxSize(s, t));
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
            superstep++;
            return delivery.quiescent(total) || aggregators.runMaster(program.master(), superstep, total.stillActive());
        }

        double[] values() {
            double[] values = new double[runners.get(0).values().length];
            for (int v = 0; v < values.length; v++) {
                values[v] = owner(runners.get(0).partitioning().partitionOf(v)).values()[v];
            }
            return values;
        }
    }
}
