package io.graphagent.graph.pregel;

import io.graphagent.api.EdgeUse;
import io.graphagent.api.Vertex;
import io.graphagent.graph.partition.GraphShare;
import io.graphagent.graph.partition.Partitioning;

/**
 * The {@link Vertex} flyweight a partition's program sees: the vertex being computed (slot
 * {@link #v}, repositioned by {@link ComputeLoop}), its state and edges, and what it does in
 * the superstep: messages into the partition's outboxes, its broadcast, aggregates, votes to
 * halt. Counts what it sent for {@link SuperstepStats}. Used by one thread at a time.
 */
final class VertexCursor implements Vertex {
    private final EngineState s;
    private final GraphShare share;
    private final Partitioning partitioning;
    /** Global dense id of a member = slot + globalShift. */
    private final int globalShift;
    /** Slot of a remote-or-local global id; null when slots are global ids. */
    private final int[] slotGlobal;
    /** Messages from this partition, by target partition; created on first use. */
    private final MessageBuffer[] outboxes;
    private final BlockAggregates aggregates;
    private final int[] outOffsets;
    private final int[] outTargets;
    private final double[] outWeights;
    private final int[] inOffsets;
    private final int[] inSources;
    private double[] scratch = new double[16];
    private long[] longScratch = new long[16];
    /** The program's messages are longs kept as raw bits (see {@link EngineState}). */
    private final boolean longMessages;

    /** Slot of the vertex being computed. */
    int v;
    // The broadcasts this compute phase writes.
    private double[] writeValue;
    private boolean[] writeFlag;

    // Counters of the last compute phase, read by the driver after it.
    long messagesSent;
    long broadcastEdges;
    long broadcastersWithOutEdges;

    VertexCursor(EngineState state, int globalShift, MessageBuffer[] outboxes, BlockAggregates aggregates) {
        this.s = state;
        this.share = state.share;
        this.partitioning = state.partitioning;
        this.globalShift = globalShift;
        this.slotGlobal = share.slotGlobals();
        this.outboxes = outboxes;
        this.aggregates = aggregates;
        this.outOffsets = share.outOffsets();
        this.outTargets = share.outTargets();
        this.outWeights = share.outWeights();
        this.inOffsets = share.inOffsets();
        this.inSources = share.inSources();
        this.longMessages = state.longMessages;
    }

    /** Starts a compute phase whose broadcasts go to {@code writeValue}/{@code writeFlag}: counters back to zero. */
    void startPhase(double[] writeValue, boolean[] writeFlag) {
        this.writeValue = writeValue;
        this.writeFlag = writeFlag;
        messagesSent = 0;
        broadcastEdges = 0;
        broadcastersWithOutEdges = 0;
    }

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
