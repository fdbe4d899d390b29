package io.graphagent.coordinator.job;

import io.graphagent.graph.pregel.Delivery;
import io.graphagent.protocol.v1.StoredCheckpoint;
import io.graphagent.protocol.v1.StoredHolders;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a complete checkpoint holds on the coordinator's side. Immutable.
 *
 * @param superstep  the superstep it was taken after; the job resumes at superstep + 1
 * @param directory  the Checkpoint.directory sent: absolute (shared) or job-relative (peer copy)
 * @param aggregates aggregator values after that superstep
 * @param delivery   the delivery of that superstep's exchange (what a restore pulls)
 * @param holders    who holds each partition's file (peer copy); null with a shared directory
 */
record CheckpointState(int superstep, String directory, double[] aggregates, Delivery delivery,
                       CheckpointHolders holders) {

    CheckpointState withHolders(CheckpointHolders h) {
        return new CheckpointState(superstep, directory, aggregates, delivery, h);
    }

    /** For the job's record, holders included, so a restarted coordinator can restore peer copies. */
    StoredCheckpoint toProto() {
        StoredCheckpoint.Builder p = StoredCheckpoint.newBuilder().setSuperstep(superstep).setDirectory(directory)
                .setPull(delivery.pull()).setPullFromAll(delivery.pullFromAll()).setPeerCopy(holders != null);
        for (double v : aggregates) {
            p.addAggregates(v);
        }
        if (holders != null) {
            holders.asMap().forEach((partition, agents) -> p.addHolders(
                    StoredHolders.newBuilder().setPartitionId(partition).addAllAgentIds(agents)));
        }
        return p.build();
    }

    static CheckpointState fromProto(StoredCheckpoint p) {
        CheckpointHolders holders = null;
        if (p.getPeerCopy()) {
            Map<Integer, List<String>> recorded = new TreeMap<>();
            for (StoredHolders h : p.getHoldersList()) {
                recorded.put(h.getPartitionId(), h.getAgentIdsList());
            }
            holders = CheckpointHolders.of(recorded);
        }
        return new CheckpointState(p.getSuperstep(), p.getDirectory(),
                p.getAggregatesList().stream().mapToDouble(Double::doubleValue).toArray(),
                new Delivery(p.getPull(), p.getPullFromAll()), holders);
    }
}
