package io.graphagent.agent.resident;

import io.graphagent.graph.partition.BlockRanges;
import io.graphagent.graph.partition.GraphShare;
import io.graphagent.graph.partition.IdBlocks;
import io.graphagent.graph.partition.Partitioning;
import io.graphagent.protocol.v1.GraphLayout;

/**
 * One resident graph on this agent: its name, its generation (the job epoch of its load; a
 * request of another generation is refused), how it is cut, and what this agent holds of it
 * ({@link Holdings}, replaced whole on every change). Thread-safe: queries read
 * {@link #holdings()} from any thread; changes come from the agent's job thread.
 */
public final class ResidentGraph {
    private final String name;
    private final long generation;
    private final Partitioning partitioning;
    private final boolean directed;
    private final boolean weighted;
    private final long numEdges;
    private final boolean denseIds;
    private volatile Holdings holdings;

    ResidentGraph(String name, long generation, Partitioning partitioning, boolean directed, boolean weighted,
                  long numEdges, boolean denseIds) {
        this.name = name;
        this.generation = generation;
        this.partitioning = partitioning;
        this.directed = directed;
        this.weighted = weighted;
        this.numEdges = numEdges;
        this.denseIds = denseIds;
        this.holdings = Holdings.empty(partitioning.count());
    }

    /** A graph cut as {@code layout} says, holding nothing yet. */
    static ResidentGraph of(String name, long generation, GraphLayout layout) {
        IdBlocks blocks = new IdBlocks(layout.getBlockShift(), layout.getBlockOffset(), layout.getBlockCount());
        BlockRanges ranges = new BlockRanges(blocks, layout.getFirstBlockList().stream().mapToInt(Integer::intValue).toArray());
        Partitioning partitioning = new Partitioning(ranges, layout.getFirstVertexList().stream().mapToInt(Integer::intValue)
                .toArray());
        return new ResidentGraph(name, generation, partitioning, layout.getDirected(), layout.getWeighted(),
                layout.getEdges(), layout.getDenseIds());
    }

    /** The layout every agent needs to hold a replica of this graph. */
    public static GraphLayout layoutOf(GraphShare share, boolean denseIds) {
        Partitioning p = share.partitioning();
        GraphLayout.Builder layout = GraphLayout.newBuilder().setDirected(share.directed()).setWeighted(share.weighted())
                .setEdges(share.numEdges()).setBlockShift(p.blocks().shift()).setBlockOffset(p.blocks().offset())
                .setBlockCount(p.blocks().count()).setDenseIds(denseIds);
        for (int b : p.firstBlocks()) {
            layout.addFirstBlock(b);
        }
        for (int v : p.firstVertices()) {
            layout.addFirstVertex(v);
        }
        return layout.build();
    }

    public String name() { return name; }

    public long generation() { return generation; }

    public Partitioning partitioning() { return partitioning; }

    public boolean directed() { return directed; }

    public boolean weighted() { return weighted; }

    public long numEdges() { return numEdges; }

    /** Original ids are the dense ids 0..n-1. */
    public boolean denseIds() { return denseIds; }

    /** What this agent holds now; one consistent snapshot. */
    public Holdings holdings() {
        return holdings;
    }

    /**
     * A share of exactly {@code partitions} for a batch job: the held share itself when one
     * holds exactly them (the load's share, typically), else one laid out afresh from the
     * replicas held.
     *
     * @throws IllegalArgumentException when some partition is not held
     */
    public GraphShare shareOf(int[] partitions) {
        Holdings now = holdings;
        int[] sorted = partitions.clone();
        java.util.Arrays.sort(sorted);
        for (GraphShare share : now.shares()) {
            if (java.util.Arrays.equals(share.owned(), sorted)) {
                return share;
            }
        }
        return ShareFromChunks.merge(this, now, sorted);
    }

    synchronized void add(GraphShare share) {
        if (!share.partitioning().equals(partitioning)) {
            throw new IllegalArgumentException("a share of another cut of graph " + name);
        }
        holdings = holdings.with(share);
    }

    synchronized void drop(int[] partitions) {
        holdings = holdings.without(partitions);
    }
}
