package io.graphagent.agent.job;

import io.graphagent.graph.partition.GraphShare;
import io.graphagent.protocol.v1.LoadDone;

/**
 * What a load, rebuild or attach gives this agent, as LoadDone reports it: per-partition vertex
 * and edge counts, the share's size and mirrors, the heap, and the job's delivery inputs (edge
 * slots, vertices with out-edges). Stateless.
 */
final class LoadFacts {
    private LoadFacts() {
    }

    /** The facts of {@code share}, built in {@code ms}; {@code job} null for a resident graph kept without a job. */
    static LoadDone.Builder of(GraphShare share, long ms, AgentJob job) {
        int[] owned = share.owned();
        Runtime runtime = Runtime.getRuntime();
        LoadDone.Builder done = LoadDone.newBuilder();
        for (int q : owned) {
            done.putPartitionVertices(q, share.partitioning().size(q));
            int first = share.firstSlot(q);
            int end = first + share.partitioning().size(q);
            done.putPartitionEdges(q, share.edgeEntries(first, end));
        }
        for (int q : owned) {
            done.addPartitionIds(q);
        }
        if (job != null) {
            done.setEdgeSlots(job.edgeSlots()).setVerticesWithOutEdges(job.verticesWithOutEdges());
        }
        return done.setVertices(share.ownedVertices())
                .setEdges(share.edgeEntries())
                .setLoadTimeMs(ms)
                .setIdBlocks(share.partitioning().blocks().count())
                .setMirrors(share.mirrors())
                .setShareBytes(share.sizeInBytes())
                .setHeapMaxBytes(runtime.maxMemory())
                .setHeapUsedBytes(runtime.totalMemory() - runtime.freeMemory());
    }
}
