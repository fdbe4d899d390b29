package io.graphagent.coordinator.job;

import io.graphagent.protocol.v1.GraphFiles;
import io.graphagent.protocol.v1.InputFileKind;
import io.graphagent.protocol.v1.InputSplit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a job's input files into byte ranges, one per agent and file, of about equal size; an
 * agent parses the lines that start in its ranges, so together the agents read the input once.
 * The cuts need not fall on line ends: each agent moves its range's ends to the next line start.
 * Stateless.
 */
final class InputSplits {
    private InputSplits() {
    }

    /** The splits of agent {@code index} of {@code agents}. */
    static List<InputSplit> of(GraphFiles input, int index, int agents) throws IOException {
        List<InputSplit> splits = new ArrayList<>(2);
        if (!input.getVertexFile().isEmpty()) {
            splits.add(range(InputFileKind.VERTEX_FILE, Files.size(Path.of(input.getVertexFile())), index, agents));
        }
        splits.add(range(InputFileKind.EDGE_FILE, Files.size(Path.of(input.getEdgeFile())), index, agents));
        return splits;
    }

    private static InputSplit range(InputFileKind file, long size, int index, int agents) {
        long start = Math.multiplyHigh(size, index) == 0 ? size * index / agents : (long) ((double) size * index / agents);
        long end = index + 1 == agents ? size
                : Math.multiplyHigh(size, index + 1) == 0 ? size * (index + 1) / agents : (long) ((double) size * (index + 1) / agents);
        return InputSplit.newBuilder().setFile(file).setStart(start).setEnd(end).build();
    }
}
