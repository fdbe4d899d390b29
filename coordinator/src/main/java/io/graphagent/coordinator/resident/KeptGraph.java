package io.graphagent.coordinator.resident;

import io.graphagent.graph.partition.BlockRanges;
import io.graphagent.graph.partition.IdBlocks;
import io.graphagent.graph.partition.Partitioning;
import io.graphagent.protocol.v1.ExtraReplica;
import io.graphagent.protocol.v1.GraphLayout;
import io.graphagent.protocol.v1.ReplicaMemory;
import io.graphagent.protocol.v1.ResidentGraph;
import io.graphagent.protocol.v1.ResidentState;
import io.graphagent.protocol.v1.StoredGraph;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The coordinator's record of one resident graph: its state, its figures, its cut, which
 * agents hold each partition (and which of them hold a hot partition's extra replica), and
 * each agent's memory for it. Guarded by the {@link KeptGraphs} lock; what queries read
 * is the {@link GraphView} it publishes.
 */
final class KeptGraph {
    final String name;
    final String jobId;
    final String source;
    final int replicas;
    final long acceptedMs;
    ResidentState state = ResidentState.GRAPH_LOADING;
    String message = "loading";
    boolean directed;
    boolean weighted;
    long vertices;
    long edges;
    long generation;
    long loadedMs;
    GraphLayout layout;
    Partitioning partitioning;
    /** Agents holding each partition; empty before the load. */
    List<TreeSet<String>> holders = List.of();
    /** The agent holding each partition's extra (hot) replica, or null. */
    String[] extra = new String[0];
    /** When each partition's extra replica was wanted or adopted ({@link HotReplicas}), ms of the injected clock. */
    long[] extraSince = new long[0];
    /** The extra replicas as the store last recorded them ({@link GraphRecordWriter}). */
    List<ExtraReplica> recordedExtras = List.of();
    /** Bytes each agent holds for the graph, as it last reported. */
    final Map<String, Long> bytes = new TreeMap<>();
    /**
     * Taken over from the store after a coordinator restart and still waiting for its agents to
     * report their replicas ({@link GraphRestore}): no copies are made, jobs on it wait.
     */
    boolean restoring;

    KeptGraph(String name, String jobId, String source, int replicas, long acceptedMs) {
        this.name = name;
        this.jobId = jobId;
        this.source = source;
        this.replicas = replicas;
        this.acceptedMs = acceptedMs;
    }

    /**
     * The graph a store recorded: a loaded one restoring (no holders until its agents report
     * them) with its recorded extra replicas, kept from the end of the restore ({@link
     * #settleExtras}); a failed one failed, and one whose load a restart cut short failed with
     * the fix.
     */
    static KeptGraph restored(StoredGraph record) {
        KeptGraph g = new KeptGraph(record.getName(), ResidentGraphs.jobIdOf(record.getName()), record.getSource(),
                record.getReplicas(), record.getAcceptedTimeMs());
        g.generation = record.getGeneration();
        if (record.getState() == ResidentState.GRAPH_READY && record.hasLayout()) {
            g.cut(record.getLayout(), record.getLoadedTimeMs());
            g.holders = new ArrayList<>();
            for (int p = 0; p < g.extra.length; p++) {
                g.holders.add(new TreeSet<>());
            }
            for (ExtraReplica e : record.getExtraReplicasList()) {
                if (e.getPartition() < g.extra.length) {
                    g.extra[e.getPartition()] = e.getAgentId();
                }
            }
            g.recordedExtras = g.extras();
            g.restoring = true;
            g.message = "restoring after a coordinator restart: waiting for the agents to report their replicas";
        } else {
            g.state = ResidentState.GRAPH_FAILED;
            g.message = record.getState() == ResidentState.GRAPH_FAILED ? record.getMessage()
                    : "the coordinator restarted while the graph loaded. Fix: graphagent graph drop " + record.getName()
                    + ", then load it again";
        }
        return g;
    }

    /** The record of this graph for the store. */
    StoredGraph toRecord() {
        StoredGraph.Builder r = StoredGraph.newBuilder().setName(name).setSource(source).setReplicas(replicas)
                .setGeneration(generation).setAcceptedTimeMs(acceptedMs).setLoadedTimeMs(loadedMs);
        if (state == ResidentState.GRAPH_FAILED) {
            r.setState(ResidentState.GRAPH_FAILED).setMessage(message);
        } else if (layout != null) {
            r.setState(ResidentState.GRAPH_READY).setLayout(layout).addAllExtraReplicas(extras());
        } else {
            r.setState(ResidentState.GRAPH_LOADING);
        }
        return r.build();
    }

    /** Takes the cut and the first holders of a load that succeeded. */
    void loaded(long generation, GraphLayout layout, String[] ownerOf, long loadedMs) {
        this.generation = generation;
        cut(layout, loadedMs);
        List<TreeSet<String>> h = new ArrayList<>();
        for (String owner : ownerOf) {
            h.add(new TreeSet<>(Set.of(owner)));
        }
        this.holders = h;
    }

    /** Takes the cut of the graph: layout, figures, partitioning; no holder yet. */
    private void cut(GraphLayout layout, long loadedMs) {
        this.layout = layout;
        this.directed = layout.getDirected();
        this.weighted = layout.getWeighted();
        this.edges = layout.getEdges();
        IdBlocks blocks = new IdBlocks(layout.getBlockShift(), layout.getBlockOffset(), layout.getBlockCount());
        this.partitioning = new Partitioning(new BlockRanges(blocks,
                layout.getFirstBlockList().stream().mapToInt(Integer::intValue).toArray()),
                layout.getFirstVertexList().stream().mapToInt(Integer::intValue).toArray());
        this.vertices = partitioning.numVertices();
        this.extra = new String[layout.getFirstVertexCount() - 1];
        this.extraSince = new long[extra.length];
        this.loadedMs = loadedMs;
    }

    /** The extra replicas now, by partition. */
    List<ExtraReplica> extras() {
        List<ExtraReplica> out = new ArrayList<>();
        for (int p = 0; p < extra.length; p++) {
            if (extra[p] != null) {
                out.add(ExtraReplica.newBuilder().setPartition(p).setAgentId(extra[p]).build());
            }
        }
        return out;
    }

    /**
     * At the end of a restore: forgets each recorded extra replica its agent did not give back
     * (the agent did not come back, or no longer holds it), and keeps the others from {@code
     * nowMillis} as if just made. Queries reach the graph only from now on, so a partition still
     * hot shows its heat only now: counted from the restart instead, a restore longer than
     * {@code query.cool-after} would give the extra replica back at once and copy it again as
     * soon as the heat shows. Returns the partitions whose extra replica was forgotten.
     */
    List<Integer> settleExtras(long nowMillis) {
        List<Integer> forgotten = new ArrayList<>();
        for (int p = 0; p < extra.length; p++) {
            if (extra[p] == null) {
                continue;
            }
            if (holders.get(p).contains(extra[p])) {
                extraSince[p] = nowMillis;
            } else {
                extra[p] = null;
                forgotten.add(p);
            }
        }
        return forgotten;
    }

    boolean ready() {
        return layout != null && state != ResidentState.GRAPH_FAILED;
    }

    /** Live holders of each partition. */
    List<List<String>> liveHolders(Collection<String> live) {
        List<List<String>> out = new ArrayList<>();
        for (TreeSet<String> h : holders) {
            out.add(h.stream().filter(live::contains).toList());
        }
        return out;
    }

    /** Forgets every replica {@code agent} held. Returns whether it held any. */
    boolean lost(String agent) {
        boolean held = false;
        for (int p = 0; p < holders.size(); p++) {
            held |= holders.get(p).remove(agent);
            if (agent.equals(extra[p])) {
                extra[p] = null;
            }
        }
        bytes.remove(agent);
        return held;
    }

    /** Partitions {@code agent} holds. */
    List<Integer> heldBy(String agent) {
        List<Integer> out = new ArrayList<>();
        for (int p = 0; p < holders.size(); p++) {
            if (holders.get(p).contains(agent)) {
                out.add(p);
            }
        }
        return out;
    }

    /** Sets the state from the live holders: UNAVAILABLE without any for some partition, DEGRADED with fewer than asked. */
    void judge(Collection<String> live) {
        if (!ready()) {
            return;
        }
        int want = Math.min(replicas, Math.max(1, live.size()));
        int missing = -1;
        int short_ = -1;
        for (int p = 0; p < holders.size(); p++) {
            long n = holders.get(p).stream().filter(live::contains).count();
            if (n == 0 && missing < 0) {
                missing = p;
            } else if (n < want && short_ < 0) {
                short_ = p;
            }
        }
        if (missing >= 0) {
            state = ResidentState.GRAPH_UNAVAILABLE;
            message = "partition " + missing + " has no live replica: queries touching it fail. Fix: start the agent that"
                    + " held it, or graph drop " + name + " and load it again";
        } else if (short_ >= 0) {
            state = ResidentState.GRAPH_DEGRADED;
            message = "partition " + short_ + " has fewer than " + want + " live replicas: copying on the survivors";
        } else {
            state = ResidentState.GRAPH_READY;
            message = "ready: " + holders.size() + " partitions, " + want + " replica" + (want == 1 ? "" : "s") + " each";
        }
    }

    GraphView view() {
        List<List<String>> h = new ArrayList<>();
        for (TreeSet<String> s : holders) {
            h.add(List.copyOf(s));
        }
        return new GraphView(name, generation, state, partitioning, directed, layout != null && layout.getDenseIds(),
                List.copyOf(h));
    }

    ResidentGraph toProto() {
        ResidentGraph.Builder g = ResidentGraph.newBuilder().setName(name).setState(state).setMessage(message)
                .setSource(source).setDirected(directed).setWeighted(weighted).setVertices(vertices).setEdges(edges)
                .setPartitions(holders.size()).setReplicas(replicas).setLoadedTimeMs(loadedMs).setGeneration(generation);
        Set<String> agents = new TreeSet<>(bytes.keySet());
        holders.forEach(agents::addAll);
        for (String agent : agents) {
            g.addMemory(ReplicaMemory.newBuilder().setAgentId(agent).addAllPartitionIds(heldBy(agent))
                    .setBytes(bytes.getOrDefault(agent, 0L)));
        }
        return g.build();
    }
}
