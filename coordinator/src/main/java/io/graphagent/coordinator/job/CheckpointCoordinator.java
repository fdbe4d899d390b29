package io.graphagent.coordinator.job;

import io.graphagent.config.CheckpointStorage;
import io.graphagent.config.DurationFormat;
import io.graphagent.config.FileTree;
import io.graphagent.graph.pregel.Delivery;
import io.graphagent.protocol.v1.Checkpoint;
import io.graphagent.protocol.v1.Command;
import io.graphagent.protocol.v1.Failure;
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
 * files in a restore. The job goes on while a checkpoint is written: one {@link PendingCheckpoint}
 * at most, whose answers are handed over from whatever the job waits for. A checkpoint that
 * fails is logged and the job carries on with the previous one: a lost agent then costs more
 * supersteps, never a result. Driver thread only.
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
    /** The checkpoint ordered and not yet answered by every writer; null for none. */
    private PendingCheckpoint pending;
    /** The checkpoint committed (or failed) last, whose repeated answers are dropped; null after a rollback. */
    private PendingCheckpoint settled;
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
        collector.handOver(new ReportCollector.Handover() {
            @Override
            public boolean stale(String agent, Report report) {
                return CheckpointCoordinator.this.stale(agent, report);
            }

            @Override
            public boolean claims(String agent, Report report) {
                return CheckpointCoordinator.this.claims(agent, report);
            }

            @Override
            public void take(String agent, Report report) {
                answered(agent, report);
            }
        });
        sender.onResumed(this::resumed);
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
     * Has every participant write its partitions after superstep {@code step}, and returns once
     * the commands are out: the checkpoint counts once every one reported it (and its copy)
     * done, which the writers report while the job goes on ({@link #claims}; {@link #settle}
     * waits for it). A checkpoint still in flight is settled first: at most one is pending.
     *
     * @param aggregates the aggregator values after {@code step}, copied
     * @param delivery   the delivery of {@code step}'s exchange
     */
    void order(int step, double[] aggregates, Delivery delivery) throws JobFailedException {
        settle();
        Path dir = root.resolve(jobId).resolve("step-" + step);
        String directory = peerCopy() ? jobId + "/step-" + step : dir.toString();
        Map<String, String> copyHolders = new HashMap<>();
        PendingCheckpoint ordered = new PendingCheckpoint(step, directory, dir, aggregates, delivery, copyHolders,
                clock.instant());
        pending = ordered;
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
            ordered.ordered(agent, sender.send(agent, Command.newBuilder().setCheckpoint(c)).getCommandId());
        }
    }

    /**
     * Waits until the checkpoint in flight, if any, is answered by every writer, and commits it
     * (or logs it failed): before the next checkpoint, before the output, before a rebalance.
     *
     * @throws AgentLostException when a writer is lost meanwhile (the job rolls back to {@link #last()})
     */
    void settle() throws JobFailedException {
        PendingCheckpoint waiting = pending;
        if (waiting == null) {
            return;
        }
        if (!waiting.complete()) {
            collector.awaitHandedOver(Report.KindCase.CHECKPOINT_DONE + " of superstep " + waiting.step,
                    () -> pending != waiting || waiting.complete(), waiting::missing, collector.phaseDeadline());
        }
        if (pending == waiting) {
            commit(waiting);
        }
    }

    /** Whether {@code report} answers the checkpoint in flight (its writers' CheckpointDone or failure). */
    private boolean claims(String agent, Report report) {
        return pending != null && pending.isAnswer(agent, report);
    }

    /**
     * A second answer of a writer of the pending checkpoint, or an answer of the one settled last
     * (its command went again after a resume, or its session resumed before it answered).
     */
    private boolean stale(String agent, Report report) {
        return settled != null && settled.isAnswer(agent, report)
                || pending != null && pending.isAnswer(agent, report) && pending.answered(agent);
    }

    /**
     * {@code agent}'s session resumed before it answered the pending checkpoint: the Checkpoint
     * command may have been lost with the old stream, and only the last command (the next
     * superstep's) goes again; sending the Checkpoint after it could snapshot a later state. So
     * the checkpoint fails for that writer (the previous one stays in use); its late answer is
     * dropped.
     */
    private void resumed(String agent) {
        PendingCheckpoint p = pending;
        if (p == null || !p.writer(agent) || p.answered(agent)) {
            return;
        }
        log.info("event=checkpoint_abandoned cause=session_resumed job={} superstep={} agent={}", jobId, p.step, agent);
        answered(agent, Report.newBuilder().setFailure(Failure.newBuilder().setKind(FailureKind.CHECKPOINT_FAILED)
                .setMessage("its session resumed before it reported the checkpoint of superstep " + p.step
                        + " written: the command or its answer may be lost with the old stream")).build());
    }

    /** Takes a writer's answer; the last one commits the checkpoint, whatever the job is waiting for. */
    private void answered(String agent, Report report) {
        PendingCheckpoint p = pending;
        p.answered(agent, report);
        if (p.complete()) {
            commit(p);
        }
    }

    /**
     * Every writer of {@code p} answered: the checkpoint is recorded as the last complete one
     * (the previous goes after the record), or, when a writer failed, logged and dropped (the
     * job carries on with the previous one).
     */
    private void commit(PendingCheckpoint p) {
        pending = null;
        settled = p;
        int step = p.step;
        List<String> failed = new ArrayList<>();
        long bytes = 0;
        for (Map.Entry<String, Report> a : p.answers().entrySet()) {
            Report r = a.getValue();
            if (r.hasFailure()) {
                failed.add(a.getKey() + ": " + r.getFailure().getMessage());
            } else if (p.copyHolders.containsKey(a.getKey()) && !r.getCheckpointDone().getReplicated()) {
                failed.add(a.getKey() + ": wrote its partitions but reported no copy on " + p.copyHolders.get(a.getKey())
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
                deleteTree(p.sharedDir);
            }
            return;
        }
        long checkpointMs = Duration.between(p.orderedAt, clock.instant()).toMillis();
        log.info("event=checkpoint_complete job={} superstep={} storage={} bytes={} copies={} ms={}", jobId, step,
                storage.configName(), bytes, p.copyHolders.size(), checkpointMs);
        for (JobListener listener : listeners) {
            listener.checkpointDone(jobId, step, checkpointMs, bytes);
        }
        CheckpointState previous = last;
        last = new CheckpointState(step, p.directory, p.aggregates, p.delivery,
                peerCopy() ? CheckpointHolders.written(roster.placement(), p.copyHolders) : null);
        // Every writer wrote (and copied) its partitions' structure files before reporting the checkpoint done.
        structureHolders = peerCopy() ? CheckpointHolders.written(roster.placement(), p.copyHolders) : null;
        board.checkpointed(step);
        // Recorded before the previous checkpoint goes: a restarted coordinator always finds the one its record names.
        record.run();
        if (previous != null && !peerCopy()) {
            deleteTree(Path.of(previous.directory()));
        }
    }

    /**
     * A rollback began (the job epoch goes up): a checkpoint in flight is abandoned, and its late
     * answers are refused as any older epoch's reports. Its writers finish it before they restore
     * (an agent's next command waits for its checkpoint writer), so no cleanup waits for them
     * afterwards.
     */
    void rolledBack() {
        pending = null;
        settled = null;
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
        PendingCheckpoint writing = pending;
        if (writing != null && !peerCopy()) {
            Set<String> silent = collector.drain(Report.KindCase.CHECKPOINT_DONE, writing.step, new TreeSet<>(writing.missing()),
                    clock.instant().plus(WRITES_WAIT));
            if (!silent.isEmpty()) {
                log.warn("event=checkpoint_cleanup_incomplete cause=writer_silent job={} superstep={} agents={}"
                        + " detail=\"no answer to the checkpoint command within {}; files they write later stay under {}\"",
                        jobId, writing.step, silent, DurationFormat.format(WRITES_WAIT), root.resolve(jobId));
            }
        }
        pending = null;
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
