package io.graphagent.graph.pregel;

import io.graphagent.api.Combiner;
import io.graphagent.api.EdgeUse;
import io.graphagent.api.Messages;
import io.graphagent.api.Vertex;
import io.graphagent.api.VertexProgram;
import io.graphagent.graph.partition.GraphShare;
import io.graphagent.graph.partition.Partitioning;
import java.util.Arrays;

/**
 * Runs one owned partition's share of each phase: compute, turning sparse broadcasts into
 * pushed messages, and delivering the messages bound for its vertices. It is also the
 * {@link Vertex} and {@link Messages} flyweight its program sees, repositioned for each vertex.
 *
 * <p>The partition's members are the slots {@code first .. end-1} of the {@link GraphShare},
 * global dense ids {@code first + globalShift ..}. Aggregates are folded per id block
 * (see {@link io.graphagent.graph.partition.IdBlocks}), so their bits do not depend on how
 * blocks are dealt into partitions. Used by one thread at a time (the executor hands a
 * partition to one thread per phase).
 */
final class PartitionWorker implements Vertex, Messages {
    private final EngineState s;
    private final GraphShare share;
    private final Partitioning partitioning;
    private final int partition;
    /** Slots of the members: first .. end-1. */
    private final int first;
    private final int end;
    /** Global dense id of a member = slot + globalShift. */
    private final int globalShift;
    /** Slot of a remote-or-local global id; null when slots are global ids. */
    private final int[] slotGlobal;
    /** Messages from this partition, by target partition; created on first use. */
    private final MessageBuffer[] outboxes;
    private final BlockAggregates aggregates;
    private final BroadcastPush push;
    private final int[] outOffsets;
    private final int[] outTargets;
    private final double[] outWeights;
    private final int[] inOffsets;
    private final int[] inSources;
    private final double[] inWeights;
    private double[] scratch = new double[16];
    private long[] longScratch = new long[16];
    /** The program's messages are longs kept as raw bits (see {@link EngineState}). */
    private final boolean longMessages;

    /** Messages delivered to the members; its uncombined arrays are read into the two fields below per compute phase. */
    private final PartitionInbox inbox;
    /** The uncombined inbox in this compute phase: messages of local vertex i are inboxValues[inboxOffsets[i] .. inboxOffsets[i+1]). */
    private int[] inboxOffsets;
    private double[] inboxValues;

    // Per-superstep counters, read by the driver after the phase.
    long computed;
    long stillActive;
    long messagesSent;
    long broadcastEdges;
    long broadcastersWithOutEdges;

    // The vertex being computed and its message cursor.
    private int v;
    private double[] readValue;
    private boolean[] readFlag;
    private double[] writeValue;
    private boolean[] writeFlag;
    private boolean combinedHas;
    private double combinedValue;
    private int inboxPos;
    private int inboxEnd;
    private int inEdgePos;
    private int inEdgeEnd;
    private int outEdgePos;
    private int outEdgeEnd;

    PartitionWorker(EngineState state, int partition, MessageBuffer[] outboxes) {
        this.s = state;
        this.share = state.share;
        this.partitioning = state.partitioning;
        this.partition = partition;
        this.first = share.firstSlot(partition);
        this.end = first + partitioning.size(partition);
        this.globalShift = partitioning.first(partition) - first;
        this.slotGlobal = share.slotGlobals();
        this.outboxes = outboxes;
        this.aggregates = new BlockAggregates(share, state.aggregators, partition, first, end);
        outOffsets = share.outOffsets();
        outTargets = share.outTargets();
        outWeights = share.outWeights();
        inOffsets = share.inOffsets();
        inSources = share.inSources();
        inWeights = share.inWeights();
        this.push = new BroadcastPush(state, partition, first, end, outboxes);
        this.inbox = new PartitionInbox(state, partition, first, end, globalShift);
        this.longMessages = state.longMessages;
    }

    /** Delivery phase: folds or files every message bound for this partition's vertices. */
    void deliver(MessageBuffer[][] bySource) {
        inbox.deliver(bySource);
    }

    /** The partial of aggregator {@code index} over block {@code block} (a block of this partition). */
    double aggregatePartial(int block, int index) {
        return aggregates.partial(block, index);
    }

    int partition() { return partition; }

    /** Compute phase: every member that is active or messaged runs the program once. */
    void compute() {
        computed = 0;
        stillActive = 0;
        messagesSent = 0;
        broadcastEdges = 0;
        broadcastersWithOutEdges = 0;
        aggregates.reset();
        inboxOffsets = inbox.offsets;
        inboxValues = inbox.values;
        readValue = s.broadcastValue[s.cur];
        readFlag = s.broadcastFlag[s.cur];
        writeValue = s.broadcastValue[s.next()];
        writeFlag = s.broadcastFlag[s.next()];
        try {
            if (s.combiner != null) {
                computeCombined();
            } else {
                computeUncombined();
            }
        } catch (RuntimeException | StackOverflowError | LinkageError e) {
            // The program's code threw (the engine's own faults are bugs and surface the same way):
            // name the vertex and superstep; v is the vertex being computed.
            throw new ProgramException(originalId(), s.superstep, e);
        }
    }

    /**
     * The compute loop for combined messages. Engine fields are read into locals once (the
     * program call would otherwise force a reload per vertex), and the fold of pulled
     * broadcasts runs inline for the common case (sum over every in-neighbour: PageRank).
     */
    private void computeCombined() {
        VertexProgram program = s.program;
        boolean[] halted = s.halted;
        boolean[] inboxHas = s.inboxHas;
        double[] inboxValue = s.inboxValue;
        boolean[] clearFlag = writeFlag;
        double[] pulled = readValue;
        int[] sources = inSources;
        int[] offsets = inOffsets;
        double identity = s.identity();
        boolean pull = s.pull;
        boolean sumFromAll = pull && s.pullFromAll && s.combiner == Combiner.SUM && !s.addWeight && s.outOnly()
                && !s.longMessages;
        long computedHere = 0;
        long activeHere = 0;
        for (int vertex = first, last = end; vertex < last; vertex++) {
            clearFlag[vertex] = false;
            boolean has = inboxHas[vertex];
            double acc = has ? inboxValue[vertex] : identity;
            if (sumFromAll) {
                int e0 = offsets[vertex];
                int e1 = offsets[vertex + 1];
                acc += sum(pulled, sources, e0, e1);
                has |= e1 > e0;
            } else if (pull) {
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
            v = vertex;
            combinedHas = has;
            combinedValue = acc;
            computedHere++;
            program.compute(this, this);
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
        boolean[] halted = s.halted;
        for (int vertex = first; vertex < end; vertex++) {
            writeFlag[vertex] = false;
            v = vertex;
            boolean messaged = positionUncombined(vertex, vertex - first);
            if (halted[vertex] && !messaged) {
                continue;
            }
            halted[vertex] = false;
            computed++;
            program.compute(this, this);
            if (!halted[vertex]) {
                stillActive++;
            }
        }
    }

    /** Turns this partition's broadcasts of the superstep just run into pushed messages. */
    void pushBroadcasts() {
        push.run();
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

    /** Positions the message cursor of an uncombined vertex; returns whether any message arrived. */
    private boolean positionUncombined(int vertex, int li) {
        inboxPos = inboxOffsets[li];
        inboxEnd = inboxOffsets[li + 1];
        if (s.pull) {
            if (s.pullIn) {
                inEdgePos = inOffsets[vertex];
                inEdgeEnd = inOffsets[vertex + 1];
            } else {
                inEdgePos = inEdgeEnd = 0;
            }
            if (s.pullOut) {
                outEdgePos = outOffsets[vertex];
                outEdgeEnd = outOffsets[vertex + 1];
            } else {
                outEdgePos = outEdgeEnd = 0;
            }
        } else {
            inEdgePos = inEdgeEnd = outEdgePos = outEdgeEnd = 0;
        }
        return hasNext();
    }

    /** Writes what this partition needs to resume at the next superstep (see {@link CheckpointSections#writeOwned}). */
    void writeCheckpoint(java.io.DataOutput out) throws java.io.IOException {
        CheckpointSections.writeOwned(out, s, first, end, inbox);
    }

    /** Reads what {@link #writeCheckpoint} wrote into this (owning) partition. */
    void readCheckpoint(java.io.DataInput in) throws java.io.IOException {
        CheckpointSections.readOwned(in, s, partition, first, end, inbox);
    }

    // ---- Messages ----

    @Override
    public boolean hasNext() {
        if (s.combiner != null) {
            return combinedHas;
        }
        if (inboxPos < inboxEnd) {
            return true;
        }
        while (inEdgePos < inEdgeEnd && !readFlag[inSources[inEdgePos]]) {
            inEdgePos++;
        }
        if (inEdgePos < inEdgeEnd) {
            return true;
        }
        while (outEdgePos < outEdgeEnd && !readFlag[outTargets[outEdgePos]]) {
            outEdgePos++;
        }
        return outEdgePos < outEdgeEnd;
    }

    @Override
    public double next() {
        double m = nextRaw();
        return longMessages ? (double) Double.doubleToRawLongBits(m) : m;
    }

    @Override
    public long nextLong() {
        double m = nextRaw();
        return longMessages ? Double.doubleToRawLongBits(m) : (long) m;
    }

    /** The next message in message encoding. */
    private double nextRaw() {
        if (!hasNext()) {
            throw new java.util.NoSuchElementException("no more messages for vertex " + originalId());
        }
        if (s.combiner != null) {
            combinedHas = false;
            return combinedValue;
        }
        if (inboxPos < inboxEnd) {
            return inboxValues[inboxPos++];
        }
        if (inEdgePos < inEdgeEnd) {
            int e = inEdgePos++;
            double m = readValue[inSources[e]];
            return s.addWeight ? m + inWeights[e] : m;
        }
        int e = outEdgePos++;
        double m = readValue[outTargets[e]];
        return s.addWeight ? m + outWeights[e] : m;
    }

    // ---- Vertex ----

    @Override public int id() { return v + globalShift; }

    @Override public long originalId() { return share.originalId(v); }

    @Override public int superstep() { return s.superstep; }

    @Override public int numVertices() { return partitioning.numVertices(); }

    @Override public double value() { return valueField()[v]; }

    @Override public void setValue(double value) { valueField()[v] = value; }

    private double[] valueField() {
        double[] field = s.value;
        if (field == null) {
            throw new IllegalStateException("value()/setValue() use double field 0, but the program's shape declares no"
                    + " double field: use getLong/setLong, or declare doubles(1)");
        }
        return field;
    }

    @Override public double getDouble(int field) { return s.doubles[field][v]; }

    @Override public void setDouble(int field, double value) { s.doubles[field][v] = value; }

    @Override public long getLong(int field) { return s.longs[field][v]; }

    @Override public void setLong(int field, long value) { s.longs[field][v] = value; }

    @Override public int outDegree() { return outOffsets[v + 1] - outOffsets[v]; }

    @Override
    public int outNeighbor(int i) {
        if (outTargets == null) {
            throw new IllegalStateException("vertex " + originalId() + ": this share holds out-degrees only (the program"
                    + " declared " + EdgeUse.IN_AND_OUT_DEGREES + "), not out-neighbours");
        }
        return globalOf(outTargets[outOffsets[v] + i]);
    }

    @Override public double outWeight(int i) { return outWeights == null ? 1.0 : outWeights[outOffsets[v] + i]; }

    @Override public int inDegree() { return inOffsets[v + 1] - inOffsets[v]; }

    @Override public int inNeighbor(int i) { return globalOf(inSources[inOffsets[v] + i]); }

    @Override public boolean directed() { return share.directed(); }

    private int globalOf(int slot) {
        return slotGlobal == null ? slot : slotGlobal[slot];
    }

    @Override
    public void sendMessage(int target, double message) {
        send(target, longMessages ? Double.longBitsToDouble((long) message) : message);
    }

    @Override
    public void sendLongMessage(int target, long message) {
        send(target, longMessages ? Double.longBitsToDouble(message) : (double) message);
    }

    private void send(int target, double message) {
        if (target < 0 || target >= partitioning.numVertices()) {
            throw new IllegalArgumentException("vertex " + originalId() + " sent a message to dense id " + target
                    + ", which is not a vertex (0.." + (partitioning.numVertices() - 1) + ")");
        }
        MessageBuffer.in(outboxes, partitioning.partitionOf(target)).add(target, message);
        messagesSent++;
    }

    @Override
    public void sendToNeighbors(double message) {
        broadcast(longMessages ? Double.longBitsToDouble((long) message) : message);
    }

    @Override
    public void sendLongToNeighbors(long message) {
        broadcast(longMessages ? Double.longBitsToDouble(message) : (double) message);
    }

    private void broadcast(double message) {
        int outDegree = outOffsets[v + 1] - outOffsets[v];
        if (writeFlag[v]) {
            throw new IllegalStateException("vertex " + originalId() + " broadcast twice in superstep " + s.superstep
                    + "; a vertex may call sendToNeighbors once per superstep");
        }
        writeFlag[v] = true;
        writeValue[v] = message;
        long edges = (s.pullIn ? outDegree : 0) + (s.pullOut ? inOffsets[v + 1] - inOffsets[v] : 0);
        broadcastEdges += edges;
        messagesSent += edges;
        if (outDegree > 0) {
            broadcastersWithOutEdges++;
        }
    }

    @Override public void voteToHalt() { s.halted[v] = true; }

    @Override
    public void aggregate(int index, double value) {
        aggregates.add(v, index, value);
    }

    @Override public double aggregated(int index) { return s.aggregated[index]; }

    @Override
    public double[] scratch(int minLength) {
        if (scratch.length < minLength) {
            scratch = new double[Math.max(minLength, scratch.length * 2)];
        }
        return scratch;
    }

    @Override
    public long[] longScratch(int minLength) {
        if (longScratch.length < minLength) {
            longScratch = new long[Math.max(minLength, longScratch.length * 2)];
        }
        return longScratch;
    }
}
