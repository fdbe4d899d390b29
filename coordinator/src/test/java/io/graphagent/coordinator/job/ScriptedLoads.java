package io.graphagent.coordinator.job;

import io.graphagent.protocol.v1.Command;
import io.graphagent.protocol.v1.LoadDone;
import io.graphagent.protocol.v1.LoadScanned;
import io.graphagent.protocol.v1.Report;
import io.graphagent.protocol.v1.ShuffleDone;
import java.util.List;

/**
 * What a scripted agent answers to the three commands of a partitioned load, for a graph of
 * one vertex per partition (ids 0..P-1, dense) and {@code edgeSlots} edge slots over all
 * agents: the same report whichever agent answers, so the totals are the sums.
 */
final class ScriptedLoads {
    private ScriptedLoads() {
    }

    /** True for LoadPartitions, ShufflePartitions, BuildPartitions and RebuildPartitions. */
    static boolean isLoad(Command c) {
        return switch (c.getKindCase()) {
            case LOAD_PARTITIONS, SHUFFLE_PARTITIONS, BUILD_PARTITIONS, REBUILD_PARTITIONS -> true;
            default -> false;
        };
    }

    /**
     * @param owned the partitions the answering agent owns (from its LoadPartitions)
     * @param edgeSlots this agent's share of the graph's edge slots
     */
    static Report.Builder answer(Command c, List<Integer> owned, long edgeSlots, long verticesWithOutEdges) {
        return switch (c.getKindCase()) {
            case LOAD_PARTITIONS -> Report.newBuilder().setLoadScanned(LoadScanned.newBuilder()
                    .setVertexRecords(owned.size()).setMinId(0).setMaxId(Math.max(0, c.getLoadPartitions().getPartitions() - 1)));
            case SHUFFLE_PARTITIONS -> {
                ShuffleDone.Builder done = ShuffleDone.newBuilder();
                owned.forEach(p -> done.putPartitionVertices(p, 1));
                yield Report.newBuilder().setShuffleDone(done);
            }
            case BUILD_PARTITIONS -> {
                LoadDone.Builder done = LoadDone.newBuilder().addAllPartitionIds(owned).setVertices(owned.size())
                        .setEdges(edgeSlots).setEdgeSlots(edgeSlots).setVerticesWithOutEdges(verticesWithOutEdges)
                        // One id block per partition (partition p's partials come as block p).
                        .setIdBlocks(Math.max(1, c.getBuildPartitions().getFirstVertexCount() - 1));
                owned.forEach(p -> done.putPartitionVertices(p, 1));
                yield Report.newBuilder().setLoadDone(done);
            }
            case REBUILD_PARTITIONS -> {
                LoadDone.Builder done = LoadDone.newBuilder().addAllPartitionIds(owned).setVertices(owned.size())
                        .setEdges(edgeSlots).setEdgeSlots(edgeSlots).setVerticesWithOutEdges(verticesWithOutEdges)
                        .setIdBlocks(Math.max(1, c.getRebuildPartitions().getPartitions()));
                owned.forEach(p -> done.putPartitionVertices(p, 1));
                yield Report.newBuilder().setLoadDone(done);
            }
            default -> throw new IllegalArgumentException("not a load command: " + c.getKindCase());
        };
    }
}
