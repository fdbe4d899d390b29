package io.graphagent.graph.kernels;

import io.graphagent.graph.pregel.Direction;
import io.graphagent.graph.pregel.Messages;
import io.graphagent.graph.pregel.Vertex;
import io.graphagent.graph.pregel.VertexProgram;
import java.util.function.IntToLongFunction;
import java.util.Arrays;

/**
 * Community detection by label propagation (Graphalytics CDLP): k synchronous iterations,
 * each vertex taking the label most frequent among its neighbours' previous labels, ties to
 * the smallest; in a directed graph in- and out-neighbours both count (twice when joined
 * both ways). Messages are not combined: each vertex sorts the labels it hears in a
 * per-thread scratch buffer and takes the longest run.
 */
final class Cdlp implements Kernel, VertexProgram {
    private final IntToLongFunction originalIds;
    private final int iterations;

    /** @param originalIds the original id of a dense id, for printing labels; null for a program shape */
    Cdlp(IntToLongFunction originalIds, int iterations) {
        this.originalIds = originalIds;
        this.iterations = iterations;
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

    @Override public Direction broadcastDirection() { return Direction.BOTH; }

    @Override public VertexProgram program() { return this; }

    @Override public boolean valuesNameVertices() { return true; }

    /** Superstep 0 and the iterations 1..k; a cap the job never exceeds, so status can show "n of N". */
    @Override
    public int maxSupersteps() {
        return iterations == Integer.MAX_VALUE ? iterations : iterations + 1;
    }

    @Override
    public String format(double value) {
        return Long.toString(originalIds.applyAsLong((int) value));
    }
}
