package io.graphagent.graph.kernels;

import io.graphagent.api.Messages;
import io.graphagent.api.OutputFormat;
import io.graphagent.api.ProgramShape;
import io.graphagent.api.Vertex;
import io.graphagent.api.VertexProgram;
import java.util.Arrays;

/**
 * Local clustering coefficient (Graphalytics LCC): for N(v), the neighbours of v with
 * direction ignored and v itself excluded, the share of ordered pairs (u, w) of N(v) joined
 * by an edge u -> w, over |N(v)| * (|N(v)| - 1); 0 when |N(v)| < 2.
 *
 * <p>Two supersteps: each vertex u sends its distinct out-neighbours (self excluded) to every
 * member of N(u); each v then counts the ids it receives that lie in N(v). Since v hears
 * from exactly the members u of N(v), each received id w in N(v) is one edge u -> w between
 * two distinct neighbours. Messages: sum over u of |N(u)| * outdeg(u).
 */
public final class Lcc implements VertexProgram {

    @Override
    public ProgramShape shape() {
        return ProgramShape.builder().build();
    }

    @Override
    public void compute(Vertex vertex, Messages messages) {
        double[] neighbours = vertex.scratch(vertex.outDegree() + vertex.inDegree());
        int degree = distinctNeighbours(vertex, neighbours);
        if (vertex.superstep() == 0) {
            vertex.setValue(0);
            int self = vertex.id();
            int previous = -1;
            for (int i = 0, out = vertex.outDegree(); i < out; i++) {
                int w = vertex.outNeighbor(i);
                if (w == self || w == previous) {
                    continue;
                }
                previous = w;
                for (int j = 0; j < degree; j++) {
                    vertex.sendMessage((int) neighbours[j], w);
                }
            }
        } else if (degree >= 2) {
            long closed = 0;
            while (messages.hasNext()) {
                if (Arrays.binarySearch(neighbours, 0, degree, messages.next()) >= 0) {
                    closed++;
                }
            }
            vertex.setValue((double) closed / ((double) degree * (degree - 1)));
        }
        vertex.voteToHalt();
    }

    /** Writes N(v) ascending into {@code into} and returns its size: out- and in-neighbours merged, deduplicated, self excluded. */
    private static int distinctNeighbours(Vertex vertex, double[] into) {
        int self = vertex.id();
        int out = vertex.outDegree();
        int in = vertex.directed() ? vertex.inDegree() : 0;
        int i = 0;
        int j = 0;
        int size = 0;
        double last = -1;
        while (i < out || j < in) {
            int next;
            if (j >= in || (i < out && vertex.outNeighbor(i) <= vertex.inNeighbor(j))) {
                next = vertex.outNeighbor(i++);
            } else {
                next = vertex.inNeighbor(j++);
            }
            if (next != self && next != last) {
                into[size++] = next;
                last = next;
            }
        }
        return size;
    }

    @Override
    public OutputFormat output() {
        return state -> Double.toString(state.getDouble(0));
    }
}
