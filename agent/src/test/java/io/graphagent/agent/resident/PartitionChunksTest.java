package io.graphagent.agent.resident;

import static org.assertj.core.api.Assertions.assertThat;

import io.graphagent.graph.partition.GraphShare;
import io.graphagent.graph.partition.IdBlocks;
import io.graphagent.graph.partition.Partitioning;
import io.graphagent.graph.partition.ShareBuilder;
import io.graphagent.protocol.v1.PartitionChunk;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A replica's copy is cut into chunks whose arrays stay under half a 1 MiB G1 region (no
 * humongous object on either side), and the chunks rebuild the partition exactly.
 */
class PartitionChunksTest {
    private static final int HALF_REGION = 512 * 1024;

    @Test
    void chunksStayUnderHalfARegionAndRebuildThePartitions() {
        int n = 200_000;
        // Blocks of 64 ids, two partitions.
        Partitioning partitioning = new Partitioning(new IdBlocks(6, 0, n / 64), new int[] {0, 1562, n / 64},
                new int[] {0, 1562 * 64, n});
        int[] owned = {0, 1};
        int edges = 400_000;
        int hubEdges = 100_000;
        int[] sources = new int[edges + hubEdges];
        int[] targets = new int[edges + hubEdges];
        SplittableRandom random = new SplittableRandom(11);
        for (int e = 0; e < edges; e++) {
            sources[e] = random.nextInt(n);
            targets[e] = random.nextInt(n);
        }
        for (int e = edges; e < edges + hubEdges; e++) {
            sources[e] = 5; // a hub: a chunk of its own
            targets[e] = random.nextInt(n);
        }
        ShareBuilder builder = new ShareBuilder(partitioning, owned, true, false, sources.length);
        builder.addOut(sources, targets, null, sources.length);
        builder.addIn(targets, sources, null, sources.length);
        GraphShare share = builder.build();

        ShareFromChunks rebuilt = new ShareFromChunks(partitioning, owned, true, false, sources.length);
        int chunks = 0;
        for (int p : owned) {
            PartitionChunks cut = new PartitionChunks(share, p);
            while (cut.hasNext()) {
                PartitionChunk chunk = cut.next();
                chunks++;
                assertThat(chunk.getVertexCount()).isLessThanOrEqualTo(PartitionChunks.MAX_VERTICES);
                if (chunk.getVertexCount() > 1) {
                    assertThat(chunk.getOutTargets().size() + chunk.getInSources().size())
                            .as("chunk at vertex %d", chunk.getFirstVertex())
                            .isLessThanOrEqualTo(4 * PartitionChunks.MAX_ENTRIES);
                    assertThat(chunk.getOutTargets().size()).isLessThan(HALF_REGION);
                    assertThat(chunk.getInSources().size()).isLessThan(HALF_REGION);
                    assertThat(chunk.getOutDegrees().size()).isLessThan(HALF_REGION);
                }
                rebuilt.add(chunk);
            }
        }
        assertThat(chunks).as("the partitions were cut, the hub alone").isGreaterThan(2 * edges / PartitionChunks.MAX_ENTRIES);
        GraphShare copy = rebuilt.build();
        assertThat(copy.ownedVertices()).isEqualTo(share.ownedVertices());
        assertThat(copy.outOffsets()).containsExactly(share.outOffsets());
        assertThat(copy.inOffsets()).containsExactly(share.inOffsets());
        for (int e = 0; e < share.outTargets().length; e++) {
            if (copy.globalOf(copy.outTargets()[e]) != share.globalOf(share.outTargets()[e])) {
                throw new AssertionError("out-edge entry " + e + " differs");
            }
        }
        for (int e = 0; e < share.inSources().length; e++) {
            if (copy.globalOf(copy.inSources()[e]) != share.globalOf(share.inSources()[e])) {
                throw new AssertionError("in-edge entry " + e + " differs");
            }
        }
    }
}
