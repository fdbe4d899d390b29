package io.graphagent.agent.checkpoint;

import java.nio.file.Path;

/** The name of a partition's checkpoint file in a checkpoint directory: {@code part-P.ckpt}. */
public final class CheckpointFile {

    private CheckpointFile() {
    }

    public static Path of(Path dir, int partition) {
        return dir.resolve("part-" + partition + ".ckpt");
    }
}
