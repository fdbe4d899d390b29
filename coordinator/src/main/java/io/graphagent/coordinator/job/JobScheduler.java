package io.graphagent.coordinator.job;

import io.grpc.stub.StreamObserver;
import io.graphagent.config.GraphagentConfig;
import io.graphagent.config.JobPaths;
import io.graphagent.coordinator.membership.AgentDirectory;
import io.graphagent.protocol.v1.AgentState;
import io.graphagent.protocol.v1.CancelJobReply;
import io.graphagent.protocol.v1.CancelJobRequest;
import io.graphagent.protocol.v1.FieldError;
import io.graphagent.protocol.v1.JobProgress;
import io.graphagent.protocol.v1.JobState;
import io.graphagent.protocol.v1.JobStatus;
import io.graphagent.protocol.v1.Report;
import io.graphagent.protocol.v1.StoredJob;
import io.graphagent.coordinator.store.JobRecords;
import io.graphagent.coordinator.store.JobStore;
import io.graphagent.coordinator.store.StoreException;
import io.graphagent.protocol.v1.SubmitReply;
import io.graphagent.protocol.v1.SubmitRequest;
import io.graphagent.protocol.v1.WatchJobRequest;
import java.time.Clock;
import java.util.ArrayList;
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
 * and membership changes to the running job. With a {@link JobStore} it records every job there
 * and, after a restart, shows the finished jobs it reloaded and resumes the others
 * ({@link #resumeStoredJobs()}). Thread-safe.
 */
public final class JobScheduler implements JobApi, AgentDirectory.ReportSink, AgentDirectory.MembershipListener,
        AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(JobScheduler.class);

    private final AgentDirectory directory;
    private final GraphagentConfig config;
    /** Where jobs may read and write (job.input-roots, job.output-roots, less the cluster's own directories). */
    private final JobPaths paths;
    /** The user programs' jars clients uploaded (ProgramService). */
    private final io.graphagent.graph.program.JarStore jars;
    private final Clock clock;
    private final ExecutorService driver = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("job-driver").daemon(true).factory());
    /** By job number: a job reloaded later (on a resident graph) still shows in its place. */
    private final Map<String, JobRun> jobs = new java.util.TreeMap<>(java.util.Comparator.comparingLong(JobStore::number)
            .thenComparing(java.util.Comparator.naturalOrder()));
    private final AtomicLong jobIds = new AtomicLong();
    /** From {@link #firstCommandId}. */
    private final AtomicLong commandIds;
    private final List<JobListener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Null: jobs live in memory only. */
    private final JobRecords store;
    /** The resident graphs jobs may run on by name (submit --graph-name); none until the online side is wired. */
    private volatile ResidentCatalog residents = ResidentCatalog.NONE;
    /** Reloaded jobs not yet finished, in id order, until {@link #resumeStoredJobs()} starts them. */
    private final List<JobRun> reloaded = new ArrayList<>();
    /**
     * Unfinished jobs on a resident graph, reloaded only once the resident graphs are known again
     * ({@link #useResidents}): their spec resolves against the graph's record.
     */
    private final List<StoredJob> awaitingResidents = new ArrayList<>();
    /** When reloaded jobs may place their partitions again. */
    private final Rejoin rejoin;

    /** A scheduler that keeps its jobs in memory only (tests, embedded clusters). */
    public JobScheduler(AgentDirectory directory, GraphagentConfig config, Clock clock) {
        this(directory, config, clock, null, List.of(), java.util.Set.of());
    }

    /**
     * A scheduler that records every job in {@code store} and takes over the jobs an earlier
     * coordinator left there: finished ones are shown as they ended; the others are ready to
     * resume ({@link #resumeStoredJobs()}) once the agents rejoin.
     *
     * @param stored      what {@link JobStore#load()} returned at this start
     * @param knownAgents agent ids of the earlier incarnation, awaited by a reloaded job that recorded none
     */
    public JobScheduler(AgentDirectory directory, GraphagentConfig config, Clock clock, JobRecords store,
                        List<StoredJob> stored, java.util.Set<String> knownAgents) {
        this.directory = directory;
        this.config = config;
        this.paths = JobPaths.of(config);
        this.jars = new io.graphagent.graph.program.JarStore(programsDir(config));
        log.info("event=job_roots inputs={} outputs={}", paths.inputRoots(), paths.outputRoots());
        this.clock = clock;
        this.commandIds = new AtomicLong(firstCommandId(clock));
        this.store = store;
        this.rejoin = new Rejoin(clock.instant(), Rejoin.window(config.session()),
                Rejoin.window(config.session()).plus(config.job().agentWait()), knownAgents);
        for (StoredJob record : stored) {
            if (!JobStore.terminal(record.getState()) && !record.getSpec().getGraphName().isEmpty()) {
                jobIds.accumulateAndGet(JobStore.number(record.getJobId()), Math::max);
                awaitingResidents.add(record);
            } else {
                reload(record, rejoin);
            }
        }
        directory.setReportSink(this);
        directory.addListener(this);
    }

    private void reload(StoredJob record, Rejoin rejoin) {
        List<FieldError> errors = new ArrayList<>();
        ResolvedJob job = JobStore.terminal(record.getState()) ? ResolvedJob.asRecorded(record.getSpec())
                : resolve(record.getSpec(), errors);
        if (job == null) {
            job = ResolvedJob.asRecorded(record.getSpec());
        }
        JobRun run = newRun(record.getJobId(), job);
        run.restore(record, rejoin);
        jobIds.accumulateAndGet(JobStore.number(record.getJobId()), Math::max);
        synchronized (jobs) {
            jobs.put(record.getJobId(), run);
        }
        if (!errors.isEmpty()) {
            String why = errors.stream().map(e -> (e.getField().isEmpty() ? "" : e.getField() + ": ") + e.getMessage())
                    .collect(java.util.stream.Collectors.joining("; "));
            log.warn("event=job_not_resumed job={} detail=\"{}\"", record.getJobId(), why);
            run.failRestored("cannot resume after the coordinator restarted: " + why);
        } else if (!run.finished()) {
            reloaded.add(run);
        }
    }

    /**
     * Starts the reloaded jobs that had not finished, in id order, ahead of jobs submitted from
     * now on; each waits for its agents to rejoin. Call once the listeners are registered (so
     * that metrics and the event log see the resumption). Returns their ids.
     */
    public List<String> resumeStoredJobs() {
        reloadAwaitingResidents();
        List<String> ids = new ArrayList<>();
        synchronized (jobs) {
            reloaded.sort(java.util.Comparator.comparingLong(r -> JobStore.number(r.id())));
            for (JobRun run : reloaded) {
                ids.add(run.id());
                driver.execute(run);
            }
            reloaded.clear();
        }
        if (!ids.isEmpty()) {
            log.info("event=jobs_resuming cause=coordinator_restarted jobs={}", ids);
        }
        return ids;
    }

    /** Where the coordinator keeps the jars of user programs: {@code programs} under its state directory. */
    public static java.nio.file.Path programsDir(GraphagentConfig config) {
        return config.coordinator().stateDir().resolve("programs");
    }

    @Override
    public SubmitReply submit(SubmitRequest request) throws StoreUnavailableException, NotLeaderException {
        List<FieldError> errors = new ArrayList<>(JobBounds.check(request));
        if (!errors.isEmpty()) {
            return SubmitReply.newBuilder().addAllErrors(errors).build();
        }
        ResolvedJob job = resolve(request.getJob(), errors);
        if (job == null) {
            return SubmitReply.newBuilder().addAllErrors(errors).build();
        }
        JobRun run;
        synchronized (jobs) {
            String id = "job-" + jobIds.incrementAndGet();
            run = newRun(id, job);
            if (store != null) {
                try {
                    store.save(run.snapshot());
                } catch (StoreException e) {
                    log.warn("event=job_refused job={} cause={} detail=\"{}\"", id, e.reason(), e.getMessage());
                    if (e.reason() == StoreException.Reason.UNAVAILABLE) {
                        throw new StoreUnavailableException(e.storeProblem(), e);
                    }
                    if (e.reason() == StoreException.Reason.DEPOSED) {
                        throw new NotLeaderException(e.getMessage(), e);
                    }
                    return SubmitReply.newBuilder().addErrors(FieldError.newBuilder()
                            .setMessage("the coordinator cannot record the job: " + e.getMessage())).build();
                }
            }
            jobs.put(id, run);
        }
        String id = run.id();
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
    public java.util.Optional<io.graphagent.protocol.v1.GraphFiles> inputOf(String jobId) {
        synchronized (jobs) {
            JobRun run = jobs.get(jobId);
            return run == null || run.finished() ? java.util.Optional.empty() : java.util.Optional.of(run.input());
        }
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

    /** A job on its input files, or on a resident graph when it names one (--graph-name). */
    private ResolvedJob resolve(io.graphagent.protocol.v1.JobSpec spec, List<FieldError> errors) {
        JobProgram user = null;
        if (JobProgram.named(spec)) {
            user = JobProgram.check(spec, jars, config.job().userPrograms(), errors);
            if (user == null) {
                return null;
            }
        }
        if (!spec.getGraphName().isEmpty()) {
            return ResolvedJob.forResident(spec, config.job().checkpointEvery(), paths, residents, errors, user);
        }
        return ResolvedJob.resolve(spec, config.job().checkpointEvery(), paths, errors, user);
    }

    /**
     * Where jobs submitted with a resident graph's name find it (the coordinator's resident
     * graphs). Before this, such a job is refused: no graph is resident.
     */
    public void useResidents(ResidentCatalog catalog) {
        this.residents = java.util.Objects.requireNonNull(catalog, "catalog");
        reloadAwaitingResidents();
    }

    /**
     * Reloads the unfinished jobs on resident graphs, against the resident graphs known now:
     * the coordinator's, once they are wired ({@link #useResidents}), else none (then such a job
     * fails, naming the graph it lacks).
     */
    private void reloadAwaitingResidents() {
        List<StoredJob> records;
        synchronized (jobs) {
            records = List.copyOf(awaitingResidents);
            awaitingResidents.clear();
        }
        for (StoredJob record : records) {
            reload(record, rejoin);
        }
    }

    private JobRun newRun(String id, ResolvedJob job) {
        return new JobRun(id, job, directory, config.job(), config.session().leaseTtl(), clock, commandIds, listeners,
                this::record, new BlockingInbox(clock), residents);
    }

    /** The journal of every job: its record in the store; a failed write is logged and the job carries on. */
    private void record(StoredJob job) {
        if (store == null) {
            return;
        }
        try {
            store.save(job);
        } catch (StoreException e) {
            log.warn("event=job_record_not_saved job={} state={} detail=\"{}\"", job.getJobId(), job.getState(),
                    e.getMessage());
        }
    }

    /**
     * Where this coordinator's command ids start: the clock's milliseconds times 1,000. An agent's
     * session outlives its coordinator (carried over to the next leader, or resumed with a
     * restarted one), and the agent answers a command by id: a later coordinator's ids start above
     * every id an earlier one sent unless that one sent over 1,000 commands a millisecond, so a
     * late report of the old coordinator's command never answers one of the new coordinator's.
     */
    static long firstCommandId(Clock clock) {
        return Math.max(0, clock.millis()) * 1000;
    }

    /**
     * The coordinator's command ids: every sender of commands in this process (the jobs, the
     * resident graphs) takes them from here, so an agent never sees one id twice.
     */
    public AtomicLong commandIds() {
        return commandIds;
    }

    /** Registers an observer of job state changes, supersteps, checkpoints and recoveries of every job. */
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
