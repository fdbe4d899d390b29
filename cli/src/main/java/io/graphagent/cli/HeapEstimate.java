package io.graphagent.cli;

import io.graphagent.graph.load.GraphSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * About how much heap the single-process engine needs for a graph, from the sizes of its input
 * files: the edges (edge-file bytes over the mean length of its first lines), 8 bytes per edge
 * per direction stored (16 more when weighted, 4 per edge while the CSR is built) and about 50
 * bytes per vertex of arrays and job state. For the message of a run that ran out of heap.
 */
final class HeapEstimate {
    private static final int SAMPLE_BYTES = 64 * 1024;

    private HeapEstimate() {
    }

    record Estimate(long edges, long vertices, long bytes) {
    }

    static Estimate of(GraphSource source) {
        long edges = lines(source.edgeFile());
        long vertices = source.vertexFile() == null ? Math.max(1, edges / 8) : lines(source.vertexFile());
        long perEdge = (source.directed() ? 8 : 8) + (source.weighted() ? 16 : 0) + 4;
        return new Estimate(edges, vertices, edges * perEdge + vertices * 50);
    }

    /** Lines of a text file, estimated from its size and its first lines. */
    private static long lines(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            long size = Files.size(file);
            byte[] sample = in.readNBytes(SAMPLE_BYTES);
            long newlines = 0;
            for (byte b : sample) {
                if (b == '\n') {
                    newlines++;
                }
            }
            return newlines == 0 ? 1 : size * newlines / Math.max(1, sample.length);
        } catch (IOException e) {
            return 0;
        }
    }

    /** The one-line message for a run out of heap: the estimate against the heap, and the fix. */
    static String outOfHeap(String graph, GraphSource source) {
        Estimate e = of(source);
        long max = Runtime.getRuntime().maxMemory();
        return "the graph " + graph + " does not fit this run's heap: about " + e.edges() + " edges and " + e.vertices()
                + " vertices need about " + (e.bytes() >> 20) + " MB, the heap's maximum is " + (max >> 20) + " MB. Fix: give"
                + " the run more heap (GRAPHAGENT_JAVA_OPTS=-Xmx...), or run the graph on a cluster where each agent holds"
                + " only its share (graphagent local --agents N, then graphagent submit)";
    }
}
