package io.graphagent.config;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A directory claimed by one process: an OS lock on a file in it that holds the owner's pid.
 * {@code graphagent local} claims its state directory, a coordinator its
 * {@code coordinator.state-dir}, an agent its work directory for its id; a second process is
 * refused, naming the holder, instead of sharing files the first one relies on. The OS drops the
 * lock when the process dies, however it dies. Thread-safe.
 */
public final class ProcessLock implements AutoCloseable {

    /** Another process holds the lock. */
    public static final class HeldException extends Exception {
        private static final long serialVersionUID = 1L;
        private final String holder;

        HeldException(Path file, String holder) {
            super(file + " is held by " + (holder.isEmpty() ? "another process" : "pid " + holder));
            this.holder = holder;
        }

        /** The pid written by the holder, or empty when it wrote none yet. */
        public String holder() {
            return holder;
        }

        /** " (pid N)" for a message, or empty. */
        public String pidSuffix() {
            return holder.isEmpty() ? "" : " (pid " + holder + ")";
        }
    }

    private final FileChannel channel;
    private final FileLock lock;

    private ProcessLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock on {@code file} (created, with its directory, if absent) and writes this
     * process's pid into it.
     *
     * @throws HeldException when another process (or this one) holds it
     * @throws IOException   when the file cannot be created or locked
     */
    public static ProcessLock acquire(Path file) throws IOException, HeldException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.READ);
        try {
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw new HeldException(file, Files.readString(file, StandardCharsets.UTF_8).strip());
            }
            channel.truncate(0);
            channel.write(StandardCharsets.UTF_8.encode(ProcessHandle.current().pid() + "\n"), 0);
            return new ProcessLock(channel, lock);
        } catch (IOException | HeldException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Releases the lock; idempotent. */
    @Override
    public void close() {
        try {
            if (lock.isValid()) {
                lock.release();
            }
            channel.close();
        } catch (IOException e) {
            // The lock goes with the process anyway.
        }
    }
}
