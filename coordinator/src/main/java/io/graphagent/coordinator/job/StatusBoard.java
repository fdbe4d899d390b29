package io.graphagent.coordinator.job;

import io.graphagent.protocol.v1.JobFailureKind;
import io.graphagent.protocol.v1.JobProgress;
import io.graphagent.protocol.v1.JobSpec;
import io.graphagent.protocol.v1.JobState;
import io.graphagent.protocol.v1.JobStatus;
import io.graphagent.protocol.v1.JobSummary;
import io.graphagent.protocol.v1.StoredJob;
import io.grpc.stub.StreamObserver;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the world sees of one job: its state and status line, superstep, recoveries, last
 * checkpoint, partitions, summary and elapsed time, for {@code status}, for the watchers of
 * its progress and for its durable record. A state change is recorded (the journal), logged,
 * told to the {@link JobListener}s and published to the watchers. Written by the driver
 * thread, read by status and watch calls from gRPC threads: thread-safe.
 */
final class StatusBoard {
    private static final Logger log = LoggerFactory.getLogger(StatusBoard.class);

    private final String id;
    private final JobSpec spec;
    private final Roster roster;
    private final Clock clock;
    private final List<JobListener> listeners;
    private final Runnable record;
    private final PartitionTable partitionTable = new PartitionTable();
    /** Every call on a watcher holds this lock: a gRPC stream takes one call at a time. */
    private final List<StreamObserver<JobProgress>> watchers = new ArrayList<>();

    private volatile JobState state = JobState.QUEUED;
    private volatile String message = "queued";
    private volatile int superstep;
    private volatile JobSummary summary;
    /** With state FAILED: whether the input or the cluster was at fault; unspecified otherwise. */
    private volatile JobFailureKind failureKind = JobFailureKind.JOB_FAILURE_KIND_UNSPECIFIED;
    private volatile int maxSupersteps;
    private volatile int recoveries;
    /** Superstep of the last complete checkpoint, -1 for none. */
    private volatile int lastCheckpoint = -1;
    /** Partitions of the job once placed, 0 before. */
    private volatile int partitions;
    private volatile long submittedMs;
    private volatile Instant startedAt;
    /** When the job ended; null while it runs. Elapsed time stops here. */
    private volatile Instant endedAt;

    /**
     * @param record called at every state change, to write the job's durable record
     */
    StatusBoard(String id, JobSpec spec, Roster roster, Clock clock, List<JobListener> listeners, Runnable record) {
        this.id = id;
        this.spec = spec;
        this.roster = roster;
        this.clock = clock;
        this.listeners = listeners;
        this.record = record;
        this.submittedMs = clock.millis();
    }

    /** Takes over what a record of an earlier coordinator process says. */
    void restore(StoredJob stored) {
        submittedMs = stored.getSubmittedTimeMs();
        recoveries = stored.getRecoveries();
        partitions = stored.getPartitions();
        superstep = stored.getSuperstep();
        maxSupersteps = stored.getMaxSupersteps();
        if (stored.hasCheckpoint()) {
            lastCheckpoint = stored.getCheckpoint().getSuperstep();
        }
        if (stored.hasSummary()) {
            summary = stored.getSummary();
        }
        if (stored.getStartedTimeMs() > 0) {
            startedAt = Instant.ofEpochMilli(stored.getStartedTimeMs());
        }
        if (stored.getEndedTimeMs() > 0) {
            endedAt = Instant.ofEpochMilli(stored.getEndedTimeMs());
        }
        state = stored.getState();
        message = stored.getMessage();
        failureKind = stored.getFailureKind();
    }

    /** The fields of the job's durable record that status holds (the checkpoint is not among them). */
    StoredJob.Builder record() {
        StoredJob.Builder r = StoredJob.newBuilder().setJobId(id).setSpec(spec).setState(state).setMessage(message)
                .setJobEpoch(roster.epoch().value()).setRecoveries(recoveries).setPartitions(partitions)
                .addAllParticipants(roster.participants()).setSubmittedTimeMs(submittedMs).setSuperstep(superstep)
                .setMaxSupersteps(maxSupersteps).setFailureKind(failureKind);
        Instant started = startedAt;
        Instant ended = endedAt;
        if (started != null) {
            r.setStartedTimeMs(started.toEpochMilli());
        }
        if (ended != null) {
            r.setEndedTimeMs(ended.toEpochMilli());
        }
        if (summary != null) {
            r.setSummary(summary);
        }
        return r;
    }

    JobState state() {
        return state;
    }

    boolean finished() {
        return state == JobState.SUCCEEDED || state == JobState.FAILED || state == JobState.CANCELLED;
    }

    /** Sets state and status line without telling anyone (a reloaded job, before it runs). */
    void show(JobState next, String text) {
        state = next;
        message = text;
    }

    /**
     * The job's driver started it: elapsed time counts from now, or from the first start when a
     * restarted coordinator resumes it.
     */
    void started() {
        if (startedAt == null) {
            startedAt = clock.instant();
        }
    }

    void superstep(int step) {
        superstep = step;
    }

    int superstep() {
        return superstep;
    }

    void maxSupersteps(int cap) {
        maxSupersteps = cap;
    }

    int partitions() {
        return partitions;
    }

    void partitions(int count) {
        partitions = count;
    }

    PartitionTable partitionTable() {
        return partitionTable;
    }

    /** Counts one more recovery; returns the count. */
    int recovered() {
        return ++recoveries;
    }

    int recoveries() {
        return recoveries;
    }

    /** A checkpoint of {@code step} is complete; -1: none is (the last one was lost). */
    void checkpointed(int step) {
        lastCheckpoint = step;
    }

    void summary(JobSummary done) {
        summary = done;
    }

    /** Wall time since the driver started the job, ms, until it ended; 0 if it never started. */
    long elapsedMs() {
        Instant started = startedAt;
        Instant ended = endedAt;
        return started == null ? 0 : Math.max(0, Duration.between(started, ended != null ? ended : clock.instant()).toMillis());
    }

    /** Enters {@code next}: recorded, logged, told to the listeners and the watchers. */
    void setState(JobState next, String text) {
        state = next;
        message = text;
        record.run();
        log.info("event=job_state job={} state={} detail=\"{}\"", id, next, text);
        for (JobListener listener : listeners) {
            listener.stateChanged(id, next, text);
        }
        publish(progress(0, 0, 0, 0));
    }

    /** Enters FAILED, the fault of {@code kind}, and ends every watch. */
    void fail(JobFailureKind kind, String text) {
        failureKind = kind;
        finish(JobState.FAILED, text);
    }

    /** Enters the final state {@code end} and ends every watch. */
    void finish(JobState end, String text) {
        synchronized (watchers) {
            endedAt = clock.instant();
            setState(end, text);
            for (StreamObserver<JobProgress> w : watchers) {
                try {
                    w.onCompleted();
                } catch (RuntimeException e) {
                    log.debug("event=watcher_gone job={} detail=\"{}\"", id, e.toString());
                }
            }
            watchers.clear();
        }
    }

    /** Adds a watcher; it gets the current progress now and every change until the job ends. */
    void watch(StreamObserver<JobProgress> watcher) {
        synchronized (watchers) {
            watcher.onNext(progress(0, 0, 0, 0));
            if (finished()) {
                watcher.onCompleted();
            } else {
                watchers.add(watcher);
            }
        }
    }

    /** Superstep {@code step} passed both barriers: its figures go to the watchers. */
    void publishStep(long active, long messages, long bytes, long stepMs) {
        publish(progress(active, messages, bytes, stepMs));
    }

    private void publish(JobProgress progress) {
        synchronized (watchers) {
            for (Iterator<StreamObserver<JobProgress>> it = watchers.iterator(); it.hasNext(); ) {
                StreamObserver<JobProgress> w = it.next();
                try {
                    w.onNext(progress);
                } catch (RuntimeException e) {
                    log.debug("event=watcher_gone job={} detail=\"{}\"", id, e.toString());
                    it.remove();
                }
            }
        }
    }

    private JobProgress progress(long active, long messages, long bytes, long stepMs) {
        JobProgress.Builder p = JobProgress.newBuilder().setJobId(id).setState(state).setSuperstep(superstep)
                .setActiveVertices(active).setMessages(messages).setBytesExchanged(bytes).setSuperstepTimeMs(stepMs)
                .setElapsedMs(elapsedMs()).setMessage(message).setFailureKind(failureKind);
        JobSummary s = summary;
        if (s != null) {
            p.setSummary(s);
        }
        return p.build();
    }

    JobStatus status() {
        JobStatus.Builder status = JobStatus.newBuilder().setJobId(id).setSpec(spec).setState(state)
                .setSuperstep(superstep).setSubmittedTimeMs(submittedMs).setElapsedMs(elapsedMs())
                .setJobEpoch(roster.epoch().value()).setRecoveries(recoveries).setMessage(message).setMaxSupersteps(maxSupersteps)
                .setFailureKind(failureKind).addAllPartitions(partitionTable.toProto());
        int checkpoint = lastCheckpoint;
        if (checkpoint >= 0) {
            status.setLastCheckpointSuperstep(checkpoint);
        }
        JobSummary s = summary;
        if (s != null) {
            status.setSummary(s);
        }
        return status.build();
    }
}
