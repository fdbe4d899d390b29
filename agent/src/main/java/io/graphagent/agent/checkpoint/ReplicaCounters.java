package io.graphagent.agent.checkpoint;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What an agent did with checkpoint copies since it started, for its metrics
 * ({@code graphagent_checkpoint_copy_bytes_total} and friends). Thread-safe.
 */
public final class ReplicaCounters {
    private final AtomicLong copiedFiles = new AtomicLong();
    private final AtomicLong copiedBytes = new AtomicLong();
    private final AtomicLong storedFiles = new AtomicLong();
    private final AtomicLong storedBytes = new AtomicLong();
    private final AtomicLong fetchedFiles = new AtomicLong();
    private final AtomicLong fetchedBytes = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();

    /** {@code files} files of {@code bytes} bytes copied to a peer and confirmed stored. */
    public void copied(int files, long bytes) {
        copiedFiles.addAndGet(files);
        copiedBytes.addAndGet(bytes);
    }

    /** {@code files} peer files of {@code bytes} bytes stored as copies. */
    public void stored(int files, long bytes) {
        storedFiles.addAndGet(files);
        storedBytes.addAndGet(bytes);
    }

    /** {@code files} files of {@code bytes} bytes fetched from a peer. */
    public void fetched(int files, long bytes) {
        fetchedFiles.addAndGet(files);
        fetchedBytes.addAndGet(bytes);
    }

    /** A copy or fetch failed. */
    public void failed() {
        failures.incrementAndGet();
    }

    /** Files this agent wrote and a peer confirmed stored. */
    public long copiedFiles() {
        return copiedFiles.get();
    }

    /** Bytes of those files. */
    public long copiedBytes() {
        return copiedBytes.get();
    }

    /** Peers' files this agent stored as copies (CRC checked). */
    public long storedFiles() {
        return storedFiles.get();
    }

    /** Bytes of those copies. */
    public long storedBytes() {
        return storedBytes.get();
    }

    /** Files this agent fetched from peers to restore a checkpoint. */
    public long fetchedFiles() {
        return fetchedFiles.get();
    }

    /** Bytes of those files. */
    public long fetchedBytes() {
        return fetchedBytes.get();
    }

    /** Copies and fetches that failed (peer gone, disk full, checksum mismatch), on either end. */
    public long failures() {
        return failures.get();
    }
}
