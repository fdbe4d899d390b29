package io.graphagent.coordinator.store;

import io.graphagent.protocol.v1.StoredJob;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * The coordinator's state directory ({@code coordinator.state-dir}) opened for one coordinator
 * process: an OS lock on {@value #LOCK_FILE} (two coordinators on one directory would hand out
 * the same epochs and overwrite each other's jobs; the OS drops the lock however the process
 * dies), the {@link MembershipStore} with this start counted, and the {@link JobStore} with
 * the jobs it holds. Every problem is a {@link StateDirException} naming the file and the fix.
 * Layout:
 *
 * <pre>
 * coordinator.lock     pid of the coordinator holding the directory
 * membership.state     epoch ceiling, known agent ids, incarnation (StoredMembership)
 * jobs/job-N.job       one record per job (StoredJob)
 * events.jsonl         the event log (ops)
 * </pre>
 */
public final class StateDir implements AutoCloseable {
    /** The lock file's name. */
    public static final String LOCK_FILE = "coordinator.lock";

    private final Path dir;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final MembershipStore membership;
    private final JobStore jobs;
    private final List<StoredJob> storedJobs;

    private StateDir(Path dir, FileChannel lockChannel, FileLock lock, MembershipStore membership, JobStore jobs,
                     List<StoredJob> storedJobs) {
        this.dir = dir;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.membership = membership;
        this.jobs = jobs;
        this.storedJobs = storedJobs;
    }

    /**
     * Locks {@code dir} (created if absent) and reads what an earlier coordinator left in it.
     *
     * @throws StateDirException when another process holds it, or a file is unreadable, torn or corrupt
     */
    public static StateDir open(Path dir) throws StateDirException {
        Path lockFile = dir.resolve(LOCK_FILE);
        FileChannel channel;
        try {
            Files.createDirectories(dir);
            channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
        } catch (IOException e) {
            throw new StateDirException(lockFile, "cannot be created (" + e.getMessage() + ")",
                    "make coordinator.state-dir writable by the coordinator's user", e);
        }
        try {
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                String holder = Files.readString(lockFile, StandardCharsets.UTF_8).strip();
                throw new StateDirException(lockFile, "is held by another coordinator"
                        + (holder.isEmpty() ? "" : " (pid " + holder + ")"),
                        "stop that coordinator, or give this one its own coordinator.state-dir");
            }
            channel.truncate(0);
            channel.write(StandardCharsets.UTF_8.encode(ProcessHandle.current().pid() + "\n"), 0);
            MembershipStore membership = MembershipStore.open(dir);
            JobStore jobs = JobStore.open(dir);
            return new StateDir(dir, channel, lock, membership, jobs, jobs.load());
        } catch (IOException e) {
            close(channel);
            throw new StateDirException(lockFile, "cannot be locked (" + e.getMessage() + ")",
                    "put coordinator.state-dir on a local file system that supports locks", e);
        } catch (StateDirException | RuntimeException e) {
            close(channel);
            throw e;
        }
    }

    public Path directory() {
        return dir;
    }

    public MembershipStore membership() {
        return membership;
    }

    public JobStore jobs() {
        return jobs;
    }

    /** The jobs found at open, oldest first. */
    public List<StoredJob> storedJobs() {
        return storedJobs;
    }

    /** Releases the lock; idempotent. */
    @Override
    public void close() {
        try {
            if (lock.isValid()) {
                lock.release();
            }
        } catch (IOException e) {
            // The lock goes with the process anyway.
        }
        close(lockChannel);
    }

    private static void close(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // Nothing left to release.
        }
    }
}
