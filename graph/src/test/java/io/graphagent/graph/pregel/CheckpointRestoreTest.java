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
        resumeAfterEveryEarlyCrash(algorithm, false);
    }

    /** Other partitions' broadcasts matter only to a pulling superstep: a runner need not read their files otherwise. */
    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void resumingFromOnlyTheFilesARunnerNeedsGivesTheUninterruptedResult(Algorithm algorithm) throws Exception {
        resumeAfterEveryEarlyCrash(algorithm, true);
    }

    private void resumeAfterEveryEarlyCrash(Algorithm algorithm, boolean onlyNeeded) throws Exception {
        Graph graph = randomGraph();
        Kernel kernel = Kernels.create(algorithm, graph, new KernelParameters(graph.originalId(0), 6, 0.85));
        double[] expected = PregelEngine.run(graph, kernel.program(), new EngineOptions(2, PARTITIONS), ProgressListener.NONE).values();

        for (int crashAfter = 0; crashAfter < 4; crashAfter++) {
            SplitRun before = new SplitRun(graph, kernel.program(), PARTITIONS, new int[][] {{0, 3}, {1, 4}, {2, 5}}, pool);
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
                checkpoints[p] = encode(before.owner(p).snapshot(p));
            }

            SplitRun after = new SplitRun(graph, kernel.program(), PARTITIONS, new int[][] {{0, 2, 4}, {1, 3, 5}}, pool);
            after.restoreFrom(before, checkpoints, onlyNeeded);
            while (!after.superstep()) {
                // runs to the end
            }
            assertThat(after.values()).as("%s crashing after superstep %d", algorithm, crashAfter).containsExactly(expected);
        }
    }

    /**
     * An agent writes its snapshot on another thread while the next supersteps run: a snapshot
     * encoded only after the run went on to its end holds the state it was taken in, byte for
     * byte, and resumes to the uninterrupted result.
     */
    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void aSnapshotIsNotChangedByTheSuperstepsThatRunWhileItIsWritten(Algorithm algorithm) throws Exception {
        Graph graph = randomGraph();
        Kernel kernel = Kernels.create(algorithm, graph, new KernelParameters(graph.originalId(0), 6, 0.85));
        double[] expected = PregelEngine.run(graph, kernel.program(), new EngineOptions(2, PARTITIONS), ProgressListener.NONE).values();
        SplitRun before = new SplitRun(graph, kernel.program(), PARTITIONS, new int[][] {{0, 3}, {1, 4}, {2, 5}}, pool);
        // The same run stopped where the snapshot is taken: the delivery, aggregates and superstep to resume with.
        SplitRun stopped = new SplitRun(graph, kernel.program(), PARTITIONS, new int[][] {{0, 3}, {1, 4}, {2, 5}}, pool);
        assertThat(before.superstep()).as("%s ends after its first superstep", algorithm).isFalse();
        stopped.superstep();
        byte[][] atOnce = new byte[PARTITIONS][];
        PartitionSnapshot[] held = new PartitionSnapshot[PARTITIONS];
        for (int p = 0; p < PARTITIONS; p++) {
            atOnce[p] = encode(before.owner(p).snapshot(p));
            held[p] = before.owner(p).snapshot(p);
        }
        int later = 0;
        boolean done;
        do {
            done = before.superstep();
            later++;
        } while (!done);
        boolean runChanged = false;
        for (int p = 0; p < PARTITIONS; p++) {
            runChanged |= !java.util.Arrays.equals(encode(before.owner(p).snapshot(p)), atOnce[p]);
        }
        assertThat(runChanged).as("%s: the later supersteps changed the run's own state", algorithm).isTrue();

        byte[][] checkpoints = new byte[PARTITIONS][];
        for (int p = 0; p < PARTITIONS; p++) {
            checkpoints[p] = encode(held[p]);
            assertThat(checkpoints[p]).as("%s partition %d encoded after %d more supersteps", algorithm, p, later)
                    .isEqualTo(atOnce[p]);
        }
        SplitRun after = new SplitRun(graph, kernel.program(), PARTITIONS, new int[][] {{0, 2, 4}, {1, 3, 5}}, pool);
        after.restoreFrom(stopped, checkpoints, false);
        while (!after.superstep()) {
            // runs to the end
        }
        assertThat(after.values()).as("%s resumed from snapshots written late", algorithm).containsExactly(expected);
    }

    private static byte[] encode(PartitionSnapshot snapshot) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            snapshot.writeTo(out);
        }
        return bytes.toByteArray();
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
}
