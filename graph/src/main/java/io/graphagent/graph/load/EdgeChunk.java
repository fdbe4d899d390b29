package io.graphagent.graph.load;

import io.graphagent.graph.csr.IdMap;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The edges of one chunk of an edge file, in file order, in primitive arrays: dense ids
 * when the vertex set was known while parsing (a vertex file was given), else original ids
 * until {@link #toDense} maps them. Filled by one thread, then handed to the builder.
 */
final class EdgeChunk {
    private static final String MISSING_TARGET_FIX = "an edge line is `source target` or `source target weight`,"
            + " separated by spaces or tabs";

    int count;
    /** Dense ids, or null while the ids are original ones. */
    int[] sources;
    int[] targets;
    /** Original ids, or null once dense. */
    long[] rawSources;
    long[] rawTargets;
    /** Weights, or null when unweighted. */
    double[] weights;
    /** Smallest and largest original id seen; only tracked for original ids. */
    long minId = Long.MAX_VALUE;
    long maxId = -1;

    private EdgeChunk() { }

    /**
     * Parses every record of the parser's chunk.
     *
     * @param ids        the vertex set, to map ids while parsing; null keeps original ids
     * @param vertexFile named when an edge refers to a vertex that {@code ids} lacks
     * @param bytes      the chunk's size, to size the arrays
     */
    static EdgeChunk parse(ChunkParser in, IdMap ids, Path vertexFile, boolean weighted, int bytes)
            throws GraphInputException {
        EdgeChunk chunk = new EdgeChunk();
        int capacity = bytes / 12 + 16;
        if (ids != null) {
            chunk.sources = new int[capacity];
            chunk.targets = new int[capacity];
        } else {
            chunk.rawSources = new long[capacity];
            chunk.rawTargets = new long[capacity];
        }
        chunk.weights = weighted ? new double[capacity] : null;
        int n = 0;
        while (in.nextRecord()) {
            long source = in.readId("source id");
            if (!in.nextToken()) {
                throw in.error("missing target id: the line has one field", MISSING_TARGET_FIX);
            }
            long target = in.readId("target id");
            double weight = 0;
            if (weighted) {
                if (!in.nextToken()) {
                    throw in.error("missing weight: the graph is loaded as weighted",
                            "add a weight column (`source target weight`) to every edge, or load the graph unweighted");
                }
                weight = in.readWeight();
            } else if (in.nextToken()) {
                in.skipToken(); // a weight column, unused by this kernel
            }
            if (in.nextToken()) {
                throw in.error("the line has more than 3 fields; an edge is `source target [weight]`",
                        "remove the extra columns (a fourth field is never read, so it is refused rather than ignored)");
            }
            if (n == capacity) {
                capacity = chunk.grow(capacity);
            }
            if (ids != null) {
                chunk.sources[n] = dense(ids, source, in, vertexFile);
                chunk.targets[n] = dense(ids, target, in, vertexFile);
            } else {
                chunk.rawSources[n] = source;
                chunk.rawTargets[n] = target;
                chunk.minId = Math.min(chunk.minId, Math.min(source, target));
                chunk.maxId = Math.max(chunk.maxId, Math.max(source, target));
            }
            if (weighted) {
                chunk.weights[n] = weight;
            }
            n++;
            in.skipLine();
        }
        chunk.count = n;
        chunk.trim(capacity);
        return chunk;
    }

    private static int dense(IdMap ids, long id, ChunkParser in, Path vertexFile) throws GraphInputException {
        int dense = ids.denseId(id);
        if (dense < 0) {
            throw in.error("edge names vertex " + id + ", which is not in " + vertexFile,
                    "add " + id + " to the vertex file or remove the edge");
        }
        return dense;
    }

    /** Replaces original ids by dense ids and drops the original ones. */
    void toDense(IdMap ids) {
        int[] s = new int[count];
        int[] t = new int[count];
        for (int i = 0; i < count; i++) {
            s[i] = ids.denseId(rawSources[i]);
            t[i] = ids.denseId(rawTargets[i]);
        }
        sources = s;
        targets = t;
        rawSources = null;
        rawTargets = null;
    }

    private int grow(int capacity) {
        int larger = (int) Math.min((long) capacity + (capacity >> 1) + 16, Integer.MAX_VALUE - 8);
        resize(larger);
        return larger;
    }

    /** Gives back the slack when it is more than an eighth of the arrays. */
    private void trim(int capacity) {
        if (capacity - count > capacity >> 3) {
            resize(count);
        }
    }

    private void resize(int length) {
        if (sources != null) {
            sources = Arrays.copyOf(sources, length);
            targets = Arrays.copyOf(targets, length);
        } else {
            rawSources = Arrays.copyOf(rawSources, length);
            rawTargets = Arrays.copyOf(rawTargets, length);
        }
        if (weights != null) {
            weights = Arrays.copyOf(weights, length);
        }
    }
}
