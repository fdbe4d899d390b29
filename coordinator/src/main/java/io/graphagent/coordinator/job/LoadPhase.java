package io.graphagent.coordinator.job;

import io.graphagent.graph.load.GraphLoader;
import io.graphagent.graph.partition.BlockWeights;
import io.graphagent.graph.partition.IdBlocks;
import io.graphagent.protocol.PackedArrays;
import io.graphagent.protocol.v1.Algorithm;
import io.graphagent.protocol.v1.BuildPartitions;
import io.graphagent.protocol.v1.Command;
import io.graphagent.protocol.v1.FailureKind;
import io.graphagent.protocol.v1.RebuildPartitions;
import io.graphagent.protocol.v1.InputTransfer;
import io.graphagent.protocol.v1.KernelParameters;
import io.graphagent.protocol.v1.LoadDone;
import io.graphagent.protocol.v1.LoadPartitions;
import io.graphagent.protocol.v1.LoadScanned;
import io.graphagent.protocol.v1.Report;
import io.graphagent.protocol.v1.ShuffleDone;
import io.graphagent.protocol.v1.ShufflePartitions;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads a job's graph onto a placement, partitioned: each agent parses only its splits of the
 * input and keeps only its partitions. Three steps, each a command to every participant and a
 * barrier on their reports:
 * <ol>
 *   <li>{@code LoadPartitions} (its splits, its partitions, the partition map) → {@code
 *       LoadScanned}: the agents' weights per id block, summed here and cut into partitions of
 *       about equal weight ({@link BlockWeights#split}), and the graph's smallest and largest id;</li>
 *   <li>{@code ShufflePartitions} (the partitions' id blocks) → {@code ShuffleDone}: every record
 *       is at its owner, which counts its partitions' vertices;</li>
 *   <li>{@code BuildPartitions} (the first dense id of each partition: the counts summed in
 *       partition order) → {@code LoadDone}.</li>
 * </ol>
 * Every participant loads, also in a recovery (the lost agent's records are in every survivor's
 * splits). Driver thread only.
 */
final class LoadPhase implements ShareSource {
    private static final Logger log = LoggerFactory.getLogger(LoadPhase.class);

    private final String jobId;
    private final ResolvedJob job;
    private final InputTransfer transfer;
    private final Roster roster;
    private final CommandSender sender;
    private final ReportCollector collector;
    private final PartitionTable partitionTable;
    /** The resident graph the load keeps (`graph load`), or empty for a job's load. */
    private final String residentGraph;
    /** The whole graph's totals from the last load (sums over the agents); null before. */
    private LoadDone facts;
    /** Each agent's LoadDone of the last load, by agent id. */
    private Map<String, LoadDone> perAgent = Map.of();
    /** The cut of the last load: its id blocks and the first dense id of each partition. */
    private ShufflePartitions lastShuffle;
    private BuildPartitions lastBuild;
    /** Input bytes the agents read over every load of the job (a recovery's reload reads again). */
    private long bytesRead;

    /** @param transfer how the agents read the input (job.input-transfer) */
    LoadPhase(String jobId, ResolvedJob job, io.graphagent.config.InputTransfer transfer, Roster roster, CommandSender sender,
              ReportCollector collector, PartitionTable partitionTable) {
        this(jobId, job, transfer, roster, sender, collector, partitionTable, "");
    }

    /** @param residentGraph the name to keep the built shares under (a resident graph's load); empty for a job */
    LoadPhase(String jobId, ResolvedJob job, io.graphagent.config.InputTransfer transfer, Roster roster, CommandSender sender,
              ReportCollector collector, PartitionTable partitionTable, String residentGraph) {
        this.residentGraph = residentGraph;
        this.jobId = jobId;
        this.job = job;
        this.transfer = switch (transfer) {
            case AUTO -> InputTransfer.INPUT_TRANSFER_AUTO;
            case SHARED -> InputTransfer.INPUT_TRANSFER_SHARED;
            case STREAM -> InputTransfer.INPUT_TRANSFER_STREAM;
        };
        this.roster = roster;
        this.sender = sender;
        this.collector = collector;
        this.partitionTable = partitionTable;
    }

    /** Round robin at first and when agents joined; after a loss the survivors keep theirs. */
    @Override
    public Placement place(java.util.List<io.graphagent.coordinator.membership.AgentView> alive, int partitions,
                           Placement previous, boolean redeal) {
        return previous == null || redeal ? Placement.roundRobin(alive, partitions)
                : Placement.keepingSurvivors(previous, alive);
    }

    /**
     * Places the partitions as {@code placement} says and has every participant load its share.
     * Returns the whole graph's totals.
     *
     * @param loaded unused: every participant loads again (kept for the recovery's call)
     */
    @Override
    public LoadDone load(Placement placement, Set<String> loaded) throws JobFailedException {
        roster.place(placement);
        partitionTable.place(placement);
        List<String> agents = roster.participants();
        Map<String, Report> scans = scan(placement, agents);
        ShufflePartitions shuffle = cut(placement.partitions(), scans);
        for (String agent : agents) {
            sender.send(agent, Command.newBuilder().setShufflePartitions(shuffle));
        }
        Map<String, Report> shuffled = collector.await(Report.KindCase.SHUFFLE_DONE, -1, agents, collector.phaseDeadline());
        BuildPartitions build = number(placement.partitions(), shuffle, scans, shuffled);
        for (String agent : agents) {
            sender.send(agent, Command.newBuilder().setBuildPartitions(build));
        }
        Map<String, Report> loads = collector.await(Report.KindCase.LOAD_DONE, -1, agents, collector.phaseDeadline());
        loads.values().forEach(r -> partitionTable.loaded(r.getLoadDone()));
        facts = totals(loads, scans);
        bytesRead += facts.getBytesRead();
        facts = facts.toBuilder().setBytesRead(bytesRead).build();
        Map<String, LoadDone> byAgent = new java.util.TreeMap<>();
        loads.forEach((agent, r) -> byAgent.put(agent, r.getLoadDone()));
        perAgent = byAgent;
        lastShuffle = shuffle;
        lastBuild = build;
        log.info("event=graph_loaded job={} agents={} partitions={} vertices={} edges={} bytes_read={} edges_shipped={}"
                + " dense_ids={}", jobId, agents.size(), placement.partitions(), facts.getVertices(), build.getEdges(),
                facts.getBytesRead(), facts.getEdgesShipped(), build.getDenseIds());
        return facts;
    }

    private Map<String, Report> scan(Placement placement, List<String> agents) throws JobFailedException {
        Map<String, List<Integer>> byAgent = placement.partitionsByAgent();
        for (int i = 0; i < agents.size(); i++) {
            String agent = agents.get(i);
            LoadPartitions.Builder load = LoadPartitions.newBuilder()
                    .setInput(job.input()).setPartitions(placement.partitions()).setTransfer(transfer)
                    .addAllPartitionIds(byAgent.get(agent)).setPartitionMap(placement.toProto())
                    .setResidentGraph(residentGraph);
            if (job.algorithm() != null) {
                load.setAlgorithm(Algorithm.valueOf(job.algorithm().name())).setParameters(KernelParameters.newBuilder()
                        .setSourceVertex(job.parameters().sourceVertex()).setIterations(job.parameters().iterations())
                        .setDamping(job.parameters().damping()));
            } else if (job.program() != null) {
                load.setProgram(job.program().ref()).putAllProgramParameters(job.program().parameters());
            }
            try {
                load.addAllSplits(InputSplits.of(job.input(), i, agents.size()));
            } catch (IOException e) {
                throw new JobFailedException("input_unreadable", "cannot read the size of the input "
                        + job.input().getEdgeFile() + ": " + e.getMessage());
            }
            sender.send(agent, Command.newBuilder().setLoadPartitions(load));
        }
        return collector.await(Report.KindCase.LOAD_SCANNED, -1, agents, collector.phaseDeadline());
    }

    /**
     * Has every participant build its share from the structure files (RebuildPartitions): no
     * input read, no shuffle. The graph's figures stay those of the last load, with the
     * partitions' new owners. Returns false, having logged why, when there was no load before
     * (the figures of the input would be missing: a restarted coordinator loads) or some agent
     * answered STRUCTURE_UNAVAILABLE.
     */
    @Override
    public boolean rebuild(Placement placement, String directory, Map<String, Map<Integer, String>> fetches)
            throws JobFailedException {
        if (facts == null || (job.algorithm() == null && job.program() == null)) {
            log.info("event=structure_unused job={} policy=reload reason=\"{}\"", jobId, facts == null
                    ? "no load's figures of the input in this coordinator (it restarted)" : "a resident graph's load");
            return false;
        }
        roster.place(placement);
        partitionTable.place(placement);
        List<String> agents = roster.participants();
        Map<String, List<Integer>> byAgent = placement.partitionsByAgent();
        for (String agent : agents) {
            RebuildPartitions.Builder order = RebuildPartitions.newBuilder()
                    .setPartitions(placement.partitions()).addAllPartitionIds(byAgent.get(agent))
                    .setPartitionMap(placement.toProto()).setDirectory(directory)
                    .putAllReplicaAddresses(fetches.getOrDefault(agent, Map.of()));
            if (job.algorithm() != null) {
                order.setAlgorithm(Algorithm.valueOf(job.algorithm().name())).setParameters(KernelParameters.newBuilder()
                        .setSourceVertex(job.parameters().sourceVertex()).setIterations(job.parameters().iterations())
                        .setDamping(job.parameters().damping()));
            } else {
                order.setProgram(job.program().ref()).putAllProgramParameters(job.program().parameters());
            }
            sender.send(agent, Command.newBuilder().setRebuildPartitions(order));
        }
        Map<String, Report> answers = collector.await(Expectation.of(Report.KindCase.LOAD_DONE, -1, agents)
                .tolerating(FailureKind.STRUCTURE_UNAVAILABLE), collector.phaseDeadline());
        List<String> refused = new ArrayList<>();
        answers.forEach((agent, r) -> {
            if (r.hasFailure()) {
                refused.add(agent + ": " + r.getFailure().getMessage());
            }
        });
        if (!refused.isEmpty()) {
            log.warn("event=structure_unavailable job={} policy=reload detail=\"{}\"", jobId, String.join("; ", refused));
            return false;
        }
        answers.values().forEach(r -> partitionTable.loaded(r.getLoadDone()));
        LoadDone shares = totals(answers, Map.of());
        Map<String, LoadDone> byAgentDone = new java.util.TreeMap<>();
        answers.forEach((agent, r) -> byAgentDone.put(agent, r.getLoadDone()));
        perAgent = byAgentDone;
        facts = facts.toBuilder().clearPartitionIds().addAllPartitionIds(shares.getPartitionIdsList())
                .putAllPartitionVertices(shares.getPartitionVerticesMap()).putAllPartitionEdges(shares.getPartitionEdgesMap())
                .setMirrors(shares.getMirrors()).setShareBytes(shares.getShareBytes()).build();
        log.info("event=graph_rebuilt job={} agents={} partitions={} source=structure directory={} fetched_from_peers={}"
                + " share_bytes={}", jobId, agents.size(), placement.partitions(), directory,
                fetches.values().stream().mapToInt(Map::size).sum(), shares.getShareBytes());
        return true;
    }

    /** Sums the agents' block weights and cuts the blocks into partitions. */
    private static ShufflePartitions cut(int partitions, Map<String, Report> scans) {
        long min = Long.MAX_VALUE;
        long max = -1;
        for (Report r : scans.values()) {
            LoadScanned s = r.getLoadScanned();
            if (s.getVertexRecords() + s.getEdgeRecords() > 0) {
                min = Math.min(min, s.getMinId());
                max = Math.max(max, s.getMaxId());
            }
        }
        IdBlocks blocks = max < 0 ? IdBlocks.covering(0, 0) : IdBlocks.covering(min, max);
        List<BlockWeights> parts = new ArrayList<>();
        for (Report r : scans.values()) {
            LoadScanned s = r.getLoadScanned();
            int count = s.getBlockWeights().size() / Long.BYTES;
            if (count > 0) {
                long[] weights = new long[count];
                PackedArrays.unpackLongs(s.getBlockWeights(), count, weights);
                parts.add(BlockWeights.of(new IdBlocks(s.getBlockShift(), s.getBlockOffset(), count), weights));
            }
        }
        int[] firstBlock = BlockWeights.merge(blocks, parts).split(partitions);
        ShufflePartitions.Builder shuffle = ShufflePartitions.newBuilder().setBlockShift(blocks.shift())
                .setBlockOffset(blocks.offset()).setBlockCount(blocks.count()).setNarrowIds(max <= Integer.MAX_VALUE);
        for (int b : firstBlock) {
            shuffle.addFirstBlock(b);
        }
        return shuffle.build();
    }

    /** The first dense id of every partition: the vertices the owners counted, summed in partition order. */
    private BuildPartitions number(int partitions, ShufflePartitions shuffle, Map<String, Report> scans,
                                   Map<String, Report> shuffled) throws JobFailedException {
        long[] counts = new long[partitions];
        for (Report r : shuffled.values()) {
            for (Map.Entry<Integer, Long> e : r.getShuffleDone().getPartitionVerticesMap().entrySet()) {
                counts[e.getKey()] = e.getValue();
            }
        }
        BuildPartitions.Builder build = BuildPartitions.newBuilder();
        long n = 0;
        for (int p = 0; p < partitions; p++) {
            build.addFirstVertex((int) Math.min(n, Integer.MAX_VALUE));
            n += counts[p];
        }
        if (n > GraphLoader.MAX_VERTICES) {
            throw new JobFailedException("too_many_vertices", "the graph " + job.input().getEdgeFile() + " has " + n
                    + " vertices, more than the " + GraphLoader.MAX_VERTICES + " one graph can hold (dense ids are ints)."
                    + " Fix: split the graph");
        }
        build.addFirstVertex((int) n);
        long min = Long.MAX_VALUE;
        long max = -1;
        long edges = 0;
        for (Report r : scans.values()) {
            LoadScanned s = r.getLoadScanned();
            edges += s.getEdgeRecords();
            if (s.getVertexRecords() + s.getEdgeRecords() > 0) {
                min = Math.min(min, s.getMinId());
                max = Math.max(max, s.getMaxId());
            }
        }
        return build.setDenseIds(n == 0 || (min == 0 && max == n - 1)).setEdges(edges).build();
    }

    /** The whole graph's totals: the agents' LoadDone reports and scans summed. */
    static LoadDone totals(Map<String, Report> loads, Map<String, Report> scans) {
        LoadDone.Builder total = LoadDone.newBuilder();
        for (Report r : loads.values()) {
            LoadDone d = r.getLoadDone();
            total.addAllPartitionIds(d.getPartitionIdsList())
                    .setVertices(total.getVertices() + d.getVertices())
                    .setLoadTimeMs(Math.max(total.getLoadTimeMs(), d.getLoadTimeMs()))
                    .setEdgesShipped(total.getEdgesShipped() + d.getEdgesShipped())
                    .setEdgeSlots(total.getEdgeSlots() + d.getEdgeSlots())
                    .setVerticesWithOutEdges(total.getVerticesWithOutEdges() + d.getVerticesWithOutEdges())
                    .putAllPartitionVertices(d.getPartitionVerticesMap())
                    .putAllPartitionEdges(d.getPartitionEdgesMap())
                    .setIdBlocks(d.getIdBlocks())
                    .setMirrors(total.getMirrors() + d.getMirrors())
                    .setShareBytes(total.getShareBytes() + d.getShareBytes());
        }
        long edges = 0;
        for (Report r : scans.values()) {
            total.setBytesRead(total.getBytesRead() + r.getLoadScanned().getBytesRead());
            edges += r.getLoadScanned().getEdgeRecords();
        }
        // Edges of the input (an undirected edge once), not the entries the agents hold.
        total.setEdges(edges);
        return total.build();
    }

    /** The whole graph's totals from the last load; null before any. */
    @Override
    public LoadDone facts() {
        return facts;
    }

    /** Each agent's report of the last load, by agent id; empty before any. */
    Map<String, LoadDone> perAgent() {
        return perAgent;
    }

    /** The id blocks of the last load; null before any. */
    ShufflePartitions lastShuffle() {
        return lastShuffle;
    }

    /** The numbering of the last load; null before any. */
    BuildPartitions lastBuild() {
        return lastBuild;
    }
}
