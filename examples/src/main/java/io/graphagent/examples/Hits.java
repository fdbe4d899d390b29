package io.graphagent.examples;

import io.graphagent.api.Aggregator;
import io.graphagent.api.Combiner;
import io.graphagent.api.Messages;
import io.graphagent.api.ParameterException;
import io.graphagent.api.Parameters;
import io.graphagent.api.ProgramShape;
import io.graphagent.api.Vertex;
import io.graphagent.api.VertexProgram;

/**
 * HITS, hubs and authorities (Kleinberg, "Authoritative sources in a hyperlinked environment",
 * JACM 1999): two doubles per vertex. From hub scores all 1, each of {@code iterations} rounds
 * sets {@code auth = normalize(A^T hub)} then {@code hub = normalize(A auth)}, where A is the
 * adjacency matrix and normalize divides by the Euclidean norm (a zero vector stays zero).
 *
 * <p>In supersteps: odd ones sum the hubs of in-neighbours into the authority and send it back
 * against the in-edges; even ones sum the authorities of out-neighbours into the hub and
 * broadcast it along the out-edges. The squared norms are summed by two aggregators and applied
 * one superstep later (scaling a vector does not change the direction of the next product).
 * Messages: 2 x edges per round. Output: {@code hub authority}.
 *
 * <p>Parameter: {@code iterations} (default 20, at least 1).
 */
public final class Hits implements VertexProgram {
    /** Double field of the hub score. */
    public static final int HUB = 0;
    /** Double field of the authority score. */
    public static final int AUTHORITY = 1;
    private static final int AUTH_SQUARES = 0;
    private static final int HUB_SQUARES = 1;

    private int iterations = 20;

    @Override
    public void configure(Parameters parameters) {
        long n = parameters.getLong("iterations", 20);
        if (n < 1 || n > 1_000_000) {
            throw new ParameterException("iterations", "iterations must be 1..1000000, got " + n);
        }
        iterations = (int) n;
    }

    @Override
    public ProgramShape shape() {
        return ProgramShape.builder().doubles(2).combiner(Combiner.SUM)
                .aggregators(new Aggregator("authority-squares", Combiner.SUM), new Aggregator("hub-squares", Combiner.SUM))
                .maxSupersteps(2 * iterations + 2).build();
    }

    @Override
    public void compute(Vertex vertex, Messages messages) {
        int step = vertex.superstep();
        double sum = messages.hasNext() ? messages.next() : 0.0;
        if (step == 0) {
            vertex.setDouble(HUB, 1.0);
            vertex.sendToNeighbors(1.0);
        } else if (step % 2 == 1) {
            if (step > 1) {
                vertex.setDouble(HUB, normalized(vertex.getDouble(HUB), vertex.aggregated(HUB_SQUARES)));
            }
            if (step == 2 * iterations + 1) {
                vertex.voteToHalt();
                return;
            }
            vertex.setDouble(AUTHORITY, sum);
            vertex.aggregate(AUTH_SQUARES, sum * sum);
            for (int i = 0, in = vertex.inDegree(); i < in; i++) {
                vertex.sendMessage(vertex.inNeighbor(i), sum);
            }
        } else {
            vertex.setDouble(AUTHORITY, normalized(vertex.getDouble(AUTHORITY), vertex.aggregated(AUTH_SQUARES)));
            vertex.setDouble(HUB, sum);
            vertex.aggregate(HUB_SQUARES, sum * sum);
            vertex.sendToNeighbors(sum);
        }
    }

    private static double normalized(double value, double squares) {
        return squares > 0 ? value / Math.sqrt(squares) : 0.0;
    }
}
