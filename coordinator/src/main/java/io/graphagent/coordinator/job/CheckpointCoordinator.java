package io.graphagent.coordinator.job;

import io.graphagent.config.CheckpointStorage;
import io.graphagent.config.DurationFormat;
import io.graphagent.config.FileTree;
import io.graphagent.graph.pregel.Delivery;
import io.graphagent.protocol.v1.Checkpoint;
import io.graphagent.protocol.v1.Command;
import io.graphagent.protocol.v1.FailureKind;
import io.graphagent.protocol.v1.Report;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A job's checkpoints: orders them, counts one complete only when every agent reported it
 * written (and, with peer copies, copied to the next agent in the ring), records it before the
 * previous one is deleted, and keeps track of who holds which file as agents are lost or fetch
 * files in a restore. A checkpoint that fails is logged and the job carries on with the
 * previous one: a lost agent then costs more supersteps, never a result. Driver thread only.
 */
final class CheckpointCoordinator {
    private static final Logger log = LoggerFactory.getLogger(CheckpointCoordinator.class);
    /**
     * How long a job that failed or was cancelled during a checkpoint waits for the agents still
     * writing it before it deletes the job's checkpoints: files written after the delete would
     * stay behind.
     */
    static final Duration WRITES_WAIT = Duration.ofSeconds(30);

    private final String jobId;
    private final Path root;
    private final CheckpointStorage storage;
    private final Roster roster;
    private final CommandSender sender;
    private final ReportCollector collector;
    private final StatusBoard board;
    private final Clock clock;
    private final List<JobListener> listeners;
    private final Runnable record;
    /** The last complete checkpoint, null for none. */
    private CheckpointState last;
    /** The superstep of the checkpoint being written, -1 when none is. */
    private int writing = -1;
    /** The agents told to write it so far. */
    private final List<String> ordered = new ArrayList<>();
    /**
     * Peer copies: who holds each partition's structure file (its owner, and the peer its
     * checkpoint copy goes to, which gets the structure files with the first copy), as of the
     * last complete checkpoint, less agents lost since; null without one, or after a restart.
     */
    private CheckpointHolders structureHolders;

    /**
     * @param root    job.checkpoint-dir, under which each job's checkpoints go when shared
     * @param storage job.checkpoint-storage
     * @param record  writes the job's durable record (which names the last complete checkpoint)
     */
    CheckpointCoordinator(String jobId, Path root, CheckpointStorage storage, Roster roster, CommandSender sender,
                          ReportCollector collector, StatusBoard board, Clock clock, List<JobListener> listeners,
                          Runnable record) {
        this.jobId = jobId;
        this.root = root.toAbsolutePath().normalize();
        this.storage = storage;
        this.roster = roster;
        this.sender = sender;
        this.collector = collector;
        this.board = board;
        this.clock = clock;
        this.listeners = listeners;
        this.record = record;
    }

    /** The last complete checkpoint; null for none. */
    CheckpointState last() {
        return last;
    }

    /** The checkpoint a reloaded record names. */
    void recorded(CheckpointState checkpoint) {
        last = checkpoint;
        board.checkpointed(checkpoint.superstep());
    }

    boolean peerCopy() {
        return storage == CheckpointStorage.PEER_COPY;
    }

    /**
     * Has every participant write its partitions after superstep {@code step}; the checkpoint
     * counts once every one reported it (and its copy) done.
     *
     * @param aggregates the aggregator values after {@code step}, copied
     * @param delivery   the delivery of {@code step}'s exchange
     */
    void take(int step, double[] aggregates, Delivery delivery) throws JobFailedException {
        Instant t0 = clock.instant();
        Path dir = root.resolve(jobId).resolve("step-" + step);
        String directory = peerCopy() ? jobId + "/step-" + step : dir.toString();
        writing = step;
        ordered.clear();
        Map<String, String> copyHolders = order(step, directory);
        Map<String, Report> answers = collector.await(Expectation.of(Report.KindCase.CHECKPOINT_DONE, step,
                roster.participants()).tolerating(FailureKind.CHECKPOINT_FAILED), collector.phaseDeadline());
        writing = -1;
        List<String> failed = new ArrayList<>();
        long bytes = 0;
        for (Map.Entry<String, Report> a : answers.entrySet()) {
            Report r = a.getValue();
            if (r.hasFailure()) {
                failed.add(a.getKey() + ": " + r.getFailure().getMessage());
            } else if (copyHolders.containsKey(a.getKey()) && !r.getCheckpointDone().getReplicated()) {
                failed.add(a.getKey() + ": wrote its partitions but reported no copy on " + copyHolders.get(a.getKey())
                        + " (an agent without peer-copy support? upgrade it)");
            } else {
                bytes += r.getCheckpointDone().getBytes();
            }
        }
        if (!failed.isEmpty()) {
            failed.sort(null);
            log.warn("event=checkpoint_failed cause=checkpoint_failed job={} superstep={} storage={} policy=carry_on"
                    + " detail=\"{}\"", jobId, step, storage.configName(), String.join("; ", failed));
            if (!peerCopy()) {
                // Peer copies: each agent deletes its partial files before its next checkpoint, or at the job's end.
                deleteTree(dir);
            }
            return;
        }
        long checkpointMs = Duration.between(t0, clock.instant()).toMillis();
        log.info("event=checkpoint_complete job={} superstep={} storage={} bytes={} copies={} ms={}", jobId, step,
                storage.configName(), bytes, copyHolders.size(), checkpointMs);
        for (JobListener listener : listeners) {
            listener.checkpointDone(jobId, step, checkpointMs, bytes);
        }
        CheckpointState previous = last;
        last = new CheckpointState(step, directory, aggregates.clone(), delivery,
                peerCopy() ? CheckpointHolders.written(roster.placement(), copyHolders) : null);
        // Every writer wrote (and copied) its partitions' structure files before reporting the checkpoint done.
        structureHolders = peerCopy() ? CheckpointHolders.written(roster.placement(), copyHolders) : null;
        board.checkpointed(step);
        // Recorded before the previous checkpoint goes: a restarted coordinator always finds the one its record names.
        record.run();
        if (previous != null && !peerCopy()) {
            deleteTree(Path.of(previous.directory()));
        }
    }

    /** Sends the Checkpoint commands; returns the copy holder of each writer (peer copies). */
    private Map<String, String> order(int step, String directory) throws JobFailedException {
        Map<String, String> copyHolders = new HashMap<>();
        Map<String, String> addresses = roster.dataAddresses();
        for (String agent : roster.participants()) {
            Checkpoint.Builder c = Checkpoint.newBuilder().setSuperstep(step).setDirectory(directory);
            if (peerCopy()) {
                if (last != null) {
                    c.setRetainedSuperstep(last.superstep());
                }
                String holder = CheckpointHolders.copyHolder(agent, roster.participants());
                if (holder != null) {
                    c.setReplicaAddress(addresses.get(holder));
                    copyHolders.put(agent, holder);
                }
            }
            sender.send(agent, Command.newBuilder().setCheckpoint(c));
            ordered.add(agent);
        }
        return copyHolders;
    }

    /**
     * A rollback began: a checkpoint being written is abandoned. Its writers finish it before they
     * restore (one command at a time), so no cleanup waits for them afterwards.
     */
    void rolledBack() {
        writing = -1;
    }

    /** {@code agent} was lost, and its disk may be: it holds no file of the checkpoint any more. */
    void lost(String agent) {
        if (last != null && last.holders() != null) {
            last = last.withHolders(last.holders().without(agent));
        }
        if (structureHolders != null) {
            structureHolders = structureHolders.without(agent);
        }
    }

    /**
     * Where the partitions' structure files are, for a recovery to build shares from: written
     * by every participant before its part of a complete checkpoint, so known once there is one.
     *
     * @param directory the directory as the agents name it (absolute: shared; {@code JOB/structure}: peer copies)
     * @param holders   who holds which file (peer copies), null when shared
     */
    record StructureFiles(String directory, CheckpointHolders holders) {
    }

    /** The structure files, or null with {@code why} given the reason there are none to use. */
    StructureFiles structure(java.util.function.Consumer<String> why) {
        if (last == null) {
            why.accept("no complete checkpoint yet (the structure files are written with the first)");
            return null;
        }
        if (!peerCopy()) {
            return new StructureFiles(root.resolve(jobId).resolve("structure").toString(), null);
        }
        if (structureHolders == null) {
            why.accept("the coordinator restarted since the structure files were copied (their holders are not recorded)");
            return null;
        }
        return new StructureFiles(jobId + "/structure", structureHolders);
    }

    /** Agents fetched structure files in a recovery: they hold them now. */
    void structureFetched(Map<String, Map<Integer, String>> fetches) {
        if (structureHolders == null) {
            return;
        }
        for (Map.Entry<String, Map<Integer, String>> f : fetches.entrySet()) {
            structureHolders = structureHolders.with(f.getKey(), f.getValue().keySet());
        }
    }

    /** Every holder of some file is lost: the job starts again from superstep 0. */
    void forget() {
        last = null;
        board.checkpointed(-1);
    }

    /** Restored agents hold what they fetched: the checkpoint survives more losses before the next one. */
    void fetched(Map<String, Map<Integer, String>> fetches) {
        if (last == null || last.holders() == null) {
            return;
        }
        CheckpointHolders holders = last.holders();
        for (Map.Entry<String, Map<Integer, String>> f : fetches.entrySet()) {
            holders = holders.with(f.getKey(), f.getValue().keySet());
        }
        last = last.withHolders(holders);
    }

    /** Deletes every checkpoint of the job in the shared directory (the job ended). */
    void deleteAll() {
        deleteTree(root.resolve(jobId));
    }

    /**
     * The job failed or was cancelled: when a checkpoint was being written, first waits (up to
     * {@link #WRITES_WAIT}) until every agent told to write it answered, so that no file lands
     * after the delete; then deletes every checkpoint of the job.
     */
    void deleteAllAfterWrites() {
        if (writing >= 0 && !peerCopy()) {
            Set<String> pending = new TreeSet<>(ordered);
            pending.removeAll(collector.answered());
            Set<String> silent = collector.drain(Report.KindCase.CHECKPOINT_DONE, writing, pending,
                    clock.instant().plus(WRITES_WAIT));
            if (!silent.isEmpty()) {
                log.warn("event=checkpoint_cleanup_incomplete cause=writer_silent job={} superstep={} agents={}"
                        + " detail=\"no answer to the checkpoint command within {}; files they write later stay under {}\"",
                        jobId, writing, silent, DurationFormat.format(WRITES_WAIT), root.resolve(jobId));
            }
            writing = -1;
        }
        deleteAll();
    }

    private static void deleteTree(Path dir) {
        String failure = delete(dir);
        if (failure != null) {
            log.warn("event=checkpoint_cleanup_failed dir={} detail=\"{}\"", dir, failure);
        }
    }

    /**
     * Deletes {@code dir} and everything under it ({@link FileTree#delete}). Returns null when
     * the tree is gone, else why not: the exception's kind, the path and a hint.
     */
    static String delete(Path dir) {
        try {
            FileTree.delete(dir);
            return null;
        } catch (IOException e) {
            return describe(e, dir);
        }
    }

    /** Why a delete failed, in words: "DirectoryNotEmptyException on /cp/job-3/step-4: files were added while deleting". */
    static String describe(IOException e, Path dir) {
        String kind = e.getClass().getSimpleName();
        String hint = switch (e) {
            case DirectoryNotEmptyException x -> "files were added while deleting (an agent still writing?)";
            case AccessDeniedException x -> "permission denied: the coordinator must be able to delete under job.checkpoint-dir";
            case NoSuchFileException x -> "a file vanished while deleting";
            default -> e.getMessage() == null ? "" : e.getMessage();
        };
        String path = e instanceof FileSystemException fs && fs.getFile() != null ? fs.getFile() : dir.toString();
        return kind + " on " + path + (hint.isEmpty() || hint.equals(path) ? "" : ": " + hint);
    }
}
