package io.graphagent.graph.output;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.LinkOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A file that appears whole or not at all: bytes go to a hidden temporary file in the
 * target's directory, and {@link #commit()} forces them to disk and renames the temporary
 * over the target in one atomic step. Closing without a commit deletes the temporary, so a
 * failed or interrupted write leaves nothing behind (a killed JVM may leave a
 * {@code .NAME.*.tmp} file, never a truncated {@code NAME}).
 *
 * <p>Only a regular file is ever written or replaced: a device, FIFO, socket, symbolic link or
 * directory at the target is refused, when the file is opened and again at the commit. An
 * existing regular file is replaced only with {@link Existing#REPLACE} (keeping its permission
 * bits); with {@link Existing#REFUSE} the commit links the new file in place only if nothing is
 * there yet, so a file that appeared meanwhile is not replaced either.
 *
 * <p>Not thread-safe: one writer at a time.
 */
public final class AtomicFile implements AutoCloseable {
    private final Path target;
    private final Path temp;
    private final FileChannel channel;
    private final Existing existing;
    private boolean committed;

    private AtomicFile(Path target, Path temp, FileChannel channel, Existing existing) {
        this.target = target;
        this.temp = temp;
        this.channel = channel;
        this.existing = existing;
    }

    /**
     * Opens a temporary file beside {@code target}.
     *
     * @param existing whether an existing regular file at {@code target} may be replaced
     * @throws OutputException when the directory is missing, not a directory, or not writable, or
     *     the target is not a regular file, or exists and {@code existing} is {@link Existing#REFUSE}
     */
    public static AtomicFile create(Path target, Existing existing) throws IOException {
        Path absolute = target.toAbsolutePath().normalize();
        checkWritable(absolute, existing);
        Path dir = absolute.getParent();
        FileChannel channel = null;
        Path temp = null;
        for (int attempt = 0; channel == null; attempt++) {
            temp = dir.resolve(tempName(absolute));
            try {
                // Not Files.createTempFile: it makes the file private (0600); results keep the umask's mode.
                channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            } catch (FileAlreadyExistsException e) {
                if (attempt > 100) {
                    throw e;
                }
            } catch (AccessDeniedException | NoSuchFileException e) {
                throw notWritable(absolute, dir, e);
            } catch (FileSystemException e) {
                throw new OutputException(absolute, "cannot create a file in " + dir + " (" + reason(e) + ")",
                        "choose an output path in a writable directory", e);
            }
        }
        return new AtomicFile(absolute, temp, channel, existing);
    }

    /** A hidden name beside the target, unique enough that two writers never collide. */
    private static String tempName(Path target) {
        return "." + target.getFileName() + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp";
    }

    /**
     * Checks, before any long work, that a file can be created at {@code target}: its
     * directory exists, is a directory, accepts a new file, and the target itself is not a
     * directory, nor anything else than a regular file, and exists only when {@code existing}
     * allows it. Probes by creating and deleting an empty temporary file, which also catches
     * read-only file systems and ACLs that permission bits do not show.
     *
     * @throws OutputException naming the path, the problem and the fix
     */
    public static void checkWritable(Path target, Existing existing) throws OutputException {
        Path absolute = target.toAbsolutePath().normalize();
        Path dir = absolute.getParent();
        if (dir == null || absolute.getFileName() == null) {
            throw new OutputException(target, "is not a file path", "give a file name such as out/result.txt");
        }
        if (Files.isDirectory(absolute, LinkOption.NOFOLLOW_LINKS)) {
            throw new OutputException(target, "is a directory", "give a file name inside it, e.g. " + absolute.resolve("result.txt"));
        }
        checkTarget(absolute, existing);
        Path ancestor = dir;
        while (ancestor != null && !Files.exists(ancestor)) {
            ancestor = ancestor.getParent();
        }
        if (ancestor != null && !Files.isDirectory(ancestor)) {
            throw new OutputException(target, ancestor + " is a file, not a directory",
                    "choose an output path under an existing directory");
        }
        if (!Files.isDirectory(dir)) {
            throw new OutputException(target, "directory " + dir + " does not exist",
                    "create it (mkdir -p " + dir + ") or choose another output path");
        }
        try {
            Path probe = Files.createFile(dir.resolve(tempName(absolute)));
            Files.delete(probe);
        } catch (IOException e) {
            throw notWritable(absolute, dir, e);
        }
    }

    /** Appends all remaining bytes of {@code buffer}. */
    public void write(ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    /** Appends {@code bytes[0..length)}. */
    public void write(byte[] bytes, int length) throws IOException {
        write(ByteBuffer.wrap(bytes, 0, length));
    }

    /**
     * Forces the bytes to disk and puts them at the target in one atomic step, then syncs the
     * directory. With {@link Existing#REFUSE} the temporary is hard-linked to the target, which
     * fails if anything is there (no window in which a file that appeared is replaced); on a file
     * system without hard links, the target is checked and the temporary renamed. With
     * {@link Existing#REPLACE} the target is checked to be a regular file (or absent) again, its
     * permission bits are copied, and the temporary is renamed over it.
     *
     * @throws OutputException when the target became something that must not be replaced
     */
    public void commit() throws IOException {
        channel.force(true);
        channel.close();
        if (existing == Existing.REFUSE && link()) {
            Files.delete(temp);
        } else {
            checkTarget(target, existing);
            if (existing == Existing.REPLACE) {
                keepPermissions();
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new OutputException(target, "the file system cannot rename atomically", "write to a local file system", e);
            }
        }
        committed = true;
        syncDirectory(target.getParent());
    }

    /** Links the temporary at the target; false when the file system has no hard links. */
    private boolean link() throws IOException {
        try {
            Files.createLink(target, temp);
            return true;
        } catch (FileAlreadyExistsException e) {
            throw exists(target, kindAt(target));
        } catch (UnsupportedOperationException e) {
            return false;
        } catch (FileSystemException e) {
            // EPERM / EXDEV from file systems that refuse links (some FUSE, SMB): fall back to a rename.
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                throw exists(target, kindAt(target));
            }
            return false;
        }
    }

    /** The existing target's permission bits on the new file, so --overwrite does not change a file's mode. */
    private void keepPermissions() {
        try {
            if (Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
                Files.setPosixFilePermissions(temp, Files.getPosixFilePermissions(target, LinkOption.NOFOLLOW_LINKS));
            }
        } catch (IOException | UnsupportedOperationException e) {
            // Not POSIX, or the target vanished: the new file keeps the umask's mode.
        }
    }

    /** Refuses a target that is not a regular file, or that exists when {@code existing} says so. */
    private static void checkTarget(Path target, Existing existing) throws OutputException {
        Optional<FileKind> kind = kindAt(target);
        if (kind.isEmpty()) {
            return;
        }
        if (kind.get() != FileKind.REGULAR || existing == Existing.REFUSE) {
            throw exists(target, kind);
        }
    }

    private static Optional<FileKind> kindAt(Path target) throws OutputException {
        try {
            return FileKind.of(target);
        } catch (IOException e) {
            throw new OutputException(target, "cannot be examined (" + reason(e) + ")", "choose another output path", e);
        }
    }

    private static OutputException exists(Path target, Optional<FileKind> kind) {
        FileKind k = kind.orElse(FileKind.REGULAR);
        return switch (k) {
            case REGULAR -> new OutputException(target, "already exists",
                    "pass --overwrite to replace it, or choose another output path");
            case SYMLINK -> new OutputException(target, "is a symbolic link; outputs are written only as regular files",
                    "give the path of the file itself, or another output path");
            case DIRECTORY -> new OutputException(target, "is a directory",
                    "give a file name inside it, e.g. " + target.resolve("result.txt"));
            default -> new OutputException(target, "is " + k.words() + ", not a regular file; outputs are written"
                    + " only as regular files", "choose an output path that names a regular file or nothing yet");
        };
    }

    /** Deletes the temporary unless committed; never throws for a missing temporary. */
    @Override
    public void close() throws IOException {
        if (committed) {
            return;
        }
        try {
            channel.close();
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Makes the rename itself durable; best effort, as not every platform can open a directory. */
    private static void syncDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // The data is on disk; only the rename's durability across a power cut is weaker.
        }
    }

    private static OutputException notWritable(Path target, Path dir, IOException e) {
        return new OutputException(target, "directory " + dir + " is not writable (" + reason(e) + ")",
                "grant write permission (chmod u+w " + dir + ") or choose another output path", e);
    }

    private static String reason(IOException e) {
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return e.getClass().getSimpleName();
    }
}
