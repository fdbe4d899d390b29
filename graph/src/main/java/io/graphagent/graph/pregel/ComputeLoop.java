package io.graphagent.graph.pregel;

import io.graphagent.api.Combiner;
import io.graphagent.api.VertexProgram;
import io.graphagent.graph.partition.GraphShare;

/**
 * The compute phase of one partition: which members run the program (active or messaged) and,
 * with a combiner, the one message each gets, folded from its inbox and, in a dense superstep,
 * from its neighbours' broadcasts pulled over edges. The program sees the members through
 * one {@link VertexCursor} and one {@link MessageCursor}, repositioned for each vertex. Used
 * by one thread at a time.
 */
final class ComputeLoop {
    private final EngineState s;
    /** Slots of the members: first .. end-1. */
    private final int first;
    private final int end;
    private final int[] outOffsets;
    private final int[] outTargets;
    private final double[] outWeights;
    private final int[] inOffsets;
    private final int[] inSources;
    private final double[] inWeights;
    private final VertexCursor cursor;
    private final MessageCursor messages;

    // The broadcasts this phase reads (the previous superstep's) and writes.
    private double[] readValue;
    private boolean[] readFlag;
    private boolean[] writeFlag;

    // Counters of the last phase, read by the driver after it.
    long computed;
    long stillActive;

    ComputeLoop(EngineState state, int first, int end, VertexCursor cursor, MessageCursor messages) {
        GraphShare share = state.share;
        this.s = state;
        this.first = first;
        this.end = end;
        this.outOffsets = share.outOffsets();
        this.outTargets = share.outTargets();
        this.outWeights = share.outWeights();
        this.inOffsets = share.inOffsets();
        this.inSources = share.inSources();
        this.inWeights = share.inWeights();
        this.cursor = cursor;
        this.messages = messages;
    }

    /** Runs the phase: every member that is active or messaged runs the program once. */
    void run() {
        computed = 0;
        stillActive = 0;
        readValue = s.broadcastValue[s.cur];
        readFlag = s.broadcastFlag[s.cur];
        writeFlag = s.broadcastFlag[s.next()];
        if (s.combiner == null) {
            computeUncombined();
        } else if (sumsEveryInNeighbour()) {
            computeSummed();
        } else {
            computeCombined();
        }
    }

    /** Whether each member's message is the plain sum of every in-neighbour's broadcast (PageRank's pull). */
    private boolean sumsEveryInNeighbour() {
        return s.pull && s.pullFromAll && s.combiner == Combiner.SUM && !s.addWeight && s.outOnly() && !s.longMessages;
    }

    /**
     * The compute loop when every member's message is the sum of its in-neighbours' broadcasts
     * (PageRank), with the pull inline. A method of its own, apart from {@link #computeCombined}:
     * the JIT profiles a call site per method, so a job of another kernel on a long-lived agent
     * (WCC pulls with MIN through {@code computeCombined}) neither deoptimises this loop nor
     * makes its {@code program.compute} call polymorphic, and each loop is a smaller compile
     * (docs/performance.md, branch prjit). The tail after the pull is repeated in both loops on
     * purpose: a shared helper would share one profile again.
     */
    private void computeSummed() {
        VertexProgram program = s.program;
        VertexCursor cursor = this.cursor;
        MessageCursor messages = this.messages;
        boolean[] halted = s.halted;
        boolean[] inboxHas = s.inboxHas;
        double[] inboxValue = s.inboxValue;
        boolean[] clearFlag = writeFlag;
        double[] pulled = readValue;
        int[] sources = inSources;
        int[] offsets = inOffsets;
        double identity = s.identity();
        long computedHere = 0;
        long activeHere = 0;
        for (int vertex = first, last = end; vertex < last; vertex++) {
            clearFlag[vertex] = false;
            boolean has = inboxHas[vertex];
            int e0 = offsets[vertex];
            int e1 = offsets[vertex + 1];
            double acc = (has ? inboxValue[vertex] : identity) + sum(pulled, sources, e0, e1);
            has |= e1 > e0;
            if (halted[vertex] && !has) {
                continue;
            }
            halted[vertex] = false;
            cursor.v = vertex;
            messages.combinedHas = has;
            messages.combinedValue = acc;
            computedHere++;
            program.compute(cursor, messages);
            if (!halted[vertex]) {
                activeHere++;
            }
        }
        computed = computedHere;
        stillActive = activeHere;
    }

    /**
     * The compute loop for combined messages other than {@link #computeSummed}'s: pushed only,
     * or pulled with a fold per edge direction. Engine fields are read into locals once (the
     * program call would otherwise force a reload per vertex).
     */
    private void computeCombined() {
        VertexProgram program = s.program;
        VertexCursor cursor = this.cursor;
        MessageCursor messages = this.messages;
        boolean[] halted = s.halted;
        boolean[] inboxHas = s.inboxHas;
        double[] inboxValue = s.inboxValue;
        boolean[] clearFlag = writeFlag;
        double identity = s.identity();
        boolean pull = s.pull;
        long computedHere = 0;
        long activeHere = 0;
        for (int vertex = first, last = end; vertex < last; vertex++) {
            clearFlag[vertex] = false;
            boolean has = inboxHas[vertex];
            double acc = has ? inboxValue[vertex] : identity;
            if (pull) {
                if (s.pullIn && foldEdges(inSources, inWeights, inOffsets[vertex], inOffsets[vertex + 1]) > 0) {
                    acc = has ? s.combine(acc, foldResult) : foldResult;
                    has = true;
                }
                if (s.pullOut
                        && foldEdges(outTargets, outWeights, outOffsets[vertex], outOffsets[vertex + 1]) > 0) {
                    acc = has ? s.combine(acc, foldResult) : foldResult;
                    has = true;
                }
            }
            if (halted[vertex] && !has) {
                continue;
            }
            halted[vertex] = false;
            cursor.v = vertex;
            messages.combinedHas = has;
            messages.combinedValue = acc;
            computedHere++;
            program.compute(cursor, messages);
            if (!halted[vertex]) {
                activeHere++;
            }
        }
        computed = computedHere;
        stillActive = activeHere;
    }

    /** Sum of {@code values[index[e]]} for e in [from, to): the PageRank pull, kept small so the JIT unrolls it. */
    private static double sum(double[] values, int[] index, int from, int to) {
        double acc = 0;
        for (int e = from; e < to; e++) {
            acc += values[index[e]];
        }
        return acc;
    }

    private void computeUncombined() {
        VertexProgram program = s.program;
        VertexCursor cursor = this.cursor;
        MessageCursor messages = this.messages;
        boolean[] halted = s.halted;
        for (int vertex = first; vertex < end; vertex++) {
            writeFlag[vertex] = false;
            cursor.v = vertex;
            boolean messaged = messages.positionUncombined(vertex, vertex - first);
            if (halted[vertex] && !messaged) {
                continue;
            }
            halted[vertex] = false;
            computed++;
            program.compute(cursor, messages);
            if (!halted[vertex]) {
                stillActive++;
            }
        }
    }

    private double foldResult;

    /**
     * Folds the broadcasts of the neighbours {@code ends[e0..e1)} into {@link #foldResult};
     * returns how many were folded. One loop per combiner so each stays a tight primitive loop.
     */
    private long foldEdges(int[] ends, double[] weights, int e0, int e1) {
        boolean all = s.pullFromAll && s.outOnly();
        if (s.longMessages) {
            return foldLongEdges(ends, e0, e1, all);
        }
        boolean addWeight = s.addWeight;
        long count = 0;
        double acc = s.combiner.identity();
        switch (s.combiner) {
            case SUM -> {
                for (int e = e0; e < e1; e++) {
                    int u = ends[e];
                    if (all || readFlag[u]) {
                        acc += addWeight ? readValue[u] + weights[e] : readValue[u];
                        count++;
                    }
                }
            }
            case MIN -> {
                for (int e = e0; e < e1; e++) {
                    int u = ends[e];
                    if (all || readFlag[u]) {
                        acc = Math.min(acc, addWeight ? readValue[u] + weights[e] : readValue[u]);
                        count++;
                    }
                }
            }
            case MAX -> {
                for (int e = e0; e < e1; e++) {
                    int u = ends[e];
                    if (all || readFlag[u]) {
                        acc = Math.max(acc, addWeight ? readValue[u] + weights[e] : readValue[u]);
                        count++;
                    }
                }
            }
        }
        foldResult = acc;
        return count;
    }

    /** {@link #foldEdges} for long messages (raw bits; never weighted). */
    private long foldLongEdges(int[] ends, int e0, int e1, boolean all) {
        Combiner op = s.combiner;
        long count = 0;
        long acc = op.longIdentity();
        for (int e = e0; e < e1; e++) {
            int u = ends[e];
            if (all || readFlag[u]) {
                long m = Double.doubleToRawLongBits(readValue[u]);
                acc = switch (op) {
                    case SUM -> acc + m;
                    case MIN -> Math.min(acc, m);
                    case MAX -> Math.max(acc, m);
                };
                count++;
            }
        }
        foldResult = Double.longBitsToDouble(acc);
        return count;
    }
}
