package io.graphagent.api;

import java.util.Arrays;

/**
 * The static shape of a {@link VertexProgram}: how many {@code double} and {@code long} fields
 * each vertex holds, the type of its messages, how messages to one vertex are combined, its
 * aggregators, which edges a broadcast follows and how a message changes along an edge, and a
 * cap on supersteps. The engine sizes one primitive array per field from it before the run.
 *
 * <p>Immutable; build with {@link #builder()}.
 */
public final class ProgramShape {
    private final int doubleFields;
    private final int longFields;
    private final MessageType messageType;
    private final Combiner combiner;
    private final Aggregator[] aggregators;
    private final Edges edges;
    private final EdgeUse edgeUse;
    private final EdgeTransform edgeTransform;
    private final int maxSupersteps;

    private ProgramShape(Builder b) {
        this.doubleFields = b.doubleFields;
        this.longFields = b.longFields;
        this.messageType = b.messageType;
        this.combiner = b.combiner;
        this.aggregators = b.aggregators.clone();
        this.edges = b.edges;
        this.edgeUse = b.edgeUse;
        this.edgeTransform = b.edgeTransform;
        this.maxSupersteps = b.maxSupersteps;
    }

    /** A builder for one double field, double messages, no combiner, out-edges, no aggregators, no cap. */
    public static Builder builder() {
        return new Builder();
    }

    /** {@code double} fields per vertex (addressed 0 .. n-1 in {@link Vertex#getDouble}). */
    public int doubleFields() { return doubleFields; }

    /** {@code long} fields per vertex (addressed 0 .. n-1 in {@link Vertex#getLong}). */
    public int longFields() { return longFields; }

    /** The type of every message of the program. */
    public MessageType messageType() { return messageType; }

    /** The fold applied to all messages bound for one vertex, or null to deliver each one. */
    public Combiner combiner() { return combiner; }

    /** Global aggregators, addressed by their index in this array (a copy). */
    public Aggregator[] aggregators() { return aggregators.clone(); }

    /** Number of aggregators. */
    public int aggregatorCount() { return aggregators.length; }

    /** Which edges {@link Vertex#sendToNeighbors} follows. */
    public Edges edges() { return edges; }

    /**
     * The edges of a directed graph the program reads, so that a runner holding part of the
     * graph keeps only those; the single-process engine keeps every edge either way.
     */
    public EdgeUse edgeUse() { return edgeUse; }

    /** How a broadcast message changes along each edge. */
    public EdgeTransform edgeTransform() { return edgeTransform; }

    /** A cap on the number of supersteps (superstep numbers 0 .. cap-1). */
    public int maxSupersteps() { return maxSupersteps; }

    @Override
    public String toString() {
        return "ProgramShape[doubles=" + doubleFields + ", longs=" + longFields + ", messages=" + messageType
                + ", combiner=" + combiner + ", aggregators=" + Arrays.toString(aggregators) + ", edges=" + edges + ", edgeUse=" + edgeUse
                + ", transform=" + edgeTransform + ", maxSupersteps=" + maxSupersteps + "]";
    }

    /** Builds a {@link ProgramShape}; each setter checks its argument at once. Not thread-safe. */
    public static final class Builder {
        /** The most fields of one kind a vertex may hold: a guard against a typo sizing huge arrays. */
        public static final int MAX_FIELDS = 64;

        private int doubleFields = 1;
        private int longFields;
        private MessageType messageType = MessageType.DOUBLE;
        private Combiner combiner;
        private Aggregator[] aggregators = new Aggregator[0];
        private Edges edges = Edges.OUT;
        private EdgeUse edgeUse = EdgeUse.OUT_AND_IN;
        private EdgeTransform edgeTransform = EdgeTransform.IDENTITY;
        private int maxSupersteps = Integer.MAX_VALUE;

        private Builder() {
        }

        /** {@code double} fields per vertex, 0 .. {@link #MAX_FIELDS}; default 1. */
        public Builder doubles(int count) {
            this.doubleFields = fields(count, "double");
            return this;
        }

        /** {@code long} fields per vertex, 0 .. {@link #MAX_FIELDS}; default 0. */
        public Builder longs(int count) {
            this.longFields = fields(count, "long");
            return this;
        }

        /** The message type; default {@link MessageType#DOUBLE}. */
        public Builder messages(MessageType type) {
            this.messageType = java.util.Objects.requireNonNull(type, "message type");
            return this;
        }

        /** The combiner, or null (the default) to deliver every message. */
        public Builder combiner(Combiner combiner) {
            this.combiner = combiner;
            return this;
        }

        /** The aggregators, addressed by index; default none. */
        public Builder aggregators(Aggregator... aggregators) {
            for (Aggregator a : aggregators) {
                java.util.Objects.requireNonNull(a, "aggregator");
            }
            this.aggregators = aggregators.clone();
            return this;
        }

        /** Which edges a broadcast follows; default {@link Edges#OUT}. */
        public Builder edges(Edges edges) {
            this.edges = java.util.Objects.requireNonNull(edges, "edges");
            return this;
        }

        /** The edges the program reads; default {@link EdgeUse#OUT_AND_IN}. */
        public Builder edgeUse(EdgeUse use) {
            this.edgeUse = java.util.Objects.requireNonNull(use, "edge use");
            return this;
        }

        /** How a broadcast changes along an edge; default {@link EdgeTransform#IDENTITY}. */
        public Builder edgeTransform(EdgeTransform transform) {
            this.edgeTransform = java.util.Objects.requireNonNull(transform, "edge transform");
            return this;
        }

        /** A cap on supersteps, at least 1; default none ({@link Integer#MAX_VALUE}). */
        public Builder maxSupersteps(int cap) {
            if (cap < 1) {
                throw new IllegalArgumentException("maxSupersteps must be at least 1, got " + cap);
            }
            this.maxSupersteps = cap;
            return this;
        }

        /**
         * The shape.
         *
         * @throws IllegalArgumentException when the vertex holds no field at all, or weights are
         *     added to long messages (weights are doubles)
         */
        public ProgramShape build() {
            if (doubleFields + longFields == 0) {
                throw new IllegalArgumentException("a vertex must hold at least one field: call doubles(n) or longs(n)");
            }
            if (edgeTransform == EdgeTransform.ADD_WEIGHT && messageType == MessageType.LONG) {
                throw new IllegalArgumentException("EdgeTransform.ADD_WEIGHT needs double messages (weights are doubles)");
            }
            return new ProgramShape(this);
        }

        private static int fields(int count, String kind) {
            if (count < 0 || count > MAX_FIELDS) {
                throw new IllegalArgumentException(kind + " fields must be 0.." + MAX_FIELDS + ", got " + count);
            }
            return count;
        }
    }
}
