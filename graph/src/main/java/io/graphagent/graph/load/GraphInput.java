package io.graphagent.graph.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What {@code --graph PREFIX} names: a Graphalytics graph ({@code PREFIX.v}, {@code PREFIX.e},
 * optional {@code PREFIX.properties}) or, when there is no {@code PREFIX.e} but PREFIX
 * itself is a file, a plain edge list as SNAP writes it (no properties).
 *
 * @param properties the graph's properties; empty for an edge list or when the file is absent
 */
public record GraphInput(Path prefix, boolean edgeList, GraphProperties properties) {

    /**
     * @throws GraphInputException when neither form exists or PREFIX.properties cannot be read
     */
    public static GraphInput locate(Path prefix) throws GraphInputException, IOException {
        Path edges = prefix.resolveSibling(prefix.getFileName() + ".e");
        if (Files.exists(edges)) {
            return new GraphInput(prefix, false, GraphProperties.forPrefix(prefix));
        }
        if (Files.isRegularFile(prefix)) {
            return new GraphInput(prefix, true, GraphProperties.empty());
        }
        Path vertices = prefix.resolveSibling(prefix.getFileName() + ".v");
        if (Files.exists(vertices)) {
            throw new GraphInputException(edges, 0, "file not found (" + vertices + " exists)",
                    "a Graphalytics graph PREFIX needs both PREFIX.v and PREFIX.e");
        }
        throw new GraphInputException(prefix, 0, "graph not found: neither " + edges + " nor an edge-list file " + prefix + " exists",
                "pass --graph PREFIX for PREFIX.v + PREFIX.e (Graphalytics), or the path of an edge-list file");
    }

    /** Where a missing parameter could have come from, for error messages. */
    public String propertiesHint() {
        if (edgeList) {
            return "an edge list has no properties file";
        }
        Path file = prefix.resolveSibling(prefix.getFileName() + ".properties");
        return Files.exists(file) ? file + " does not set it" : "there is no " + file;
    }

    public GraphSource source(boolean directed, boolean weighted) {
        return edgeList ? GraphSource.edgeList(prefix, directed, weighted) : GraphSource.graphalytics(prefix, directed, weighted);
    }

    /** The file that lists the graph's vertices, for messages about ids: PREFIX.v, or the edge list itself. */
    public String vertexSet() {
        return edgeList ? prefix.toString() : prefix.resolveSibling(prefix.getFileName() + ".v").toString();
    }

    /** Short name for tables and file names: the prefix's (or edge list's) file name. */
    public String name() {
        return prefix.getFileName().toString();
    }
}
