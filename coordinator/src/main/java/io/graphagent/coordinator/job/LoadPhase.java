package io.graphagent.coordinator.job;

import io.graphagent.protocol.v1.Algorithm;
import io.graphagent.protocol.v1.Command;
import io.graphagent.protocol.v1.KernelParameters;
import io.graphagent.protocol.v1.LoadDone;
import io.graphagent.protocol.v1.LoadPartitions;
import io.graphagent.protocol.v1.Report;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Loads a job's graph onto a placement: every agent of the placement that does not hold the
 * job yet gets {@code LoadPartitions} (the resolved input, the kernel parameters, its
 * partitions and the partition map) and reports {@code LoadDone}. Used at the start and by
 * every recovery, for the agents new to the job. Driver thread only.
 */
final class LoadPhase {
    private final ResolvedJob job;
    private final Roster roster;
    private final CommandSender sender;
    private final ReportCollector collector;
    private final PartitionTable partitionTable;
    /** A LoadDone of the last load: the graph's edge slots and vertices with out-edges; null before. */
    private LoadDone facts;

    LoadPhase(ResolvedJob job, Roster roster, CommandSender sender, ReportCollector collector, PartitionTable partitionTable) {
        this.job = job;
        this.roster = roster;
        this.sender = sender;
        this.collector = collector;
        this.partitionTable = partitionTable;
    }

    /**
     * Places the partitions as {@code placement} says and has every agent of it that is not in
     * {@code loaded} load them. Returns one of the LoadDone reports, or null when every agent
     * held the job already.
     */
    LoadDone load(Placement placement, Set<String> loaded) throws JobFailedException {
        roster.place(placement);
        partitionTable.place(placement);
        KernelParameters params = KernelParameters.newBuilder().setSourceVertex(job.parameters().sourceVertex())
                .setIterations(job.parameters().iterations()).setDamping(job.parameters().damping()).build();
        Map<String, List<Integer>> byAgent = placement.partitionsByAgent();
        List<String> loading = roster.participants().stream().filter(a -> !loaded.contains(a)).toList();
        for (String agent : loading) {
            sender.send(agent, Command.newBuilder().setLoadPartitions(LoadPartitions.newBuilder()
                    .setAlgorithm(Algorithm.valueOf(job.algorithm().name()))
                    .setInput(job.input()).setParameters(params).setPartitions(placement.partitions())
                    .addAllPartitionIds(byAgent.get(agent)).setPartitionMap(placement.toProto())));
        }
        Map<String, Report> loads = collector.await(Report.KindCase.LOAD_DONE, -1, loading, collector.phaseDeadline());
        loads.values().forEach(r -> partitionTable.loaded(r.getLoadDone()));
        if (loads.isEmpty()) {
            return null;
        }
        facts = loads.values().iterator().next().getLoadDone();
        return facts;
    }

    /** A LoadDone of the last load that had one (the graph's totals); null before any. */
    LoadDone facts() {
        return facts;
    }
}
