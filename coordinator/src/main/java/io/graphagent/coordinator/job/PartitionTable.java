package io.graphagent.coordinator.job;

import io.graphagent.protocol.v1.LoadDone;
import io.graphagent.protocol.v1.PartitionPlacement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What status shows of one job's partitions: the agent holding each, its size in vertices
 * and edge entries (from the agents' LoadDone reports) and how often recoveries moved it. Written by the
 * job-driver thread, read by status calls: thread-safe.
 */
final class PartitionTable {

    private String[] owners = new String[0];
    private long[] vertices = new long[0];
    private long[] edges = new long[0];
    private int[] moves = new int[0];

    /** Records a new placement; a partition whose owner changed counts one move. */
    synchronized void place(Placement placement) {
        int count = placement.partitions();
        if (owners.length != count) {
            owners = new String[count];
            vertices = new long[count];
            edges = new long[count];
            moves = new int[count];
        }
        for (int p = 0; p < count; p++) {
            String owner = placement.ownerOf(p);
            if (owners[p] != null && !owners[p].equals(owner)) {
                moves[p]++;
            }
            owners[p] = owner;
        }
    }

    /** Records the partition sizes an agent reported after loading. */
    synchronized void loaded(LoadDone done) {
        for (Map.Entry<Integer, Long> e : done.getPartitionVerticesMap().entrySet()) {
            if (e.getKey() >= 0 && e.getKey() < vertices.length) {
                vertices[e.getKey()] = e.getValue();
            }
        }
        for (Map.Entry<Integer, Long> e : done.getPartitionEdgesMap().entrySet()) {
            if (e.getKey() >= 0 && e.getKey() < edges.length) {
                edges[e.getKey()] = e.getValue();
            }
        }
    }

    /** The partitions by id; empty before the first placement. */
    synchronized List<PartitionPlacement> toProto() {
        List<PartitionPlacement> out = new ArrayList<>(owners.length);
        for (int p = 0; p < owners.length; p++) {
            out.add(PartitionPlacement.newBuilder().setPartitionId(p).setAgentId(owners[p]).setVertices(vertices[p]).setEdges(edges[p])
                    .setMoves(moves[p]).build());
        }
        return out;
    }
}
