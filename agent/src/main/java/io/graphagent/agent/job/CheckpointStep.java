package io.graphagent.agent.job;

import io.graphagent.agent.session.CoordinatorLink;
import io.graphagent.protocol.v1.Checkpoint;
import io.graphagent.protocol.v1.CheckpointDone;
import io.graphagent.protocol.v1.Command;
import io.graphagent.protocol.v1.FailureKind;
import io.graphagent.protocol.v1.Report;
import io.graphagent.graph.partition.GraphShare;
import io.graphagent.graph.pregel.PartitionSnapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checkpoint, in two halves. On the job thread, the snapshot: each owned partition's state
 * (values, halted flags, delivered messages, pulled broadcasts) copied into a
 * {@link PartitionSnapshot}, plain array copies that the next supersteps leave alone. Then on the
 * {@link CheckpointWriter}'s thread, while the job thread goes on with the next superstep: the
 * partitions' structure files first (the first checkpoint after a share was built), each
 * partition's snapshot encoded into its file, written atomically (temporary file, fsync, rename),
 * and, when the command names a replica, a copy of each streamed to that peer; CheckpointDone (or
 * CHECKPOINT_FAILED) is reported only once all that is done.
 */
final class CheckpointStep {
    private static final Logger log = LoggerFactory.getLogger(CheckpointStep.class);

    private final PeerCheckpoints peerCheckpoints;
    private final PartitionStructures structures;
    private final CheckpointWriter writer;
    private final Answers answers;
    /** The agent's clock, for the time a checkpoint took. */
    private final Clock clock;

    CheckpointStep(PeerCheckpoints peerCheckpoints, PartitionStructures structures, CheckpointWriter writer,
                   Answers answers, Clock clock) {
        this.peerCheckpoints = peerCheckpoints;
        this.structures = structures;
        this.writer = writer;
        this.answers = answers;
        this.clock = clock;
    }

    /**
     * Takes the job's snapshot and hands its writing to the writer thread, which reports
     * CheckpointDone only once the files (and the copy, when asked) are done; returns once the
     * snapshot is taken. A relative directory is under this agent's work directory (peer-copy
     * mode), where older checkpoints of the job are deleted first.
     */
    void checkpoint(AgentJob job, Command command, CoordinatorLink link) {
        long t0 = clock.millis();
        Checkpoint c = command.getCheckpoint();
        Path dir;
        try {
            dir = peerCheckpoints.directory(c.getDirectory());
        } catch (IllegalArgumentException e) {
            answers.fail(link, command, FailureKind.CHECKPOINT_FAILED, e.getMessage());
            return;
        }
        // The write before this one has ended: its files are not deleted under it.
        writer.awaitIdle();
        peerCheckpoints.beforeWrite(command.getJobId(), c);
        int[] owned = job.owned();
        PartitionSnapshot[] snapshot = new PartitionSnapshot[owned.length];
        for (int i = 0; i < owned.length; i++) {
            snapshot[i] = job.runner().snapshot(owned[i]);
        }
        long snapshotMs = clock.millis() - t0;
        GraphShare share = job.share();
        writer.submit(() -> write(command, link, share, owned, snapshot, dir, t0, snapshotMs));
    }

    /** The writer thread's half: structure files, checkpoint files, the copy, the report. Never throws. */
    private void write(Command command, CoordinatorLink link, GraphShare share, int[] owned, PartitionSnapshot[] snapshot,
                       Path dir, long t0, long snapshotMs) {
        Checkpoint c = command.getCheckpoint();
        try {
            long bytes = writeFiles(command, link, share, owned, snapshot, dir);
            if (bytes < 0) {
                return;
            }
            log.info("event=checkpoint_written job={} superstep={} partitions={} bytes={} snapshot_ms={} ms={}",
                    command.getJobId(), c.getSuperstep(), owned.length, bytes, snapshotMs, clock.millis() - t0);
            boolean replicated = !c.getReplicaAddress().isEmpty();
            if (replicated) {
                String failed = peerCheckpoints.copy(command.getJobId(), command.getJobEpoch(), c, dir, owned);
                if (failed != null) {
                    answers.fail(link, command, FailureKind.CHECKPOINT_FAILED, failed);
                    return;
                }
            }
            answers.reply(link, command, Report.newBuilder().setCheckpointDone(CheckpointDone.newBuilder()
                    .setSuperstep(c.getSuperstep()).setBytes(bytes).setLocation(dir.toString()).setReplicated(replicated)
                    .setWriteTimeMs(clock.millis() - t0)));
        } catch (RuntimeException | Error e) {
            log.error("event=checkpoint_failed job={} superstep={} detail=\"{}\"", command.getJobId(), c.getSuperstep(),
                    e.toString(), e);
            answers.fail(link, command, FailureKind.CHECKPOINT_FAILED, "cannot write the checkpoint of superstep "
                    + c.getSuperstep() + " to " + dir + ": " + e + ". The previous checkpoint stays in use");
        }
    }

    /** Writes the structure and checkpoint files; returns the checkpoint's bytes, or -1 after reporting the failure. */
    private long writeFiles(Command command, CoordinatorLink link, GraphShare share, int[] owned,
                            PartitionSnapshot[] snapshot, Path dir) {
        Checkpoint c = command.getCheckpoint();
        long bytes = 0;
        try {
            Files.createDirectories(dir);
            String structureFailed = structures.beforeCheckpoint(command.getJobId(), command.getJobEpoch(), share, dir,
                    c.getReplicaAddress());
            if (structureFailed != null) {
                answers.fail(link, command, FailureKind.CHECKPOINT_FAILED, structureFailed + ". The previous checkpoint stays in use."
                        + " Fix: make " + directoryKey(c) + " writable with free space");
                return -1;
            }
            for (int i = 0; i < owned.length; i++) {
                bytes += CheckpointFiles.write(dir, owned[i], link.agentId(), snapshot[i]::writeTo);
            }
            return bytes;
        } catch (IOException e) {
            answers.fail(link, command, FailureKind.CHECKPOINT_FAILED, "cannot write the checkpoint of superstep " + c.getSuperstep()
                    + " to " + dir + ": " + e + ". Fix: make " + directoryKey(c) + " writable with free space");
            return -1;
        }
    }

    /** The setting that names where the checkpoint goes: an absolute directory is job.checkpoint-dir's. */
    private static String directoryKey(Checkpoint c) {
        return Path.of(c.getDirectory()).isAbsolute() ? "job.checkpoint-dir" : "agent.work-dir";
    }
}
