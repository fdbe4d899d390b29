package io.graphagent.coordinator.store;

import com.google.protobuf.InvalidProtocolBufferException;
import io.graphagent.protocol.v1.JobState;
import io.graphagent.protocol.v1.StoredJob;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator's jobs on disk: one {@link StoreFile} per job ({@code STATE/jobs/job-N.job},
 * a {@link StoredJob}), rewritten whole at submit, at each state change, at each complete
 * checkpoint and at the end, so that a restarted coordinator shows its finished jobs and resumes
 * the others from their last checkpoint. The newest {@value #KEEP_FINISHED} finished jobs are
 * kept; older ones are deleted when the store opens. Thread-safe (each job's file is written by
 * one thread at a time; different files are independent).
 */
public final class JobStore implements JobRecords {
    /** Subdirectory of the state directory. */
    public static final String DIRECTORY = "jobs";
    /** File name suffix of a job record. */
    public static final String SUFFIX = ".job";
    /** Finished jobs kept for status; enough for a day of interactive use, small on disk (under 1 KB each). */
    public static final int KEEP_FINISHED = 200;

    private static final Logger log = LoggerFactory.getLogger(JobStore.class);
    private static final Pattern JOB_ID = Pattern.compile("job-(\\d{1,18})");

    private final Path dir;

    private JobStore(Path dir) {
        this.dir = dir;
    }

    /** The store under {@code stateDir} (created if absent). */
    public static JobStore open(Path stateDir) throws StateDirException {
        Path dir = stateDir.resolve(DIRECTORY);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new StateDirException(dir, "cannot be created (" + e.getMessage() + ")",
                    "make coordinator.state-dir writable by the coordinator's user", e);
        }
        return new JobStore(dir);
    }

    /** Where the jobs are kept. */
    public Path directory() {
        return dir;
    }

    /**
     * Every stored job, oldest first, after deleting finished ones beyond {@value #KEEP_FINISHED}
     * and temporaries left by a write that a crash interrupted.
     *
     * @throws StateDirException naming the first file that is torn, corrupt or not a job record
     */
    public List<StoredJob> load() throws StateDirException {
        List<Path> files = StoreFile.records(dir, SUFFIX);
        List<StoredJob> jobs = new ArrayList<>();
        for (Path file : files) {
            StoredJob job = parse(file, StoreFile.read(file));
            if (number(job.getJobId()) < 0 || !file.getFileName().toString().equals(job.getJobId() + SUFFIX)) {
                throw new StateDirException(file, "holds job '" + job.getJobId() + "', which does not match its name",
                        "move it out of " + dir + " (the job is then forgotten) or rename it to the job id it holds");
            }
            jobs.add(job);
        }
        jobs.sort(Comparator.comparingLong(j -> number(j.getJobId())));
        return prune(jobs);
    }

    /** Replaces the record of {@code job.job_id}, durably. */
    @Override
    public void save(StoredJob job) throws StateDirException {
        if (number(job.getJobId()) < 0) {
            throw new IllegalArgumentException("not a job id: " + job.getJobId());
        }
        StoreFile.write(file(job.getJobId()), job.toByteArray());
    }

    /** The file of {@code jobId}. */
    public Path file(String jobId) {
        return dir.resolve(jobId + SUFFIX);
    }

    /** N of a job id {@code job-N}; -1 for anything else. */
    public static long number(String jobId) {
        Matcher m = JOB_ID.matcher(jobId);
        return m.matches() ? Long.parseLong(m.group(1)) : -1;
    }

    /** Whether a job in {@code state} is over (it is shown, never resumed). */
    public static boolean terminal(JobState state) {
        return state == JobState.SUCCEEDED || state == JobState.FAILED || state == JobState.CANCELLED;
    }

    private List<StoredJob> prune(List<StoredJob> jobs) {
        long finished = jobs.stream().filter(j -> terminal(j.getState())).count();
        List<StoredJob> kept = new ArrayList<>();
        for (StoredJob job : jobs) {
            if (terminal(job.getState()) && finished > KEEP_FINISHED) {
                finished--;
                try {
                    Files.deleteIfExists(file(job.getJobId()));
                } catch (IOException e) {
                    log.warn("event=job_record_not_pruned file={} detail=\"{}\"", file(job.getJobId()), e.getMessage());
                }
                continue;
            }
            kept.add(job);
        }
        return kept;
    }

    private static StoredJob parse(Path file, byte[] payload) throws StateDirException {
        try {
            StoredJob job = StoredJob.parseFrom(payload);
            if (job.getJobId().isEmpty() || !job.hasSpec()) {
                throw new StateDirException(file, "is not a job record (no job id or no job spec)",
                        "move it out of " + file.getParent() + " (the job is then forgotten)");
            }
            return job;
        } catch (InvalidProtocolBufferException e) {
            throw new StateDirException(file, "is corrupt: its checksum matches but it is not a job record ("
                    + e.getMessage() + ")", "move it out of " + file.getParent() + " (the job is then forgotten)", e);
        }
    }
}
