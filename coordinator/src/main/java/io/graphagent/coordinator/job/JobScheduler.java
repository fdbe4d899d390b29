package io.graphagent.coordinator.job;

import io.grpc.stub.StreamObserver;
import io.graphagent.config.GraphagentConfig;
import io.graphagent.coordinator.membership.AgentDirectory;
import io.graphagent.protocol.v1.AgentState;
import io.graphagent.protocol.v1.CancelJobReply;
import io.graphagent.protocol.v1.CancelJobRequest;
import io.graphagent.protocol.v1.FieldError;
import io.graphagent.protocol.v1.JobProgress;
import io.graphagent.protocol.v1.JobState;
import io.graphagent.protocol.v1.JobStatus;
import io.graphagent.protocol.v1.Report;
import io.graphagent.protocol.v1.SubmitReply;
import io.graphagent.protocol.v1.SubmitRequest;
import io.graphagent.protocol.v1.WatchJobRequest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator's job scheduler: validates submitted jobs, queues them, and runs them
 * one at a time on the {@code job-driver} thread ({@link JobRun}); routes agents' reports
 * and membership changes to the running job. Thread-safe.
 */
public final class JobScheduler implements JobApi, AgentDirectory.ReportSink, AgentDirectory.MembershipListener,
        AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(JobScheduler.class);

    private final AgentDirectory directory;
    private final GraphagentConfig config;
    private final Clock clock;
    private final ExecutorService driver = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("job-driver").daemon(true).factory());
    private final Map<String, JobRun> jobs = new LinkedHashMap<>();
    private final AtomicLong jobIds = new AtomicLong();
    private final AtomicLong commandIds = new AtomicLong();
    private final List<JobListener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    public JobScheduler(AgentDirectory directory, GraphagentConfig config, Clock clock) {
        this.directory = directory;
        this.config = config;
        this.clock = clock;
        directory.setReportSink(this);
        directory.addListener(this);
    }

    @Override
    public SubmitReply submit(SubmitRequest request) {
        List<FieldError> errors = new ArrayList<>();
        ResolvedJob job = ResolvedJob.resolve(request.getJob(), config.job().checkpointEvery(), errors);
        if (job == null) {
            return SubmitReply.newBuilder().addAllErrors(errors).build();
        }
        String id = "job-" + jobIds.incrementAndGet();
        JobRun run = new JobRun(id, job, directory, config.job(), config.session().leaseTtl(),
                config.job().checkpointDir().toAbsolutePath().normalize(), config.job().checkpointStorage(), clock, commandIds,
                listeners);
        synchronized (jobs) {
            jobs.put(id, run);
        }
        log.info("event=job_submitted job={} what=\"{}\" client={}", id, job.describe(), request.getClientName());
        driver.execute(run);
        return SubmitReply.newBuilder().setJobId(id).build();
    }

    @Override
    public void watch(WatchJobRequest request, StreamObserver<JobProgress> progress) {
        JobRun run = find(request.getJobId());
        if (run == null) {
            progress.onError(io.grpc.Status.NOT_FOUND.withDescription("no job " + request.getJobId()
                    + ": `graphagent status` lists the jobs").asRuntimeException());
            return;
        }
        run.watch(progress);
    }

    @Override
    public CancelJobReply cancel(CancelJobRequest request) {
        JobRun run = find(request.getJobId());
        if (run == null) {
            return CancelJobReply.newBuilder().setState(JobState.JOB_STATE_UNSPECIFIED)
                    .setMessage("no job " + request.getJobId()).build();
        }
        run.cancel();
        return CancelJobReply.newBuilder().setState(run.status().getState()).setMessage("cancel requested").build();
    }

    @Override
    public List<JobStatus> jobs(boolean includeFinished) {
        synchronized (jobs) {
            return jobs.values().stream().filter(j -> includeFinished || !j.finished()).map(JobRun::status).toList();
        }
    }

    @Override
    public void onReport(String agentId, Report report) {
        JobRun run = find(report.getJobId());
        if (run != null) {
            run.report(agentId, report);
        } else {
            log.debug("event=report_dropped agent={} job={} reason=unknown_job", agentId, report.getJobId());
        }
    }

    @Override
    public void onTransition(String agentId, AgentState from, AgentState to, String cause) {
        List<JobRun> running;
        synchronized (jobs) {
            running = jobs.values().stream().filter(j -> !j.finished()).toList();
        }
        for (JobRun run : running) {
            run.agentChanged(agentId, to, cause);
        }
    }

    /** Registers an observer of job state changes and supersteps, for jobs submitted from now on. */
    public void addListener(JobListener listener) {
        listeners.add(java.util.Objects.requireNonNull(listener, "listener"));
    }

    private JobRun find(String id) {
        synchronized (jobs) {
            return jobs.get(id);
        }
    }

    @Override
    public void close() {
        driver.shutdownNow();
    }
}
