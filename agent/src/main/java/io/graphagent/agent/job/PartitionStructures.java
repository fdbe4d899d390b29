package io.graphagent.agent.job;

import io.graphagent.agent.structure.PartitionStructure;
import io.graphagent.agent.structure.StructureException;
import io.graphagent.agent.structure.StructureFile;
import io.graphagent.agent.structure.StructureShare;
import io.graphagent.graph.partition.GraphShare;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The structure files of the jobs this agent holds: written beside the checkpoints, in the
 * checkpoint's parent directory's {@code structure} (shared: {@code job.checkpoint-dir/JOB/structure};
 * peer copies: {@code JOB/structure} under the agent's own checkpoint directory, copied to the
 * same peer as the checkpoint), so that a recovery builds shares from them instead of loading
 * the input again. Each owned partition's file is written at the first checkpoint after the
 * share was built, when it is not there already; with peer copies, copied again only when the
 * checkpoint's copy goes to a peer that has not had them. The job thread's, and the checkpoint
 * writer's ({@link #beforeCheckpoint}), which the job thread awaits before it builds, rebuilds or
 * forgets a share.
 */
final class PartitionStructures {
    private static final Logger log = LoggerFactory.getLogger(PartitionStructures.class);
    static final String DIRECTORY = "structure";

    /** A share whose structure this agent writes: its kernel's source vertex, and the peers that got copies. */
    private record Held(GraphShare share, int sourceDense, Set<String> copiedTo) {
    }

    private final PeerCheckpoints peers;
    private final ExecutorService io;
    private final Map<String, Held> held = new ConcurrentHashMap<>();

    /** The agent's clock, for the time a rebuild took. */
    private final java.time.Clock clock;

    /** @param io runs the files' reads side by side in a rebuild (the compute threads, idle then) */
    PartitionStructures(PeerCheckpoints peers, ExecutorService io, java.time.Clock clock) {
        this.clock = clock;
        this.peers = peers;
        this.io = io;
    }

    /** {@code job} runs on {@code share} from now on (loaded or rebuilt); {@code sourceDense} -1 for none. */
    void started(String job, GraphShare share, int sourceDense) {
        held.put(job, new Held(share, sourceDense, ConcurrentHashMap.newKeySet()));
    }

    /** The job's files here are gone or of no more use (released, aborted, started afresh). */
    void forget(String job) {
        held.remove(job);
    }

    /** The peers' copies of the job's files are gone (a restart from scratch drops them): copy again. */
    void copiesGone(String job) {
        Held h = held.get(job);
        if (h != null) {
            h.copiedTo().clear();
        }
    }

    /** The structure directory beside checkpoint directory {@code checkpointDir}. */
    static Path beside(Path checkpointDir) {
        return checkpointDir.getParent().resolve(DIRECTORY);
    }

    /**
     * Before checkpoint files go to {@code checkpointDir}: writes the structure file of every
     * partition of the job's share that is missing, and copies them all to {@code replicaAddress}
     * (non-empty: peer copies) unless that peer had them. Returns null when done (or the job's
     * share is not one this agent writes structure for: a resident graph's), else why not.
     */
    String beforeCheckpoint(String job, long epoch, GraphShare share, Path checkpointDir, String replicaAddress) {
        Held h = held.get(job);
        if (h == null || h.share() != share) {
            return null;
        }
        Path dir = beside(checkpointDir);
        long t0 = clock.millis();
        long bytes = 0;
        int written = 0;
        try {
            Files.createDirectories(dir);
            // On the calling (checkpoint writer) thread: the compute threads run the next superstep meanwhile.
            for (int p : share.owned()) {
                if (!Files.exists(StructureFile.of(dir, p))) {
                    bytes += StructureFile.write(dir, share, p, h.sourceDense());
                    written++;
                }
            }
        } catch (IOException e) {
            return "cannot write the structure files to " + dir + ": " + e;
        }
        if (written > 0) {
            log.info("event=structure_written job={} dir={} partitions={} bytes={} ms={}", job, dir, written, bytes,
                    clock.millis() - t0);
        }
        if (!replicaAddress.isEmpty() && !h.copiedTo().contains(replicaAddress)) {
            String failed = peers.copyStructure(job, epoch, replicaAddress, dir, share.owned());
            if (failed != null) {
                return failed;
            }
            h.copiedTo().add(replicaAddress);
        }
        return null;
    }

    /** A share built from structure files, its kernel's source vertex and the bytes read. */
    record Rebuilt(GraphShare share, int sourceDense, long bytes) {
    }

    /**
     * Builds the share of {@code owned} from their files in {@code dir}, after fetching those of
     * {@code sources} (peer copies) from the peers named there.
     *
     * @throws StructureException when a file is missing, torn, of another version or graph, or cannot be fetched
     */
    Rebuilt rebuild(String job, Path dir, int[] owned, Map<Integer, String> sources) throws StructureException {
        if (!sources.isEmpty()) {
            String failed = peers.fetchStructure(job, sources, dir);
            if (failed != null) {
                throw new StructureException(failed);
            }
        }
        List<Callable<PartitionStructure>> reads = new ArrayList<>();
        for (int p : owned) {
            reads.add(() -> StructureFile.read(dir, p));
        }
        List<PartitionStructure> structures = new ArrayList<>();
        long bytes = 0;
        try {
            for (Future<PartitionStructure> r : io.invokeAll(reads)) {
                PartitionStructure s = r.get();
                structures.add(s);
                bytes += Files.size(StructureFile.of(dir, s.partition()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StructureException("interrupted while reading the structure files in " + dir);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof StructureException s) {
                throw s;
            }
            throw new StructureException("cannot read the structure files in " + dir + ": " + e.getCause(), e.getCause());
        } catch (IOException e) {
            throw new StructureException("cannot read the structure files in " + dir + ": " + e, e);
        }
        GraphShare share = StructureShare.assemble(structures);
        return new Rebuilt(share, structures.get(0).sourceDense(), bytes);
    }
}
