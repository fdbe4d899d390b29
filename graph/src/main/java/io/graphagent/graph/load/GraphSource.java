package io.graphagent.graph.load;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Where a graph comes from and how to read it.
 *
 * @param vertexFile one vertex id per line, or null for a plain edge list (the vertex set is
 *                   then every id that appears in an edge)
 * @param edgeFile   one edge per line: {@code source target [weight]}
 * @param directed   false: every edge is usable in both directions
 * @param weighted   true: the third column is a non-negative finite weight and is required
 */
public record GraphSource(Path vertexFile, Path edgeFile, boolean directed, boolean weighted) {

    public GraphSource {
        Objects.requireNonNull(edgeFile, "edgeFile");
    }

    /**
     * A Graphalytics graph: {@code PREFIX.v} and {@code PREFIX.e}.
     *
     * @param prefix path without extension, e.g. {@code dir/example-directed}
     */
    public static GraphSource graphalytics(Path prefix, boolean directed, boolean weighted) {
        return new GraphSource(withSuffix(prefix, ".v"), withSuffix(prefix, ".e"), directed, weighted);
    }

    /** A plain (SNAP-style) edge list, with {@code #} or {@code %} comment lines allowed. */
    public static GraphSource edgeList(Path file, boolean directed, boolean weighted) {
        return new GraphSource(null, file, directed, weighted);
    }

    /** The files read: the vertex file (when there is one) and the edge file. */
    public List<Path> files() {
        return vertexFile == null ? List.of(edgeFile) : List.of(vertexFile, edgeFile);
    }

    static Path withSuffix(Path prefix, String suffix) {
        return prefix.resolveSibling(prefix.getFileName() + suffix);
    }
}
