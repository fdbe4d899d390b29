package io.graphagent.graph.kernels;

import io.graphagent.api.Edges;
import io.graphagent.api.Messages;
import io.graphagent.api.OutputFormat;
import io.graphagent.api.Parameters;
import io.graphagent.api.ProgramShape;
import io.graphagent.api.Vertex;
import io.graphagent.api.VertexProgram;
import java.util.Arrays;

/**
 * Community detection by label propagation (Graphalytics CDLP): k synchronous iterations,
 * each vertex taking the label most frequent among its neighbours' previous labels, ties to
 * the smallest; in a directed graph in- and out-neighbours both count (twice when joined
 * both ways). Messages are not combined: each vertex sorts the labels it hears in a
 * per-thread scratch buffer and takes the longest run. Parameter: {@code iterations} (default
 * {@link KernelSettings#DEFAULT_CDLP_ITERATIONS}).
 */
public final class Cdlp implements VertexProgram {
    private int iterations = KernelSettings.DEFAULT_CDLP_ITERATIONS;

    @Override
    public void configure(Parameters parameters) {
        iterations = Iterations.read(parameters, KernelSettings.DEFAULT_CDLP_ITERATIONS);
    }

    @Override
    public ProgramShape shape() {
        return ProgramShape.builder().edges(Edges.BOTH).maxSupersteps(Iterations.cap(iterations)).build();
    }

    @Override
    public void compute(Vertex vertex, Messages messages) {
        if (vertex.superstep() == 0) {
            vertex.setValue(vertex.id());
        } else {
            int expected = vertex.outDegree() + (vertex.directed() ? vertex.inDegree() : 0);
            double[] labels = vertex.scratch(expected);
            int count = 0;
            while (messages.hasNext()) {
                if (count == labels.length) {
                    labels = vertex.scratch(count * 2);
                }
                labels[count++] = messages.next();
            }
            if (count > 0) {
                vertex.setValue(mostFrequentSmallest(labels, count));
            }
        }
        if (vertex.superstep() < iterations) {
            vertex.sendToNeighbors(vertex.value());
        } else {
            vertex.voteToHalt();
        }
    }

    /** The most frequent value of {@code labels[0..count)}, the smallest among ties; sorts in place. */
    static double mostFrequentSmallest(double[] labels, int count) {
        Arrays.sort(labels, 0, count);
        double best = labels[0];
        int bestRun = 0;
        int i = 0;
        while (i < count) {
            int j = i + 1;
            while (j < count && labels[j] == labels[i]) {
                j++;
            }
            if (j - i > bestRun) {
                bestRun = j - i;
                best = labels[i];
            }
            i = j;
        }
        return best;
    }

    @Override
    public OutputFormat output() {
        return Labels.FORMAT;
    }
}
