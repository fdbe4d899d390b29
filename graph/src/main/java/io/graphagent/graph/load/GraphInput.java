package io.graphagent.graph.load;

import io.graphagent.graph.output.OutputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code --graph PREFIX} names: a Graphalytics graph ({@code PREFIX.v}, {@code PREFIX.e},
 * optional {@code PREFIX.properties}) or, when there is no {@code PREFIX.e} but PREFIX
 * itself is a file, a plain edge list as SNAP writes it (no properties).
 *
 * @param properties the graph's properties; empty for an edge list or when the file is absent
 */
public record GraphInput(Path prefix, boolean edgeList, GraphProperties properties) {

    /**
     * @throws GraphInputException when neither form exists, a file of the graph is not a regular
     *     file (a device or FIFO would be read without end), or PREFIX.properties cannot be read
     */
    public static GraphInput locate(Path prefix) throws GraphInputException, IOException {
        Path edges = prefix.resolveSibling(prefix.getFileName() + ".e");
        if (Files.exists(edges)) {
            requireRegular(edges);
            requireRegular(prefix.resolveSibling(prefix.getFileName() + ".v"));
            Path properties = prefix.resolveSibling(prefix.getFileName() + ".properties");
            if (Files.exists(properties)) {
                requireRegular(properties);
            }
            return new GraphInput(prefix, false, GraphProperties.forPrefix(prefix));
        }
        if (Files.isRegularFile(prefix)) {
            return new GraphInput(prefix, true, GraphProperties.empty());
        }
        if (Files.exists(prefix) && !Files.isDirectory(prefix)) {
            requireRegular(prefix);
        }
        Path vertices = prefix.resolveSibling(prefix.getFileName() + ".v");
        if (Files.exists(vertices)) {
            throw new GraphInputException(edges, 0, "file not found (" + vertices + " exists)",
                    "a Graphalytics graph PREFIX needs both PREFIX.v and PREFIX.e");
        }
        throw new GraphInputException(prefix, 0, "graph not found: neither " + edges + " nor an edge-list file " + prefix + " exists",
                "pass --graph PREFIX for PREFIX.v + PREFIX.e (Graphalytics), or the path of an edge-list file");
    }

    /**
     * Every file {@code --graph PREFIX} may lead to: PREFIX itself (an edge list), PREFIX.v,
     * PREFIX.e and PREFIX.properties, whether they exist or not; for checking where a job may
     * read before anything is read.
     */
    public static List<Path> candidateFiles(Path prefix) {
        return List.of(prefix, prefix.resolveSibling(prefix.getFileName() + ".v"),
                prefix.resolveSibling(prefix.getFileName() + ".e"), prefix.resolveSibling(prefix.getFileName() + ".properties"));
    }

    /** The files of the graph that exist: PREFIX.v, PREFIX.e and PREFIX.properties, or the edge list. */
    public List<Path> files() {
        if (edgeList) {
            return List.of(prefix);
        }
        List<Path> files = new ArrayList<>();
        for (String suffix : new String[] {".v", ".e", ".properties"}) {
            Path file = prefix.resolveSibling(prefix.getFileName() + suffix);
            if (Files.exists(file)) {
                files.add(file);
            }
        }
        return files;
    }

    /**
     * Refuses an output that is one of this graph's files (the same file, also through another
     * name or a hard link), which would destroy the input while the job reads it: never allowed,
     * not even with {@code --overwrite}.
     */
    public void checkNotOverwrittenBy(Path output) throws OutputException {
        if (!Files.exists(output, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        for (Path file : files()) {
            if (sameFile(file, output)) {
                throw new OutputException(output, "is an input of the same job (" + file + ")",
                        "choose an output path that is not one of the graph's files");
            }
        }
    }

    private static boolean sameFile(Path a, Path b) {
        try {
            return Files.isSameFile(a, b);
        } catch (IOException e) {
            return false; // unreadable: cannot be compared, and the output check names what is wrong with it
        }
    }

    private static void requireRegular(Path file) throws GraphInputException {
        if (Files.exists(file) && !Files.isRegularFile(file)) {
            throw new GraphInputException(file, 0, Files.isDirectory(file) ? "is a directory, not a graph file"
                    : "is not a regular file (a device, FIFO or socket)",
                    "give the path of a graph stored in regular files");
        }
    }

    /** Whether the graph has a PREFIX.properties file (an edge list never has one). */
    public boolean hasPropertiesFile() {
        return !edgeList && Files.exists(prefix.resolveSibling(prefix.getFileName() + ".properties"));
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
