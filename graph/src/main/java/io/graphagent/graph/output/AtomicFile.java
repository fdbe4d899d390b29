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
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A file that appears whole or not at all: bytes go to a hidden temporary file in the
 * target's directory, and {@link #commit()} forces them to disk and renames the temporary
 * over the target in one atomic step. Closing without a commit deletes the temporary, so a
 * failed or interrupted write leaves nothing behind (a killed JVM may leave a
 * {@code .NAME.*.tmp} file, never a truncated {@code NAME}).
 *
 * <p>Not thread-safe: one writer at a time.
 */
public final class AtomicFile implements AutoCloseable {
    private final Path target;
    private final Path temp;
    private final FileChannel channel;
    private boolean committed;

    private AtomicFile(Path target, Path temp, FileChannel channel) {
        this.target = target;
        this.temp = temp;
        this.channel = channel;
    }

    /**
     * Opens a temporary file beside {@code target}.
     *
     * @throws OutputException when the directory is missing, not a directory, or not writable
     */
    public static AtomicFile create(Path target) throws IOException {
        Path absolute = target.toAbsolutePath().normalize();
        checkWritable(absolute);
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
        return new AtomicFile(absolute, temp, channel);
    }

    /** A hidden name beside the target, unique enough that two writers never collide. */
    private static String tempName(Path target) {
        return "." + target.getFileName() + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp";
    }

    /**
     * Checks, before any long work, that a file can be created at {@code target}: its
     * directory exists, is a directory, accepts a new file, and the target itself is not a
     * directory. Probes by creating and deleting an empty temporary file, which also catches
     * read-only file systems and ACLs that permission bits do not show.
     *
     * @throws OutputException naming the directory and the fix
     */
    public static void checkWritable(Path target) throws OutputException {
        Path absolute = target.toAbsolutePath().normalize();
        Path dir = absolute.getParent();
        if (dir == null || absolute.getFileName() == null) {
            throw new OutputException(target, "is not a file path", "give a file name such as out/result.txt");
        }
        if (Files.isDirectory(absolute)) {
            throw new OutputException(target, "is a directory", "give a file name inside it, e.g. " + absolute.resolve("result.txt"));
        }
        Path existing = dir;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing != null && !Files.isDirectory(existing)) {
            throw new OutputException(target, existing + " is a file, not a directory",
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

    /** Forces the bytes to disk, renames the temporary over the target, then syncs the directory. */
    public void commit() throws IOException {
        channel.force(true);
        channel.close();
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new OutputException(target, "the file system cannot rename atomically", "write to a local file system", e);
        }
        committed = true;
        syncDirectory(target.getParent());
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
