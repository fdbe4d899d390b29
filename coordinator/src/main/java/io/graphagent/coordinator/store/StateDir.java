package io.graphagent.coordinator.store;

import io.graphagent.config.ProcessLock;
import io.graphagent.protocol.v1.StoredGraph;
import io.graphagent.protocol.v1.StoredJob;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The coordinator's state directory ({@code coordinator.state-dir}) opened for one coordinator
 * process: a {@link ProcessLock} on {@value #LOCK_FILE} (two coordinators on one directory would hand out
 * the same epochs and overwrite each other's jobs; the OS drops the lock however the process
 * dies), the {@link MembershipStore} with this start counted, and the {@link JobStore} with
 * the jobs it holds. Every problem is a {@link StateDirException} naming the file and the fix.
 * Layout:
 *
 * <pre>
 * coordinator.lock     pid of the coordinator holding the directory
 * membership.state     epoch ceiling, known agent ids, incarnation (StoredMembership)
 * jobs/job-N.job       one record per job (StoredJob)
 * graphs/NAME.graph    one record per resident graph (StoredGraph)
 * events.jsonl         the event log (ops)
 * </pre>
 */
public final class StateDir implements AutoCloseable {
    /** The lock file's name. */
    public static final String LOCK_FILE = "coordinator.lock";

    private final Path dir;
    private final ProcessLock lock;
    private final MembershipStore membership;
    private final JobStore jobs;
    private final List<StoredJob> storedJobs;
    private final GraphStore graphs;
    private final List<StoredGraph> storedGraphs;

    private StateDir(Path dir, ProcessLock lock, MembershipStore membership, JobStore jobs, List<StoredJob> storedJobs,
                     GraphStore graphs, List<StoredGraph> storedGraphs) {
        this.dir = dir;
        this.lock = lock;
        this.membership = membership;
        this.jobs = jobs;
        this.storedJobs = storedJobs;
        this.graphs = graphs;
        this.storedGraphs = storedGraphs;
    }

    /**
     * Locks {@code dir} (created if absent) and reads what an earlier coordinator left in it.
     *
     * @throws StateDirException when another process holds it, or a file is unreadable, torn or corrupt
     */
    public static StateDir open(Path dir) throws StateDirException {
        Path lockFile = dir.resolve(LOCK_FILE);
        ProcessLock lock;
        try {
            lock = ProcessLock.acquire(lockFile);
        } catch (ProcessLock.HeldException e) {
            throw new StateDirException(lockFile, "is held by another coordinator" + e.pidSuffix(),
                    "stop that coordinator, or give this one its own coordinator.state-dir");
        } catch (IOException e) {
            throw new StateDirException(lockFile, "cannot be created or locked (" + e.getMessage() + ")",
                    "make coordinator.state-dir writable by the coordinator's user, on a local file system that supports"
                            + " locks", e);
        }
        try {
            MembershipStore membership = MembershipStore.open(dir);
            JobStore jobs = JobStore.open(dir);
            GraphStore graphs = GraphStore.open(dir);
            return new StateDir(dir, lock, membership, jobs, jobs.load(), graphs, graphs.load());
        } catch (StateDirException | RuntimeException e) {
            lock.close();
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

    public GraphStore graphs() {
        return graphs;
    }

    /** The resident graphs found at open, by name. */
    public List<StoredGraph> storedGraphs() {
        return storedGraphs;
    }

    /** Releases the lock; idempotent. */
    @Override
    public void close() {
        lock.close();
    }
}
