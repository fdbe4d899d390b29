package io.graphagent.coordinator.query;

import com.google.protobuf.ByteString;
import io.graphagent.graph.traverse.VertexBits;
import io.graphagent.protocol.PackedArrays;
import io.graphagent.protocol.v1.ExpandReply;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.List;

/**
 * One agent's answer to a hop, read where it lies (no copy): its neighbours as packed ids
 * (with their parents when asked) or a bitmap of the graph's dense ids; for a hop the agent
 * took one further ({@code also_next}), also the next hop's neighbours it found and those it
 * left. A malformed answer ends the query UNAVAILABLE, naming the agent and the graph (the
 * message is built then only).
 *
 * @param agent the agent that answered
 * @param graph the graph's name
 */
record HopAnswer(ExpandReply reply, String agent, String graph) {

    /** Receives each neighbour of a hop with the vertex it was reached from (-1: not asked). */
    @FunctionalInterface
    interface NeighbourSink {
        void accept(int neighbour, int parent) throws QueryException;
    }

    /** Gives {@code sink} this hop's neighbours (of {@code universe} dense ids), with parents when asked. */
    void deliver(int universe, boolean withParents, NeighbourSink sink) throws QueryException {
        deliver(reply.getCount(), reply.getNeighbours(), withParents ? reply.getParents() : null, reply.getNeighbourBits(),
                universe, sink);
    }

    /** Gives {@code sink} the next hop's neighbours this agent found (parent -1). */
    void deliverNext(int universe, NeighbourSink sink) throws QueryException {
        deliver(reply.getNextCount(), reply.getNextNeighbours(), null, reply.getNextNeighbourBits(), universe, sink);
    }

    /** Adds this hop's neighbours to {@code into}: a bitmap OR-ed in a word at a time, or packed ids one by one. */
    void deliverInto(VertexBits into) throws QueryException {
        deliverInto(reply.getCount(), reply.getNeighbours(), reply.getNeighbourBits(), into);
    }

    /** Adds the next hop's neighbours this agent found to {@code into}. */
    void deliverNextInto(VertexBits into) throws QueryException {
        deliverInto(reply.getNextCount(), reply.getNextNeighbours(), reply.getNextNeighbourBits(), into);
    }

    /**
     * The new vertices of the next hop when the agent that expanded the hop counted them ({@code next_counted}), or -1
     * when none did. Counting is asked of a hop from one vertex only, so that agent's answer is the whole hop; any other
     * answer (a replica that no longer held the vertex) must be empty.
     */
    static long counted(List<HopAnswer> answers) throws QueryException {
        HopAnswer counted = null;
        for (HopAnswer a : answers) {
            if (a.reply.getNextCounted()) {
                counted = a;
            }
        }
        if (counted == null) {
            return -1;
        }
        for (HopAnswer a : answers) {
            ExpandReply r = a.reply;
            if (a != counted && (r.getCount() > 0 || r.getNextCount() > 0 || r.getUnexpandedCount() > 0)) {
                throw a.malformed(new IllegalArgumentException("agent " + counted.agent
                        + " counted the next hop, yet this agent also expanded vertices of it"));
            }
        }
        return counted.reply.getNextFresh();
    }

    /** The neighbours the agents of {@code answers} did not expand, in their order: the rest of the next hop's frontier. */
    static int[] unexpanded(List<HopAnswer> answers) throws QueryException {
        int total = 0;
        for (HopAnswer a : answers) {
            total += a.reply.getUnexpandedCount();
        }
        int[] out = new int[total];
        int at = 0;
        for (HopAnswer a : answers) {
            int n = a.reply.getUnexpandedCount();
            try {
                PackedArrays.intsView(a.reply.getUnexpanded(), n).get(out, at, n);
            } catch (IllegalArgumentException e) {
                throw a.malformed(e);
            }
            at += n;
        }
        return out;
    }

    private void deliver(int n, ByteString ids, ByteString parentIds, ByteString bits, int universe, NeighbourSink sink)
            throws QueryException {
        try {
            if (!bits.isEmpty()) {
                LongBuffer words = PackedArrays.longsView(bits, (universe + 63) >>> 6);
                int seen = 0;
                for (int w = 0, stop = words.limit(); w < stop; w++) {
                    long word = words.get(w);
                    while (word != 0) {
                        sink.accept((w << 6) + Long.numberOfTrailingZeros(word), -1);
                        word &= word - 1;
                        seen++;
                    }
                }
                countMatches(seen, n);
                return;
            }
            IntBuffer neighbours = PackedArrays.intsView(ids, n);
            IntBuffer parents = parentIds == null ? null : PackedArrays.intsView(parentIds, n);
            for (int i = 0; i < n; i++) {
                sink.accept(neighbours.get(i), parents == null ? -1 : parents.get(i));
            }
        } catch (IllegalArgumentException e) {
            throw malformed(e);
        }
    }

    private void deliverInto(int n, ByteString ids, ByteString bits, VertexBits into) throws QueryException {
        try {
            if (!bits.isEmpty()) {
                countMatches(into.or(PackedArrays.longsView(bits, into.wordCount())), n);
                return;
            }
            IntBuffer neighbours = PackedArrays.intsView(ids, n);
            for (int i = 0; i < n; i++) {
                into.add(neighbours.get(i));
            }
        } catch (IllegalArgumentException e) {
            throw malformed(e);
        }
    }

    private static void countMatches(long seen, int count) {
        if (seen != count) {
            throw new IllegalArgumentException("the bitmap holds " + seen + " neighbours, the count says " + count);
        }
    }

    private QueryException malformed(IllegalArgumentException e) {
        return new QueryException(QueryException.Kind.UNAVAILABLE, "agent " + agent + " answered a malformed hop of graph "
                + graph + ": " + e.getMessage());
    }
}
