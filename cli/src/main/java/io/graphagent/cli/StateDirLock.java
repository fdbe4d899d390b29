package io.graphagent.cli;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;

/**
 * The claim of one {@code graphagent local} on its state directory: an OS file lock on
 * {@code local.lock} holding the owner's pid, so that a second {@code local} on the same
 * directory is refused instead of replacing the certificates of a running cluster. The OS
 * drops the lock when the process dies, however it dies.
 */
final class StateDirLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private StateDirLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** @throws BadInputException when another process holds the directory */
    static StateDirLock acquire(LocalState state) throws IOException {
        Files.createDirectories(state.dir());
        FileChannel channel = FileChannel.open(state.lockFile(), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.READ);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            channel.close();
            String holder = Files.readString(state.lockFile(), StandardCharsets.UTF_8).strip();
            throw new BadInputException("another 'graphagent local' runs with state directory " + state.dir()
                    + (holder.isEmpty() ? "" : " (pid " + holder + ")"),
                    "stop it (Ctrl-C in its terminal), or pass --state-dir DIR and --port N for a second cluster");
        }
        channel.truncate(0);
        channel.write(StandardCharsets.UTF_8.encode(ProcessHandle.current().pid() + "\n"), 0);
        return new StateDirLock(channel, lock);
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            // The lock goes with the process anyway.
        }
    }
}
