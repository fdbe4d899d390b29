package io.graphagent.graph.pregel;

import io.graphagent.api.Messages;
import io.graphagent.graph.partition.GraphShare;

/**
 * The {@link Messages} flyweight a partition's program sees: the messages of the vertex being
 * computed, repositioned by {@link ComputeLoop} for each vertex. With a combiner that is the
 * one folded message; without, the vertex's inbox and then, in a dense superstep, its
 * neighbours' broadcasts read over edges. Used by one thread at a time.
 */
final class MessageCursor implements Messages {
    private final EngineState s;
    /** The vertex whose messages these are (to name it in errors). */
    private final VertexCursor vertex;
    private final int[] outOffsets;
    private final int[] outTargets;
    private final double[] outWeights;
    private final int[] inOffsets;
    private final int[] inSources;
    private final double[] inWeights;
    /** The program's messages are longs kept as raw bits (see {@link EngineState}). */
    private final boolean longMessages;

    // Per compute phase: the broadcasts read, and the uncombined inbox (messages of local
    // vertex i are inboxValues[inboxOffsets[i] .. inboxOffsets[i+1])).
    private double[] readValue;
    private boolean[] readFlag;
    private int[] inboxOffsets;
    private double[] inboxValues;

    // Per vertex: the combined message, or the cursor over the uncombined ones.
    boolean combinedHas;
    double combinedValue;
    private int inboxPos;
    private int inboxEnd;
    private int inEdgePos;
    private int inEdgeEnd;
    private int outEdgePos;
    private int outEdgeEnd;

    MessageCursor(EngineState state, VertexCursor vertex) {
        GraphShare share = state.share;
        this.s = state;
        this.vertex = vertex;
        this.outOffsets = share.outOffsets();
        this.outTargets = share.outTargets();
        this.outWeights = share.outWeights();
        this.inOffsets = share.inOffsets();
        this.inSources = share.inSources();
        this.inWeights = share.inWeights();
        this.longMessages = state.longMessages;
    }

    /** Starts a compute phase that reads broadcasts {@code readValue}/{@code readFlag} and the messages {@code inbox} holds. */
    void startPhase(double[] readValue, boolean[] readFlag, PartitionInbox inbox) {
        this.readValue = readValue;
        this.readFlag = readFlag;
        this.inboxOffsets = inbox.offsets;
        this.inboxValues = inbox.values;
    }

    /** Positions the message cursor of an uncombined vertex; returns whether any message arrived. */
    boolean positionUncombined(int vertex, int li) {
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
            throw new java.util.NoSuchElementException("no more messages for vertex " + vertex.originalId());
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
}
