package io.graphagent.graph.pregel;

import static org.assertj.core.api.Assertions.assertThat;

import io.graphagent.api.Combiner;
import io.graphagent.api.Edges;
import io.graphagent.api.MessageType;
import io.graphagent.api.Messages;
import io.graphagent.api.ProgramShape;
import io.graphagent.api.Vertex;
import io.graphagent.api.VertexProgram;
import io.graphagent.graph.csr.Graph;
import io.graphagent.graph.testing.Datasets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Programs whose shape is more than one double: long fields and long messages (exact above
 * 2^53, where a double would round), several fields per vertex, broadcasts against in-edges;
 * combined and not, pulled and pushed, the same on every thread and partition layout.
 */
class ProgramShapeEngineTest {
    private static final List<EngineOptions> LAYOUTS =
            List.of(new EngineOptions(1, 1), new EngineOptions(2, 7), new EngineOptions(3, 64));
    /** Ids far above 2^53: consecutive ones are the same double. */
    private static final long BASE = 1L << 60;

    @TempDir
    Path dir;

    private Graph graph() throws Exception {
        SplittableRandom random = new SplittableRandom(5);
        int n = 800;
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 1600; i++) {
            text.append(BASE + random.nextInt(n)).append(' ').append(BASE + random.nextInt(n)).append('\n');
        }
        for (int i = 0; i < 30; i++) {   // a long path, so late supersteps are sparse (pushed)
            text.append(BASE + n + i + 1).append(' ').append(BASE + n + i).append('\n');
        }
        Path file = dir.resolve("big-ids.txt");
        Files.writeString(file, text);
        return Datasets.loadEdges(file, true, false);
    }

    /** Long labels broadcast against in-edges: each vertex ends with the least original id it can reach. */
    static final class LeastReachable implements VertexProgram {
        @Override
        public ProgramShape shape() {
            return ProgramShape.builder().doubles(0).longs(1).messages(MessageType.LONG).combiner(Combiner.MIN)
                    .edges(Edges.IN).build();
        }

        @Override
        public void compute(Vertex vertex, Messages messages) {
            if (vertex.superstep() == 0) {
                vertex.setLong(0, vertex.originalId());
                vertex.sendLongToNeighbors(vertex.originalId());
            } else if (messages.hasNext()) {
                long label = messages.nextLong();
                if (label < vertex.getLong(0)) {
                    vertex.setLong(0, label);
                    vertex.sendLongToNeighbors(label);
                }
            }
            vertex.voteToHalt();
        }
    }

    @Test
    void longLabelsBroadcastAgainstInEdgesAreExactOnEveryLayout() throws Exception {
        Graph g = graph();
        int n = g.numVertices();
        long[] expected = new long[n];
        boolean[] done = new boolean[n];
        for (int s = 0; s < n; s++) {   // dense order is original-id order: the first to reach v is the least
            if (done[s]) {
                continue;
            }
            ArrayDeque<Integer> queue = new ArrayDeque<>(List.of(s));
            done[s] = true;
            expected[s] = g.originalId(s);
            while (!queue.isEmpty()) {
                int u = queue.poll();
                for (int e = g.inOffsets()[u]; e < g.inOffsets()[u + 1]; e++) {
                    int w = g.inSources()[e];
                    if (!done[w]) {
                        done[w] = true;
                        expected[w] = g.originalId(s);
                        queue.add(w);
                    }
                }
            }
        }
        for (EngineOptions layout : LAYOUTS) {
            PregelResult result = PregelEngine.run(g, new LeastReachable(), layout, ProgressListener.NONE);
            assertThat(result.doubles()).isEmpty();
            assertThat(result.longs()[0]).as("%s", layout).containsExactly(expected);
            assertThat(result.supersteps()).isGreaterThan(30);
        }
    }

    /** Uncombined long messages into two double fields and a long field. */
    static final class Listen implements VertexProgram {
        @Override
        public ProgramShape shape() {
            return ProgramShape.builder().doubles(2).longs(1).messages(MessageType.LONG).maxSupersteps(2).build();
        }

        @Override
        public void compute(Vertex vertex, Messages messages) {
            if (vertex.superstep() == 0) {
                for (int i = 0; i < vertex.outDegree(); i++) {
                    vertex.sendLongMessage(vertex.outNeighbor(i), vertex.originalId());
                }
                return;
            }
            long max = Long.MIN_VALUE;
            while (messages.hasNext()) {
                long m = messages.nextLong();
                max = Math.max(max, m);
                vertex.setDouble(0, vertex.getDouble(0) + 1);
                vertex.setDouble(1, vertex.getDouble(1) + (m - BASE));
            }
            vertex.setLong(0, max);
        }
    }

    @Test
    void severalFieldsAndUncombinedLongMessagesAreExact() throws Exception {
        Graph g = graph();
        int n = g.numVertices();
        double[] count = new double[n];
        double[] offsets = new double[n];
        long[] max = new long[n];
        java.util.Arrays.fill(max, Long.MIN_VALUE);
        for (int u = 0; u < n; u++) {
            for (int e = g.outOffsets()[u]; e < g.outOffsets()[u + 1]; e++) {
                int v = g.outTargets()[e];
                count[v]++;
                offsets[v] += g.originalId(u) - BASE;
                max[v] = Math.max(max[v], g.originalId(u));
            }
        }
        for (EngineOptions layout : LAYOUTS) {
            PregelResult result = PregelEngine.run(g, new Listen(), layout, ProgressListener.NONE);
            assertThat(result.doubles()[0]).as("%s", layout).containsExactly(count);
            assertThat(result.doubles()[1]).as("%s", layout).containsExactly(offsets);
            assertThat(result.longs()[0]).as("%s", layout).containsExactly(max);
        }
    }
}
