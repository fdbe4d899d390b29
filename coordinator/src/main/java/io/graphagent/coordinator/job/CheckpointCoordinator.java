package io.graphagent.coordinator.job;

import io.graphagent.config.CheckpointStorage;
import io.graphagent.graph.pregel.Delivery;
import io.graphagent.protocol.v1.Checkpoint;
import io.graphagent.protocol.v1.Command;
import io.graphagent.protocol.v1.FailureKind;
import io.graphagent.protocol.v1.Report;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
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
        Map<String, String> copyHolders = order(step, directory);
        Map<String, Report> answers = collector.await(Expectation.of(Report.KindCase.CHECKPOINT_DONE, step,
                roster.participants()).tolerating(FailureKind.CHECKPOINT_FAILED), collector.phaseDeadline());
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
        if (!peerCopy()) {
            sender.broadcast(Command.newBuilder().setCheckpoint(Checkpoint.newBuilder().setSuperstep(step)
                    .setDirectory(directory)));
            return copyHolders;
        }
        Map<String, String> addresses = roster.dataAddresses();
        for (String agent : roster.participants()) {
            Checkpoint.Builder c = Checkpoint.newBuilder().setSuperstep(step).setDirectory(directory);
            if (last != null) {
                c.setRetainedSuperstep(last.superstep());
            }
            String holder = CheckpointHolders.copyHolder(agent, roster.participants());
            if (holder != null) {
                c.setReplicaAddress(addresses.get(holder));
                copyHolders.put(agent, holder);
            }
            sender.send(agent, Command.newBuilder().setCheckpoint(c));
        }
        return copyHolders;
    }

    /** {@code agent} was lost, and its disk may be: it holds no file of the checkpoint any more. */
    void lost(String agent) {
        if (last != null && last.holders() != null) {
            last = last.withHolders(last.holders().without(agent));
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

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            log.warn("event=checkpoint_cleanup_failed dir={} detail=\"{}\"", dir, e.getMessage());
        }
    }
}
