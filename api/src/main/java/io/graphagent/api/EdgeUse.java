package io.graphagent.api;

/**
 * Which edges of a directed graph a vertex program reads, so that a runner holding part of
 * the graph keeps only those ({@link ProgramShape#edgeUse()}). An undirected graph has one
 * adjacency, kept whatever the program declares.
 */
public enum EdgeUse {
    /** Out- and in-edges: programs that read neighbours both ways, or whose broadcasts may be pushed. */
    OUT_AND_IN(true),
    /**
     * In-edges and each vertex's out-degree, no out-edge targets: for programs that read no
     * out-neighbour and, in every superstep in which they broadcast, broadcast from every vertex
     * with out-edges (so a runner always pulls them: broadcasts are gathered over
     * in-edges, never pushed along out-edges). PageRank is one.
     */
    IN_AND_OUT_DEGREES(false);

    private final boolean outTargets;

    EdgeUse(boolean outTargets) {
        this.outTargets = outTargets;
    }

    /** Whether the targets of out-edges (not only their number per vertex) are read. */
    public boolean outTargets() {
        return outTargets;
    }
}
