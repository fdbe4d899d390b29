package io.graphagent.graph.pregel;

import io.graphagent.graph.csr.Graph;
import java.util.Arrays;

/**
 * Runs one partition's share of each phase: compute, turning sparse broadcasts into pushed
 * messages, and delivering the messages bound for its vertices. It is also the {@link Vertex}
 * and {@link Messages} flyweight its program sees, repositioned for each vertex.
 *
 * <p>Used by one thread at a time (the executor hands a partition to one thread per phase).
 */
final class PartitionWorker implements Vertex, Messages {
    private final EngineState s;
    private final int partition;
    private final int[] members;
    private final MessageBuffer[] outboxes;
    private final double[] aggregatePartial;
    private final int[] outOffsets;
    private final int[] outTargets;
    private final double[] outWeights;
    private final int[] inOffsets;
    private final int[] inSources;
    private final double[] inWeights;
    private double[] scratch = new double[16];

    /** Uncombined inbox: messages of local vertex i are inboxValues[inboxOffsets[i] .. inboxOffsets[i+1]). */
    private int[] inboxOffsets;
    private double[] inboxValues = new double[0];

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

    PartitionWorker(EngineState state, int partition) {
        this.s = state;
        this.partition = partition;
        this.members = state.partitioning.members(partition);
        int partitions = state.partitioning.count();
        this.outboxes = new MessageBuffer[partitions];
        for (int q = 0; q < partitions; q++) {
            outboxes[q] = new MessageBuffer();
        }
        this.aggregatePartial = new double[state.aggregators.length];
        Graph g = state.graph;
        outOffsets = g.outOffsets();
        outTargets = g.outTargets();
        outWeights = g.outWeights();
        inOffsets = g.inOffsets();
        inSources = g.inSources();
        inWeights = g.inWeights();
        if (state.combiner == null) {
            inboxOffsets = new int[members.length + 1];
        }
    }

    MessageBuffer outbox(int targetPartition) {
        return outboxes[targetPartition];
    }

    double aggregatePartial(int index) {
        return aggregatePartial[index];
    }

    /** Compute phase: every member that is active or messaged runs the program once. */
    void compute() {
        computed = 0;
        stillActive = 0;
        messagesSent = 0;
        broadcastEdges = 0;
        broadcastersWithOutEdges = 0;
        for (int i = 0; i < aggregatePartial.length; i++) {
            aggregatePartial[i] = s.aggregators[i].op().identity();
        }
        readValue = s.broadcastValue[s.cur];
        readFlag = s.broadcastFlag[s.cur];
        writeValue = s.broadcastValue[s.next()];
        writeFlag = s.broadcastFlag[s.next()];
        if (s.combiner != null) {
            computeCombined();
        } else {
            computeUncombined();
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
        double identity = s.combiner.identity();
        boolean pull = s.pull;
        boolean sumFromAll = pull && s.pullFromAll && s.combiner == Combiner.SUM && !s.addWeight && !s.broadcastBoth;
        int[] mem = members;
        long computedHere = 0;
        long activeHere = 0;
        for (int li = 0; li < mem.length; li++) {
            int vertex = mem[li];
            clearFlag[vertex] = false;
            boolean has = inboxHas[vertex];
            double acc = has ? inboxValue[vertex] : identity;
            if (sumFromAll) {
                int e0 = offsets[vertex];
                int e1 = offsets[vertex + 1];
                acc += sum(pulled, sources, e0, e1);
                has |= e1 > e0;
            } else if (pull) {
                if (foldEdges(inSources, inWeights, inOffsets[vertex], inOffsets[vertex + 1]) > 0) {
                    acc = has ? s.combiner.combine(acc, foldResult) : foldResult;
                    has = true;
                }
                if (s.broadcastBoth
                        && foldEdges(outTargets, outWeights, outOffsets[vertex], outOffsets[vertex + 1]) > 0) {
                    acc = has ? s.combiner.combine(acc, foldResult) : foldResult;
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
        for (int li = 0; li < members.length; li++) {
            int vertex = members[li];
            writeFlag[vertex] = false;
            v = vertex;
            boolean messaged = positionUncombined(vertex, li);
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
        boolean[] flags = s.broadcastFlag[s.next()];
        double[] values = s.broadcastValue[s.next()];
        int[] partitionOf = s.partitionOf;
        boolean addWeight = s.addWeight;
        for (int vertex : members) {
            if (!flags[vertex]) {
                continue;
            }
            double m = values[vertex];
            for (int e = outOffsets[vertex], end = outOffsets[vertex + 1]; e < end; e++) {
                int t = outTargets[e];
                outboxes[partitionOf[t]].add(t, addWeight ? m + outWeights[e] : m);
            }
            if (s.broadcastBoth) {
                for (int e = inOffsets[vertex], end = inOffsets[vertex + 1]; e < end; e++) {
                    int t = inSources[e];
                    outboxes[partitionOf[t]].add(t, addWeight ? m + inWeights[e] : m);
                }
            }
        }
    }

    /** Delivery phase: folds or files every message bound for this partition's vertices. */
    void deliver(PartitionWorker[] senders) {
        if (s.combiner != null) {
            deliverCombined(senders);
        } else {
            deliverUncombined(senders);
        }
    }

    private void deliverCombined(PartitionWorker[] senders) {
        double[] inboxValue = s.inboxValue;
        boolean[] inboxHas = s.inboxHas;
        for (int vertex : members) {
            inboxHas[vertex] = false;
        }
        Combiner op = s.combiner;
        for (PartitionWorker sender : senders) {
            MessageBuffer buffer = sender.outboxes[partition];
            int[] targets = buffer.targets;
            double[] values = buffer.values;
            for (int i = 0, size = buffer.size; i < size; i++) {
                int t = targets[i];
                if (inboxHas[t]) {
                    inboxValue[t] = switch (op) {
                        case SUM -> inboxValue[t] + values[i];
                        case MIN -> Math.min(inboxValue[t], values[i]);
                        case MAX -> Math.max(inboxValue[t], values[i]);
                    };
                } else {
                    inboxValue[t] = values[i];
                    inboxHas[t] = true;
                }
            }
            buffer.clear();
        }
    }

    private void deliverUncombined(PartitionWorker[] senders) {
        int[] offsets = inboxOffsets;
        Arrays.fill(offsets, 0);
        int[] localIndex = s.localIndex;
        int total = 0;
        for (PartitionWorker sender : senders) {
            MessageBuffer buffer = sender.outboxes[partition];
            for (int i = 0; i < buffer.size; i++) {
                offsets[localIndex[buffer.targets[i]] + 1]++;
            }
            total += buffer.size;
        }
        for (int i = 0; i < members.length; i++) {
            offsets[i + 1] += offsets[i];
        }
        if (inboxValues.length < total) {
            inboxValues = new double[Math.max(total, inboxValues.length * 2)];
        }
        int[] fill = Arrays.copyOf(offsets, members.length);
        for (PartitionWorker sender : senders) {
            MessageBuffer buffer = sender.outboxes[partition];
            for (int i = 0; i < buffer.size; i++) {
                inboxValues[fill[localIndex[buffer.targets[i]]]++] = buffer.values[i];
            }
            buffer.clear();
        }
    }

    private double foldResult;

    /**
     * Folds the broadcasts of the neighbours {@code ends[e0..e1)} into {@link #foldResult};
     * returns how many were folded. One loop per combiner so each stays a tight primitive loop.
     */
    private long foldEdges(int[] ends, double[] weights, int e0, int e1) {
        boolean all = s.pullFromAll && !s.broadcastBoth;
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

    /** Positions the message cursor of an uncombined vertex; returns whether any message arrived. */
    private boolean positionUncombined(int vertex, int li) {
        inboxPos = inboxOffsets[li];
        inboxEnd = inboxOffsets[li + 1];
        if (s.pull) {
            inEdgePos = inOffsets[vertex];
            inEdgeEnd = inOffsets[vertex + 1];
            if (s.broadcastBoth) {
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

    // ---- Checkpoints ----

    /**
     * Writes what this partition needs to resume at the next superstep: values, halted flags,
     * the messages already delivered to it (combined or not), and its own broadcasts that the
     * next superstep pulls. Call between {@code advance} and the next compute.
     */
    void writeCheckpoint(java.io.DataOutput out) throws java.io.IOException {
        CheckpointCodec.Writer w = new CheckpointCodec.Writer(out);
        w.putInt(members.length);
        for (int v : members) {
            w.putDouble(s.value[v]);
            w.putBoolean(s.halted[v]);
        }
        if (s.combiner != null) {
            for (int v : members) {
                w.putBoolean(s.inboxHas[v]);
                w.putDouble(s.inboxValue[v]);
            }
        } else {
            int total = inboxOffsets[members.length];
            w.putInt(total);
            for (int i = 0; i <= members.length; i++) {
                w.putInt(inboxOffsets[i]);
            }
            for (int i = 0; i < total; i++) {
                w.putDouble(inboxValues[i]);
            }
        }
        writeBroadcasts(w);
        w.flush();
    }

    private void writeBroadcasts(CheckpointCodec.Writer w) throws java.io.IOException {
        boolean[] flags = s.broadcastFlag[s.cur];
        double[] values = s.broadcastValue[s.cur];
        for (int v : members) {
            w.putBoolean(flags[v]);
            w.putDouble(values[v]);
        }
    }

    /** Reads what {@link #writeCheckpoint} wrote into this (owning) partition. */
    void readCheckpoint(java.io.DataInput in) throws java.io.IOException {
        checkMembers(in.readInt());
        CheckpointCodec.Reader r = new CheckpointCodec.Reader(in, members.length * 9L);
        for (int v : members) {
            s.value[v] = r.getDouble();
            s.halted[v] = r.getBoolean();
        }
        if (s.combiner != null) {
            r = new CheckpointCodec.Reader(in, members.length * 9L);
            for (int v : members) {
                s.inboxHas[v] = r.getBoolean();
                s.inboxValue[v] = r.getDouble();
            }
        } else {
            int total = in.readInt();
            if (total < 0) {
                throw new java.io.IOException("checkpoint of partition " + partition + " is damaged: " + total + " messages");
            }
            r = new CheckpointCodec.Reader(in, (members.length + 1) * 4L + total * 8L);
            for (int i = 0; i <= members.length; i++) {
                inboxOffsets[i] = r.getInt();
            }
            inboxValues = new double[Math.max(total, 1)];
            for (int i = 0; i < total; i++) {
                inboxValues[i] = r.getDouble();
            }
        }
        readBroadcasts(in);
    }

    /** Skips a checkpoint's own-state sections and reads only its broadcasts (for a partition owned elsewhere). */
    void readBroadcastsOnly(java.io.DataInput in) throws java.io.IOException {
        checkMembers(in.readInt());
        skip(in, members.length * 9L);
        if (s.combiner != null) {
            skip(in, members.length * 9L);
        } else {
            int total = in.readInt();
            skip(in, (members.length + 1) * 4L + total * 8L);
        }
        readBroadcasts(in);
    }

    private void readBroadcasts(java.io.DataInput in) throws java.io.IOException {
        boolean[] flags = s.broadcastFlag[s.cur];
        double[] values = s.broadcastValue[s.cur];
        CheckpointCodec.Reader r = new CheckpointCodec.Reader(in, members.length * 9L);
        for (int v : members) {
            flags[v] = r.getBoolean();
            values[v] = r.getDouble();
        }
    }

    private void checkMembers(int count) throws java.io.IOException {
        if (count != members.length) {
            throw new java.io.IOException("checkpoint of partition " + partition + " holds " + count
                    + " vertices, the graph has " + members.length + " in it: a checkpoint of another graph or partition count");
        }
    }

    private static void skip(java.io.DataInput in, long bytes) throws java.io.IOException {
        while (bytes > 0) {
            int step = (int) Math.min(bytes, Integer.MAX_VALUE);
            int skipped = in.skipBytes(step);
            if (skipped <= 0) {
                throw new java.io.EOFException("checkpoint ends early");
            }
            bytes -= skipped;
        }
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
        if (!hasNext()) {
            throw new java.util.NoSuchElementException("no more messages for vertex " + v);
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

    @Override public int id() { return v; }

    @Override public long originalId() { return s.graph.originalId(v); }

    @Override public int superstep() { return s.superstep; }

    @Override public int numVertices() { return s.graph.numVertices(); }

    @Override public double value() { return s.value[v]; }

    @Override public void setValue(double value) { s.value[v] = value; }

    @Override public int outDegree() { return outOffsets[v + 1] - outOffsets[v]; }

    @Override public int outNeighbor(int i) { return outTargets[outOffsets[v] + i]; }

    @Override public double outWeight(int i) { return outWeights == null ? 1.0 : outWeights[outOffsets[v] + i]; }

    @Override public int inDegree() { return inOffsets[v + 1] - inOffsets[v]; }

    @Override public int inNeighbor(int i) { return inSources[inOffsets[v] + i]; }

    @Override public boolean directed() { return s.graph.directed(); }

    @Override
    public void sendMessage(int target, double message) {
        outboxes[s.partitionOf[target]].add(target, message);
        messagesSent++;
    }

    @Override
    public void sendToNeighbors(double message) {
        int outDegree = outOffsets[v + 1] - outOffsets[v];
        if (writeFlag[v]) {
            throw new IllegalStateException("vertex " + originalId() + " broadcast twice in superstep " + s.superstep
                    + "; a vertex may call sendToNeighbors once per superstep");
        }
        writeFlag[v] = true;
        writeValue[v] = message;
        long edges = s.broadcastBoth ? outDegree + inOffsets[v + 1] - inOffsets[v] : outDegree;
        broadcastEdges += edges;
        messagesSent += edges;
        if (outDegree > 0) {
            broadcastersWithOutEdges++;
        }
    }

    @Override public void voteToHalt() { s.halted[v] = true; }

    @Override
    public void aggregate(int index, double value) {
        aggregatePartial[index] = s.aggregators[index].op().combine(aggregatePartial[index], value);
    }

    @Override public double aggregated(int index) { return s.aggregated[index]; }

    @Override
    public double[] scratch(int minLength) {
        if (scratch.length < minLength) {
            scratch = new double[Math.max(minLength, scratch.length * 2)];
        }
        return scratch;
    }
}
