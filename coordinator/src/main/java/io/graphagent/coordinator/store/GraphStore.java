package io.graphagent.coordinator.store;

import com.google.protobuf.InvalidProtocolBufferException;
import io.graphagent.protocol.v1.StoredGraph;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The resident graphs on disk: one {@link StoreFile} per graph ({@code STATE/graphs/NAME.graph},
 * a {@link StoredGraph}), written when a load is accepted and when it ends, deleted when the
 * graph is dropped. Thread-safe (each graph's file is written by one thread at a time).
 */
public final class GraphStore implements GraphRecords {
    /** Subdirectory of the state directory. */
    public static final String DIRECTORY = "graphs";
    /** File name suffix of a graph record. */
    public static final String SUFFIX = ".graph";

    private final Path dir;

    private GraphStore(Path dir) {
        this.dir = dir;
    }

    /** The store under {@code stateDir} (created if absent). */
    public static GraphStore open(Path stateDir) throws StateDirException {
        Path dir = stateDir.resolve(DIRECTORY);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new StateDirException(dir, "cannot be created (" + e.getMessage() + ")",
                    "make coordinator.state-dir writable by the coordinator's user", e);
        }
        return new GraphStore(dir);
    }

    /**
     * Every recorded graph by name, after deleting temporaries a crash left.
     *
     * @throws StateDirException naming the first file that is torn, corrupt or not a graph record
     */
    public List<StoredGraph> load() throws StateDirException {
        List<Path> files = StoreFile.records(dir, SUFFIX);
        List<StoredGraph> graphs = new ArrayList<>();
        for (Path file : files) {
            StoredGraph graph = parse(file, StoreFile.read(file));
            if (!file.getFileName().toString().equals(graph.getName() + SUFFIX)) {
                throw new StateDirException(file, "holds graph '" + graph.getName() + "', which does not match its name",
                        "move it out of " + dir + " (the graph is then forgotten and its agents drop it)");
            }
            graphs.add(graph);
        }
        graphs.sort(Comparator.comparing(StoredGraph::getName));
        return graphs;
    }

    @Override
    public void save(StoredGraph graph) throws StateDirException {
        StoreFile.write(file(graph.getName()), graph.toByteArray());
    }

    @Override
    public void delete(String name) throws StateDirException {
        Path file = file(name);
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new StateDirException(file, "cannot be deleted (" + e.getMessage() + ")",
                    "make " + dir + " writable by the coordinator's user", e);
        }
    }

    /** The file of the graph {@code name}. */
    public Path file(String name) {
        return dir.resolve(name + SUFFIX);
    }

    private static StoredGraph parse(Path file, byte[] payload) throws StateDirException {
        String fix = "move it out of " + file.getParent() + " (the graph is then forgotten and its agents drop it)";
        try {
            StoredGraph graph = StoredGraph.parseFrom(payload);
            if (graph.getName().isEmpty() || graph.getGeneration() == 0) {
                throw new StateDirException(file, "is not a graph record (no name or no generation)", fix);
            }
            return graph;
        } catch (InvalidProtocolBufferException e) {
            throw new StateDirException(file, "is corrupt: its checksum matches but it is not a graph record ("
                    + e.getMessage() + ")", fix, e);
        }
    }
}
