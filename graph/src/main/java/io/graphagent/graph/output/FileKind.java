package io.graphagent.graph.output;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;

/**
 * What is at a path, without following a symbolic link there: the words an error message uses
 * for a target that is not a regular file ("a character device", "a FIFO", ...). Stateless.
 */
enum FileKind {
    REGULAR("a regular file"),
    DIRECTORY("a directory"),
    SYMLINK("a symbolic link"),
    CHARACTER_DEVICE("a character device"),
    BLOCK_DEVICE("a block device"),
    FIFO("a FIFO (named pipe)"),
    SOCKET("a socket"),
    OTHER("not a regular file");

    /** File type bits of {@code st_mode} (S_IFMT) and their values, as in sys/stat.h. */
    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;
    private static final int S_IFBLK = 0060000;
    private static final int S_IFCHR = 0020000;
    private static final int S_IFIFO = 0010000;

    private final String words;

    FileKind(String words) {
        this.words = words;
    }

    /** How a message names it, e.g. "a character device". */
    String words() {
        return words;
    }

    /** What is at {@code path} (links not followed); empty when nothing is. */
    static Optional<FileKind> of(Path path) throws IOException {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        if (a.isRegularFile()) {
            return Optional.of(REGULAR);
        }
        if (a.isDirectory()) {
            return Optional.of(DIRECTORY);
        }
        if (a.isSymbolicLink()) {
            return Optional.of(SYMLINK);
        }
        return Optional.of(special(path));
    }

    /** Tells devices, FIFOs and sockets apart by the mode bits where the platform shows them. */
    private static FileKind special(Path path) {
        try {
            int type = ((Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS)) & S_IFMT;
            return switch (type) {
                case S_IFCHR -> CHARACTER_DEVICE;
                case S_IFBLK -> BLOCK_DEVICE;
                case S_IFIFO -> FIFO;
                case S_IFSOCK -> SOCKET;
                default -> OTHER;
            };
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | ClassCastException e) {
            return OTHER;
        }
    }
}
