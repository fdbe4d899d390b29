package io.graphagent.agent.job;

import io.graphagent.agent.session.CoordinatorLink;
import io.graphagent.protocol.v1.Checkpoint;
import io.graphagent.protocol.v1.CheckpointDone;
import io.graphagent.protocol.v1.Command;
import io.graphagent.protocol.v1.FailureKind;
import io.graphagent.protocol.v1.Report;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checkpoint: each owned partition's checkpoint file written atomically (temporary file, fsync,
 * rename) on the compute threads, the partitions' structure files first, and, when the command
 * names a replica, a copy of each streamed to that peer. Job thread.
 */
final class CheckpointStep {
    private static final Logger log = LoggerFactory.getLogger(CheckpointStep.class);

    private final PeerCheckpoints peerCheckpoints;
    private final PartitionStructures structures;
    /** The compute threads, idle while a checkpoint is written: one file each. */
    private final ExecutorService compute;
    private final Answers answers;
    /** The agent's clock, for the time a checkpoint took. */
    private final Clock clock;

    CheckpointStep(PeerCheckpoints peerCheckpoints, PartitionStructures structures, ExecutorService compute, Answers answers,
                   Clock clock) {
        this.peerCheckpoints = peerCheckpoints;
        this.structures = structures;
        this.compute = compute;
        this.answers = answers;
        this.clock = clock;
    }

    /**
     * Writes the job's checkpoint and reports CheckpointDone only once the files (and the copy,
     * when asked) are done. A relative directory is under this agent's work directory (peer-copy
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
        peerCheckpoints.beforeWrite(command.getJobId(), c);
        long bytes = 0;
        try {
            Files.createDirectories(dir);
            String structureFailed = structures.beforeCheckpoint(command.getJobId(), command.getJobEpoch(), job.share(), dir,
                    c.getReplicaAddress());
            if (structureFailed != null) {
                answers.fail(link, command, FailureKind.CHECKPOINT_FAILED, structureFailed + ". The previous checkpoint stays in use."
                        + " Fix: make " + directoryKey(c) + " writable with free space");
                return;
            }
            // One file per partition, written side by side on the compute threads (idle in a checkpoint).
            List<Callable<Long>> writes = new ArrayList<>();
            for (int p : job.owned()) {
                writes.add(() -> CheckpointFiles.write(dir, p, link.agentId(), out -> job.runner().writeCheckpoint(p, out)));
            }
            for (Future<Long> written : compute.invokeAll(writes)) {
                bytes += written.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            answers.fail(link, command, FailureKind.CHECKPOINT_FAILED, "interrupted while writing the checkpoint of superstep "
                    + c.getSuperstep());
            return;
        } catch (ExecutionException | IOException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            answers.fail(link, command, FailureKind.CHECKPOINT_FAILED, "cannot write the checkpoint of superstep " + c.getSuperstep()
                    + " to " + dir + ": " + cause + ". Fix: make " + directoryKey(c) + " writable with free space");
            return;
        }
        long ms = clock.millis() - t0;
        log.info("event=checkpoint_written job={} superstep={} partitions={} bytes={} ms={}", command.getJobId(),
                c.getSuperstep(), job.owned().length, bytes, ms);
        boolean replicated = !c.getReplicaAddress().isEmpty();
        if (replicated) {
            String failed = peerCheckpoints.copy(command.getJobId(), command.getJobEpoch(), c, dir, job.owned());
            if (failed != null) {
                answers.fail(link, command, FailureKind.CHECKPOINT_FAILED, failed);
                return;
            }
        }
        answers.reply(link, command, Report.newBuilder().setCheckpointDone(CheckpointDone.newBuilder()
                .setSuperstep(c.getSuperstep()).setBytes(bytes).setLocation(dir.toString()).setReplicated(replicated)
                .setWriteTimeMs(clock.millis() - t0)));
    }

    /** The setting that names where the checkpoint goes: an absolute directory is job.checkpoint-dir's. */
    private static String directoryKey(Checkpoint c) {
        return Path.of(c.getDirectory()).isAbsolute() ? "job.checkpoint-dir" : "agent.work-dir";
    }
}
