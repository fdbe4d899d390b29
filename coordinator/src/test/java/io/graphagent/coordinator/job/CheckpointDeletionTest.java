package io.graphagent.coordinator.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Deleting a job's checkpoints: the whole tree goes, and a failure says why in words (event=checkpoint_cleanup_failed). */
class CheckpointDeletionTest {

    @TempDir
    Path dir;

    @Test
    void aCheckpointTreeIsDeletedWhole() throws Exception {
        Path step = Files.createDirectories(dir.resolve("job-3/step-4"));
        Files.writeString(step.resolve("partition-0.ckpt"), "values");

        assertThat(CheckpointCoordinator.delete(dir.resolve("job-3"))).isNull();
        assertThat(dir.resolve("job-3")).doesNotExist();
        assertThat(CheckpointCoordinator.delete(dir.resolve("never-written"))).as("nothing to delete").isNull();
    }

    @Test
    void aFailureNamesItsKindThePathAndAHintNotJustThePath() {
        Path job = dir.resolve("job-3");

        assertThat(CheckpointCoordinator.describe(new DirectoryNotEmptyException(job + "/step-4"), job))
                .isEqualTo("DirectoryNotEmptyException on " + job + "/step-4: files were added while deleting"
                        + " (an agent still writing?)");
        assertThat(CheckpointCoordinator.describe(new AccessDeniedException(job + "/step-4/partition-0.ckpt"), job))
                .startsWith("AccessDeniedException on " + job + "/step-4/partition-0.ckpt: permission denied");
    }
}
