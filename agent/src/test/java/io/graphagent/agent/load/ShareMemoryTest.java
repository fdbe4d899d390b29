package io.graphagent.agent.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.graphagent.api.EdgeUse;
import io.graphagent.graph.partition.BlockRanges;
import io.graphagent.graph.partition.GraphShare;
import io.graphagent.graph.partition.IdBlocks;
import io.graphagent.graph.partition.Partitioning;
import io.graphagent.net.time.Ticker;
import io.graphagent.protocol.v1.BuildPartitions;
import io.graphagent.protocol.v1.GraphFiles;
import java.util.Arrays;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The memory check's estimate for a known share, made before the build from the received
 * entries' counts, against what the build and the job then hold, counted from the arrays'
 * lengths (the builder's measured peak, the share's arrays, the job state per vertex): never
 * below, and at most 10% above (the slack is the bound on mirrors before they are known).
 */
class ShareMemoryTest {
    private static final int N = 8000;
    private static final int[] FIRST = {0, 2000, 4000, 6000, N};
    private static final int[] OWNED = {0, 2};
    private static final int EDGES = 60_000;

    @ParameterizedTest(name = "{0} weighted={1}")
    @CsvSource({"OUT_AND_IN, false", "IN_AND_OUT_DEGREES, false", "OUT_AND_IN, true"})
    void theEstimateIsWithinATenthAboveTheArraysTheBuildAndTheJobHold(EdgeUse use, boolean weighted) throws Exception {
        // Blocks of 4 ids (a partitioning has at most 4096 blocks).
        BlockRanges ranges = new BlockRanges(new IdBlocks(2, 0, N / 4), Arrays.stream(FIRST).map(v -> v / 4).toArray());
        ReceivedShare received = new ReceivedShare("job", 1, true, true, FIRST.length - 1, OWNED, Set.of(), use, Ticker.system());
        received.start(ranges, true);
        for (int k : OWNED) {
            for (int v = FIRST[k]; v < FIRST[k + 1]; v++) {
                received.addVertex(k, v);
            }
        }
        SplittableRandom random = new SplittableRandom(3);
        LocalEntries out = new LocalEntries(4096, weighted);
        LocalEntries in = new LocalEntries(4096, weighted);
        for (int e = 0; e < EDGES; e++) {
            int s = random.nextInt(N);
            int t = random.nextInt(N);
            double w = random.nextInt(64) / 8.0;
            if (owned(ranges.partitionOfId(s))) {
                out.add(s, t, w);
            }
            if (owned(ranges.partitionOfId(t))) {
                in.add(s, t, w);
            }
            if (e % 5000 == 4999) {
                flush(received, out, in);
            }
        }
        flush(received, out, in);
        received.finish("g.v");
        BuildPartitions order = BuildPartitions.newBuilder()
                .addAllFirstVertex(Arrays.stream(FIRST).boxed().toList()).setDenseIds(true).setEdges(EDGES).build();
        long estimate = ShareMemory.needed(received, order, weighted) - ShareMemory.HEADROOM;
        long given = (weighted ? 16L : 8L) * received.entriesLaid();
        long credit = received.sourcesOnlyBytes();

        GraphFiles input = GraphFiles.newBuilder().setVertexFile("g.v").setEdgeFile("g.e").setDirected(true)
                .setWeighted(weighted).build();
        BuiltShare built = new ShareAssembly(received, new Partitioning(ranges, FIRST), true, input, "agent-1", EDGES,
                (partition, ids) -> {
                    throw new AssertionError("dense ids: nobody is asked");
                }).build(null);
        GraphShare share = built.share();
        long layout = built.buildPeakBytes() - credit;
        long job = share.sizeInBytes() - given - credit + ShareMemory.STATE_PER_OWNED * share.ownedVertices()
                + ShareMemory.STATE_PER_MIRROR * share.mirrors();
        long measured = Math.max(layout, job);

        assertThat(measured).as("something is allocated").isPositive();
        assertThat(estimate).as("estimate %d, measured %d (layout %d, job %d)", estimate, measured, layout, job)
                .isGreaterThanOrEqualTo(measured).isLessThanOrEqualTo(measured + measured / 10);
    }

    private static boolean owned(int partition) {
        return Arrays.binarySearch(OWNED, partition) >= 0;
    }

    private static void flush(ReceivedShare received, LocalEntries out, LocalEntries in) {
        received.addEdges(out, false);
        received.addEdges(in, true);
        out.clear();
        in.clear();
    }
}
