package io.graphagent.agent.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An agent's own checkpoint directory: what the coordinator may name, and what is deleted when. */
class LocalCheckpointsTest {

    @TempDir
    Path work;

    @Test
    void aRelativeDirectoryResolvesUnderTheAgentsRootAndNothingClimbsOut() {
        LocalCheckpoints local = LocalCheckpoints.under(work, "agent-1");

        assertThat(local.resolve("job-3/step-9")).isEqualTo(work.resolve("checkpoints/agent-1/job-3/step-9").toAbsolutePath());
        assertThat(local.resolve(LocalCheckpoints.relative("job-3", 9))).isEqualTo(local.dir("job-3", 9));
        for (String bad : new String[] {"../agent-2/job-3/step-9", "job-3/../../x/step-1", "job-3", "job-3/step-x",
                "job-3/step-1/part-1.ckpt", "../job-3/step-1"}) {
            assertThatThrownBy(() -> local.resolve(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> local.dir("..", 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void olderCheckpointsGoExceptTheRetainedOneAndNewerOnesStay() throws IOException {
        LocalCheckpoints local = LocalCheckpoints.under(work, "agent-1");
        for (int s : new int[] {4, 9, 14, 19}) {
            Files.createDirectories(local.dir("job-1", s));
            Files.writeString(CheckpointFile.of(local.dir("job-1", s), 0), "x");
        }
        Files.createDirectories(local.dir("job-2", 4));

        local.deleteOlder("job-1", 19, 9);

        assertThat(local.dir("job-1", 4)).doesNotExist();
        assertThat(local.dir("job-1", 14)).doesNotExist();
        assertThat(local.dir("job-1", 9)).isDirectory();
        assertThat(local.dir("job-1", 19)).as("a copy of the checkpoint being written may arrive first").isDirectory();
        assertThat(local.dir("job-2", 4)).as("other jobs untouched").isDirectory();

        local.deleteAllBut("job-1", 19);
        assertThat(local.dir("job-1", 9)).doesNotExist();
        assertThat(local.dir("job-1", 19)).isDirectory();

        local.deleteJob("job-1");
        assertThat(local.root().resolve("job-1")).doesNotExist();
        assertThat(local.dir("job-2", 4)).isDirectory();
    }
}
