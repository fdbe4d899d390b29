package io.graphagent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileTreeTest {
    @TempDir
    Path dir;

    @Test
    void deletesTheTreeWithEverythingInIt() throws IOException {
        Path tree = dir.resolve("job-3");
        Files.createDirectories(tree.resolve("step-4/nested"));
        Files.writeString(tree.resolve("step-4/partition-0.ckpt"), "values");
        Files.writeString(tree.resolve("step-4/nested/partition-1.ckpt"), "values");
        Files.writeString(tree.resolve("journal"), "j");

        FileTree.delete(tree);

        assertThat(tree).doesNotExist();
        assertThat(dir).exists();
    }

    @Test
    void aMissingTreeIsNothingToDelete() throws IOException {
        FileTree.delete(dir.resolve("never-written"));

        assertThat(dir.resolve("never-written")).doesNotExist();
    }

    @Test
    void aLinkInsideIsDeletedAsALinkAndItsTargetStays() throws IOException {
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Path kept = Files.writeString(outside.resolve("kept.txt"), "keep me");
        Path tree = Files.createDirectories(dir.resolve("tree"));
        Files.createSymbolicLink(tree.resolve("to-dir"), outside);
        Files.createSymbolicLink(tree.resolve("to-file"), kept);

        FileTree.delete(tree);

        assertThat(tree).doesNotExist();
        assertThat(kept).hasContent("keep me");
    }

    @Test
    void aTreeThatIsALinkLosesOnlyTheLink() throws IOException {
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Path kept = Files.writeString(outside.resolve("kept.txt"), "keep me");
        Path link = Files.createSymbolicLink(dir.resolve("link"), outside);

        FileTree.delete(link);

        assertThat(Files.exists(link, LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertThat(kept).hasContent("keep me");
    }

    @Test
    void aFileThatCannotBeDeletedIsNamedInTheError() {
        // Nothing under /proc can be unlinked, not even by root (tests may run as root, where
        // file permissions would not refuse anything).
        Path undeletable = Path.of("/proc/self/attr");
        assumeTrue(Files.isDirectory(undeletable), "needs Linux /proc");

        assertThatThrownBy(() -> FileTree.delete(undeletable))
                .isInstanceOf(FileSystemException.class)
                .hasMessageContaining(undeletable.toString() + "/")
                .satisfies(e -> assertThat(((FileSystemException) e).getFile()).startsWith(undeletable.toString()));
    }
}
