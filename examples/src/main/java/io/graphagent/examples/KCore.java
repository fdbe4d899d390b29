package io.graphagent.examples;

import io.graphagent.api.Aggregator;
import io.graphagent.api.Combiner;
import io.graphagent.api.MasterCompute;
import io.graphagent.api.MessageType;
import io.graphagent.api.Messages;
import io.graphagent.api.ProgramShape;
import io.graphagent.api.Vertex;
import io.graphagent.api.VertexProgram;

/**
 * k-core decomposition: the coreness of every vertex, the largest k such that the vertex
 * belongs to a subgraph where every vertex has at least k neighbours (Seidman 1983). Edge
 * direction, self-loops and repeated edges are ignored: neighbours are the distinct other
 * vertices joined either way (load the graph undirected).
 *
 * <p>The distributed estimate of Montresor, De Pellegrini and Miorandi ("Distributed k-core
 * decomposition", IEEE TPDS 2013), synchronous: every vertex starts from its degree; in each
 * superstep it sends its estimate to every neighbour and lowers it to the largest k at most
 * the current estimate with at least k neighbours estimating k or more. Estimates only fall
 * and converge to the coreness; the master halts when a superstep changed none (an aggregator
 * counts changes). One long per vertex, long messages, no parameters; output: the coreness.
 */
public final class KCore implements VertexProgram {
    private static final int CHANGED = 0;

    @Override
    public ProgramShape shape() {
        return ProgramShape.builder().doubles(0).longs(1).messages(MessageType.LONG)
                .aggregators(new Aggregator("changed", Combiner.SUM)).build();
    }

    @Override
    public void compute(Vertex vertex, Messages messages) {
        long estimate;
        if (vertex.superstep() == 0) {
            estimate = Neighbours.distinctCount(vertex);
        } else {
            long current = vertex.getLong(0);
            estimate = lowered(vertex, messages, current);
            if (estimate != current) {
                vertex.aggregate(CHANGED, 1);
            }
        }
        vertex.setLong(0, estimate);
        Neighbours.sendToDistinct(vertex, estimate);
    }

    /** The largest k <= current such that at least k messages are >= k. */
    private static long lowered(Vertex vertex, Messages messages, long current) {
        int cap = (int) current;
        long[] atLeast = vertex.longScratch(cap + 1);
        java.util.Arrays.fill(atLeast, 0, cap + 1, 0);
        while (messages.hasNext()) {
            long m = messages.nextLong();
            atLeast[(int) Math.min(m, cap)]++;
        }
        long count = 0;
        for (int k = cap; k > 0; k--) {
            count += atLeast[k];
            if (count >= k) {
                return k;
            }
        }
        return 0;
    }

    @Override
    public MasterCompute master() {
        return context -> {
            if (context.superstep() >= 2 && context.aggregated(CHANGED) == 0) {
                context.haltComputation();
            }
        };
    }
}
