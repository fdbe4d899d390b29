package io.graphagent.coordinator.job;

import io.graphagent.protocol.v1.JobFailureKind;
import io.graphagent.protocol.v1.JobState;
import io.graphagent.protocol.v1.JobSummary;
import io.graphagent.protocol.v1.LoadDone;
import io.graphagent.protocol.v1.StoredJob;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a job ends on the coordinator: SUCCEEDED with its summary, FAILED with the cause that ended
 * it (named by {@link FailureKinds}), CANCELLED by the user, or suspended by a coordinator shutting
 * down (neither failed nor finished: its record and checkpoints stay for a restart to resume).
 * Every end but a suspension lets the agents drop the job and deletes its checkpoints. Driver
 * thread only, except {@link #cancelledBeforeRun} (the caller holds the job's start lock).
 */
final class JobEnding {
    private static final Logger log = LoggerFactory.getLogger(JobEnding.class);

    private final String id;
    private final ResolvedJob job;
    private final Roster roster;
    private final StatusBoard board;
    private final CommandSender sender;
    private final CheckpointCoordinator checkpoints;
    private final JobJournal journal;
    /** The job's durable record as of now. */
    private final Supplier<StoredJob> snapshot;
    /** Whether the user cancelled the job: a failure then ends it CANCELLED. */
    private final BooleanSupplier cancelled;

    JobEnding(String id, ResolvedJob job, Roster roster, StatusBoard board, CommandSender sender,
              CheckpointCoordinator checkpoints, JobJournal journal, Supplier<StoredJob> snapshot, BooleanSupplier cancelled) {
        this.id = id;
        this.job = job;
        this.roster = roster;
        this.board = board;
        this.sender = sender;
        this.checkpoints = checkpoints;
        this.journal = journal;
        this.snapshot = snapshot;
        this.cancelled = cancelled;
    }

    /**
     * What ended the driving of the job: a shutting-down coordinator suspends it; a job failure
     * (or the cancel it became) ends it with its cause; an {@code Error} such as
     * {@code OutOfMemoryError} or a bug fails it as the cluster's fault, naming what to change.
     */
    void failed(Throwable thrown) {
        if (thrown instanceof JobFailedException e) {
            if (e.shuttingDown()) {
                // Neither failed nor finished: its record and checkpoints stay, and a coordinator started
                // on the same state directory resumes it (an in-memory coordinator forgets it anyway).
                log.info("event=job_suspended job={} state={} detail=\"the coordinator is shutting down\"", id,
                        board.state());
                return;
            }
            log.warn("event=job_failed job={} cause={} detail=\"{}\"", id, e.cause, e.getMessage());
            JobFailureKind kind = cancelled.getAsBoolean() ? null : FailureKinds.of(e.cause, job.program() != null);
            // The user's code failed: the cause leads the message, in status, events and submit's stderr.
            end(kind, kind == JobFailureKind.PROGRAM_ERROR ? "PROGRAM_ERROR: " + e.getMessage() : e.getMessage());
        } else if (thrown instanceof OutOfMemoryError e) {
            log.error("event=job_failed job={} cause=coordinator_out_of_memory detail=\"{}\"", id, e.toString(), e);
            end(JobFailureKind.CLUSTER_FAILURE, "the coordinator ran out of memory driving this job (" + e + "): give it fewer"
                    + " partitions, or give the coordinator more heap (GRAPHAGENT_JAVA_OPTS=-Xmx...)");
        } else {
            log.error("event=job_failed job={} cause=internal_error detail=\"{}\"", id, thrown.toString(), thrown);
            end(JobFailureKind.CLUSTER_FAILURE, "internal error in the coordinator: " + thrown);
        }
    }

    /** The user cancelled the job before any driver took it up: it ends CANCELLED at once. */
    void cancelledBeforeRun() {
        log.info("event=job_cancelled job={} state={} detail=\"before a driver ran it\"", id, board.state());
        checkpoints.deleteAll();
        board.finish(JobState.CANCELLED, "cancelled by the user before it ran");
    }

    /**
     * The job failed (the fault of {@code kind}) or was cancelled ({@code kind} null): agents drop
     * it, its checkpoints go, it ends FAILED or CANCELLED.
     */
    private void end(JobFailureKind kind, String reason) {
        try {
            sender.abort(reason);
            checkpoints.deleteAllAfterWrites();
        } catch (RuntimeException | Error e) {
            log.error("event=job_cleanup_failed job={} detail=\"{}\"", id, e.toString(), e);
        } finally {
            if (kind == null) {
                board.finish(JobState.CANCELLED, reason);
            } else {
                board.fail(kind, reason);
            }
        }
    }

    /**
     * The output is written: the agents may drop the job; the summary and the SUCCEEDED state
     * are recorded before the checkpoints go (a restart in between shows the job SUCCEEDED rather
     * than resuming it from a checkpoint that no longer exists).
     *
     * @param computeMs the supersteps (with checkpoints and recoveries) apart from gathering and writing the output
     */
    void succeeded(LoadDone graph, long vertices, long loadMs, long computeMs, long outputMs, SuperstepLoop loop)
            throws JobFailedException {
        sender.release();
        int recoveries = board.recoveries();
        board.summary(JobSummary.newBuilder().setOutputPath(job.output().toString()).setVertices(vertices)
                .setEdges(graph.getEdges()).setSupersteps(board.superstep() + 1).setTotalTimeMs(board.elapsedMs())
                .setLoadTimeMs(loadMs).setComputeTimeMs(computeMs).setOutputTimeMs(outputMs).setRecoveries(recoveries)
                .setBytesExchanged(loop.bytes()).setMessages(loop.messages()).setAgents(roster.participants().size())
                .setPartitions(board.partitions()).setInputBytesRead(graph.getBytesRead())
                .setEdgesShipped(graph.getEdgesShipped()).setShareBytes(graph.getShareBytes()).setMirrors(graph.getMirrors())
                .build());
        journal.save(snapshot.get().toBuilder().setState(JobState.SUCCEEDED).build());
        checkpoints.deleteAll();
        board.finish(JobState.SUCCEEDED, "done: " + vertices + " vertices written to " + job.output()
                + (recoveries > 0 ? " after " + recoveries + " recover" + (recoveries == 1 ? "y" : "ies") : ""));
    }
}
