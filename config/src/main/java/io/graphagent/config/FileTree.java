package io.graphagent.config;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Deletes a directory tree: a checkpoint directory, a local cluster's certificates or etcd data.
 * Symbolic links are never followed: a link in the tree (or the tree itself, when it is a link)
 * is deleted as a link and what it points to stays. Files that vanish meanwhile are skipped; a
 * tree that a writer still fills gets up to {@value #PASSES} passes. Stateless and thread-safe.
 */
public final class FileTree {
    /** Passes over a tree that changes while it is deleted (an agent still writing a checkpoint) before giving up. */
    static final int PASSES = 3;

    private FileTree() {
    }

    /**
     * Deletes {@code root} with everything under it; nothing when it does not exist.
     *
     * @throws IOException when the tree cannot be deleted, naming the path that failed in its
     *     message (for a {@link java.nio.file.FileSystemException}, also in {@code getFile()})
     */
    public static void delete(Path root) throws IOException {
        IOException failure = null;
        for (int pass = 0; pass < PASSES && Files.exists(root, LinkOption.NOFOLLOW_LINKS); pass++) {
            try {
                Files.walkFileTree(root, new Deleting());
                failure = null;
            } catch (IOException e) {
                failure = e;
            }
        }
        if (failure != null) {
            throw named(failure, root);
        }
        if (Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            throw new DirectoryNotEmptyException(root.toString()); // files were still being added after PASSES passes
        }
    }

    /** {@code e} when it names its path, else a failure naming {@code root}. */
    private static IOException named(IOException e, Path root) {
        if (e instanceof FileSystemException fs && fs.getFile() != null) {
            return e;
        }
        FileSystemException named = new FileSystemException(root.toString(), null, e.getMessage());
        named.initCause(e);
        return named;
    }

    /** Deletes files (and links) as they are visited and each directory after its entries. */
    private static final class Deleting extends SimpleFileVisitor<Path> {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
            Files.deleteIfExists(file);
            return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
            if (e instanceof NoSuchFileException) {
                return FileVisitResult.CONTINUE;
            }
            throw e;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
            if (e != null && !(e instanceof NoSuchFileException)) {
                throw e;
            }
            Files.deleteIfExists(dir);
            return FileVisitResult.CONTINUE;
        }
    }
}
