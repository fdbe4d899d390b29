package io.graphagent.graph.load;

import io.graphagent.graph.csr.CsrBuilder;
import io.graphagent.graph.csr.Graph;
import io.graphagent.graph.csr.IdMap;
import java.io.IOException;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * Loads a graph from text files into a {@link Graph}: parses the vertex file (when given)
 * and the edge file in parallel chunks into primitive arrays, maps original ids to dense
 * ids in ascending order, and builds the CSR arrays by counting sort.
 *
 * <p>Input errors are reported as {@link GraphInputException} naming the file, the exact
 * line, the problem and the fix; when several lines are wrong, the first one in the file
 * is reported. The result does not depend on the number of threads. Stateless and
 * thread-safe; each call uses its own threads, joined before it returns.
 */
public final class GraphLoader {
    /** Bytes per parsed chunk: big enough to amortise a read, small enough to balance threads. */
    static final int DEFAULT_CHUNK_BYTES = 8 << 20;
    /** Most vertices a graph holds: dense ids are ints, and offsets need n + 1 entries. */
    static final int MAX_VERTICES = Integer.MAX_VALUE - 9;

    private GraphLoader() { }

    /**
     * @param threads  parsing threads, at least 1 (the calling thread is one of them)
     * @param progress told of parsed bytes, possibly from the loader's threads
     * @throws GraphInputException when a file is missing, empty or malformed: names the file, line and fix
     * @throws IOException when reading fails for another reason
     */
    public static Graph load(GraphSource source, int threads, LoadProgress progress)
            throws GraphInputException, IOException {
        return load(source, threads, progress, DEFAULT_CHUNK_BYTES, MAX_VERTICES);
    }

    /** As {@link #load(GraphSource, int, LoadProgress)}, with the chunk size and vertex limit given (for tests). */
    static Graph load(GraphSource source, int threads, LoadProgress progress, int chunkBytes, int maxVertices)
            throws GraphInputException, IOException {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(progress, "progress");
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        boolean graphalytics = source.vertexFile() != null;
        String missingFix = graphalytics
                ? "check the path; a Graphalytics graph PREFIX needs both PREFIX.v and PREFIX.e"
                : "check the path of the edge list";
        try (FileChunks vertexChunks = graphalytics ? FileChunks.open(source.vertexFile(), chunkBytes, missingFix) : null;
             FileChunks edgeChunks = FileChunks.open(source.edgeFile(), chunkBytes, missingFix)) {
            long total = edgeChunks.size() + (vertexChunks == null ? 0 : vertexChunks.size());
            AtomicLong done = new AtomicLong();
            LongConsumer parsedBytes = bytes -> progress.bytesParsed(done.addAndGet(bytes), total);

            long[] ids = null;
            EdgeChunk[] edges;
            if (graphalytics) {
                ids = VertexFile.read(vertexChunks, threads, maxVertices, parsedBytes);
                edges = parseEdges(edgeChunks, threads, IdMap.of(ids), source, parsedBytes);
            } else {
                edges = parseEdges(edgeChunks, threads, null, source, parsedBytes);
            }
            checkEdgeCount(edges, source, graphalytics);
            if (!graphalytics) {
                ids = denseEdgeList(edges, threads, maxVertices, edgeChunks);
            }
            CsrBuilder builder = new CsrBuilder(ids.length, source.directed(), source.weighted());
            for (int c = 0; c < edges.length; c++) {
                EdgeChunk chunk = edges[c];
                builder.add(chunk.sources, chunk.targets, chunk.weights, chunk.count);
                edges[c] = null;
            }
            return builder.build(ids);
        }
    }

    /**
     * Refuses an edge list without edges (it names no vertex) and a graph over the CSR limit. A
     * Graphalytics graph may have no edges: its vertices come from PREFIX.v.
     */
    private static void checkEdgeCount(EdgeChunk[] edges, GraphSource source, boolean graphalytics)
            throws GraphInputException {
        long numEdges = 0;
        for (EdgeChunk chunk : edges) {
            numEdges += chunk.count;
        }
        if (numEdges == 0 && !graphalytics) {
            throw new GraphInputException(source.edgeFile(), 0, "no edges in the edge file",
                    "give one edge per line: `source target" + (source.weighted() ? " weight`" : "`"));
        }
        long limit = source.directed() ? CsrBuilder.MAX_ENTRIES : CsrBuilder.MAX_ENTRIES / 2;
        if (numEdges > limit) {
            throw new GraphInputException(source.edgeFile(), 0, "the graph has " + numEdges + " edges, more than the "
                    + limit + " one graph can hold", "split the graph into smaller partitions");
        }
    }

    /** Finds the vertex set of an edge list and turns its edges' ids into dense ids; returns the ids. */
    private static long[] denseEdgeList(EdgeChunk[] edges, int threads, int maxVertices, FileChunks file)
            throws GraphInputException, IOException {
        long[] ids = EdgeListIds.collect(edges, threads, maxVertices, file);
        IdMap idMap = IdMap.of(ids);
        ParallelJobs.run(edges.length, threads, "graph-load-map", () -> c -> {
            edges[c].toDense(idMap);
            return true;
        });
        return ids;
    }

    private static EdgeChunk[] parseEdges(FileChunks chunks, int threads, IdMap idMap, GraphSource source,
                                          LongConsumer parsedBytes) throws GraphInputException, IOException {
        EdgeChunk[] edges = new EdgeChunk[chunks.count()];
        chunks.parseAll(threads, "graph-load-edges", parsedBytes, (chunk, in) ->
                edges[chunk] = EdgeChunk.parse(in, idMap, source.vertexFile(), source.weighted(), chunks.length(chunk)));
        return edges;
    }
}
