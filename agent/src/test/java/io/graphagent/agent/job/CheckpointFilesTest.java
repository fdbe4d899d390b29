package io.graphagent.agent.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkpoint file is whole or absent: written to a temporary file, fsynced, renamed. A full
 * disk is the kernel's ENOSPC for real: the temporary file is a link to /dev/full, which
 * answers every write with "No space left on device".
 */
class CheckpointFilesTest {

    @TempDir
    Path dir;

    @Test
    void aWrittenFileReadsBackWholeAndLeavesNoTemporary() throws IOException {
        long size = CheckpointFiles.write(dir, 3, "agent-1", out -> {
            out.writeInt(42);
            out.writeDouble(0.5);
        });
        assertThat(size).isEqualTo(12);
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("part-3.ckpt");
        }
    }

    @Test
    void aFullDiskFailsWithENOSPCAndLeavesNeitherTheFileNorItsTemporary() throws IOException {
        Path devFull = Path.of("/dev/full");
        assertThat(devFull).as("Linux's /dev/full").exists();
        Path temp = dir.resolve("part-3.ckpt.tmp-agent-1");
        Files.createSymbolicLink(temp, devFull);

        assertThatThrownBy(() -> CheckpointFiles.write(dir, 3, "agent-1", out -> out.write(new byte[1 << 20])))
                .isInstanceOf(IOException.class).hasMessageContaining("No space left on device");

        assertThat(CheckpointFiles.file(dir, 3)).doesNotExist();
        assertThat(temp).as("the temporary is removed").doesNotExist();
        assertThat(devFull).exists();
    }
}
