package io.graphagent.cli;

import io.graphagent.graph.kernels.Algorithm;
import io.graphagent.protocol.v1.FieldError;
import io.graphagent.protocol.v1.JobFailureKind;
import io.graphagent.protocol.v1.JobProgress;
import io.graphagent.protocol.v1.JobSpec;
import io.graphagent.protocol.v1.JobState;
import io.graphagent.protocol.v1.JobSummary;
import io.graphagent.protocol.v1.SubmitReply;
import io.graphagent.protocol.v1.SubmitRequest;
import java.io.PrintWriter;
import io.graphagent.net.backoff.Backoff;
import io.graphagent.net.cause.NotLeaderRefusal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code graphagent submit}: runs one kernel on the cluster with the flags of {@code run}, waits
 * for it while showing its supersteps on stderr, and prints a {@code key=value} summary on
 * stdout. Ctrl-C cancels the job.
 */
@Command(name = "submit", mixinStandardHelpOptions = true,
        description = {
            "Run one Graphalytics kernel, or your own vertex program from a jar, on the cluster and wait for it. Takes "
                    + "the job flags of 'graphagent run'; "
                    + "paths are made absolute and must name the same files on the coordinator's and the agents' "
                    + "machines (one machine, a shared file system, or copies at the same path).",
            "",
            "The coordinator checks the job first and reports every problem at once (exit 2). While the job runs, "
                    + "state changes, lost agents, rollbacks and supersteps are shown on stderr. On success, one line on "
                    + "stdout: algo= job= vertices= edges= supersteps= total_s= load_s= compute_s= output_s= messages= bytes= "
                    + "agents= partitions= recoveries= output=. A job that FAILED on its input (a graph file that does "
                    + "not parse, a source vertex not in the graph) exits 2, as 'graphagent run' does; any other FAILED "
                    + "or CANCELLED job exits 1 with the coordinator's message. Ctrl-C cancels the job.",
            "",
            "--program FILE.jar --class NAME uploads the jar to the coordinator (at most 64 MiB, named by its SHA-256); "
                    + "the coordinator loads the class and configures it with the --param values before any agent sees "
                    + "the job, and refuses a class that is missing or not a program or a bad parameter (exit 2). A "
                    + "program that throws fails its job PROGRAM_ERROR (exit 1) with the vertex, the superstep and the "
                    + "program's stack frames on stderr. It runs on --graph or on a resident graph (--graph-name): one "
                    + "that lacks what the program needs (edge weights) is refused, naming the graph. Needs a TLS "
                    + "cluster, a client certificate of its CA and job.user-programs: allow (see docs/programming-guide.md).",
            "",
            "When the coordinator goes away while the job runs (a crash, a restart), submit watches the job again with "
                    + "backoff for up to 5 minutes: a coordinator restarted on its state directory resumes the job and "
                    + "submit follows it to the end.",
            "",
            "With no --coordinator and no certificate flags it submits to the cluster started by 'graphagent local' "
                    + "in this directory.",
            ""},
        footerHeading = "%nExamples:%n",
        footer = {
            "  graphagent submit --algorithm pagerank --output pr.txt \\",
            "      --graph ../shared/datasets/graphalytics/example-directed",
            "  graphagent submit --coordinator coord:7400 --certs certs -a bfs -g /data/g --source 1 -o /data/bfs.txt",
            "  graphagent submit --program examples/target/graphagent-examples-0.1.0-SNAPSHOT.jar \\",
            "      --class io.graphagent.examples.Hits --param iterations=20 -g /data/web --directed -o /data/hits.txt",
            "  graphagent graph load --name web --graph /data/web && graphagent submit -a wcc --graph-name web -o /data/wcc.txt",
            "  graphagent submit --etcd https://etcd1:2379,https://etcd2:2379 --etcd-ca ca.pem --etcd-cert c.pem \\",
            "      --etcd-key k.pem --certs certs -a wcc -g /data/g -o /data/wcc.txt   (the leader read from etcd)"})
final class SubmitCommand implements Callable<Integer>, ClusterCommand {
    /**
     * How long submit keeps trying to watch its job again after the coordinator went away: long
     * enough for a supervisor to restart a crashed coordinator, short enough that a coordinator
     * gone for good ends the command.
     */
    static final Duration REATTACH_WINDOW = Duration.ofMinutes(5);
    /** Delays between attempts: full jitter from 200 ms, doubling, at most 5 s. */
    static final Backoff REATTACH_BACKOFF = new Backoff(Duration.ofMillis(200), 2.0, Duration.ofSeconds(5), 0);

    @Spec
    CommandSpec spec;

    @Mixin
    ClientOptions client;

    @Option(names = {"-a", "--algorithm"}, paramLabel = "ALGO", converter = RunCommand.AlgorithmConverter.class,
            description = "bfs, pagerank (or pr), wcc, cdlp, lcc or sssp. Either this or --program.")
    Algorithm algorithm;

    @Option(names = "--program", paramLabel = "FILE.jar",
            description = "A jar holding your vertex program (with --class), uploaded to the coordinator (at most 64 MiB) and"
                    + " fetched from it by the agents; needs a TLS cluster, a client certificate of its CA and"
                    + " job.user-programs: allow. Either this or --algorithm.")
    Path program;

    @Option(names = "--class", paramLabel = "NAME",
            description = "The fully qualified name of the program class in --program.")
    String programClass;

    @Option(names = "--param", paramLabel = "KEY=VALUE",
            description = "A parameter of the --program, read by its configure(Parameters); repeatable. Checked by the"
                    + " coordinator before the job starts: a missing, ill-typed or unread key is refused (exit 2).")
    java.util.List<String> params = java.util.List.of();

    @Option(names = "--max-supersteps", paramLabel = "N",
            description = "Stop after N supersteps at most (with the program's own cap, the lesser wins). Default: the"
                    + " program's cap; a user program without one stops after 10000.")
    Integer maxSupersteps;

    @ArgGroup(exclusive = true, multiplicity = "1")
    GraphChoice graphChoice;

    /** Either the input files (loaded for the job) or a resident graph's name (used as it is held). */
    static final class GraphChoice {
        @Option(names = {"-g", "--graph"}, required = true, paramLabel = "PREFIX",
                description = "Graphalytics prefix (PREFIX.v, PREFIX.e, optional PREFIX.properties) or an edge-list file.")
        Path graph;

        @Option(names = "--graph-name", required = true, paramLabel = "NAME",
                description = "Run on the resident graph NAME ('graphagent graph load --name NAME') without loading it "
                        + "again: no input is read, the job runs on the graph's partitions and directedness, each "
                        + "partition on one of its live replicas. An unknown name is refused (exit 2) with the loaded "
                        + "names. Defaults of --source, --iterations and --damping come from the properties of the "
                        + "prefix the graph was loaded from while that file is there.")
        String graphName;
    }

    @ArgGroup(exclusive = true)
    RunCommand.Directedness directedness;

    @Option(names = "--source", paramLabel = "ID",
            description = "Source vertex (original id) of bfs and sssp. Default: bfs.source-vertex / sssp.source-vertex from the properties.")
    Long source;

    @Option(names = "--iterations", paramLabel = "N",
            description = "Iterations of pagerank or cdlp. Default: from the properties, else as 'graphagent run'.")
    Integer iterations;

    @Option(names = "--damping", paramLabel = "D", description = "PageRank damping factor in [0, 1]. Default: from the properties, else 0.85.")
    Double damping;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE",
            description = "Output file, written atomically by the coordinator. Its directory must exist on the coordinator's "
                    + "machine, under the coordinator's job.output-roots; an existing file is refused without --overwrite.")
    Path output;

    @Option(names = "--overwrite", description = "Replace an existing output file (a regular file only, never an input "
            + "of the job; its permission bits are kept).")
    boolean overwrite;

    @Option(names = "--partitions", paramLabel = "N",
            description = "Partitions of the graph. Default: agents x job.partitions-per-agent, at most 1024. Results depend on it only in the last bits of real "
                    + "numbers (summation order).")
    Integer partitions;

    @Option(names = "--checkpoint-every", paramLabel = "K",
            description = "Checkpoint every K supersteps; 0 never (a lost agent restarts the job). Default: job.checkpoint-every of the coordinator.")
    Integer checkpointEvery;

    @Override
    public Integer call() throws Exception {
        JobSpec job = jobSpec();
        PrintWriter err = spec.commandLine().getErr();
        try (CoordinatorClient coordinator = client.connect()) {
            if (job.hasProgram()) {
                var uploaded = coordinator.upload(program, job.getProgram());
                err.println("graphagent: program " + programClass + " jar sha256=" + uploaded.getJarSha256()
                        + (uploaded.getAlreadyHeld() ? " (the coordinator held it already)" : " uploaded"));
                err.flush();
            }
            SubmitReply reply = coordinator.submit(SubmitRequest.newBuilder().setJob(job).setClientName(clientName()).build());
            if (reply.getErrorsCount() > 0) {
                for (FieldError e : reply.getErrorsList()) {
                    err.println("graphagent: job refused: " + (e.getField().isEmpty() ? "" : e.getField() + ": ") + e.getMessage());
                }
                err.flush();
                return FailureHandler.EXIT_BAD_INPUT;
            }
            String jobId = reply.getJobId();
            err.println("graphagent: job " + jobId + " submitted to " + coordinator.target());
            err.flush();
            return watch(coordinator, jobId);
        }
    }

    private int watch(CoordinatorClient coordinator, String jobId) {
        AtomicBoolean finished = new AtomicBoolean();
        Thread cancelOnInterrupt = new Thread(() -> {
            if (!finished.get()) {
                try {
                    coordinator.cancel(jobId, "graphagent submit interrupted (Ctrl-C)");
                    System.err.println("graphagent: cancelled job " + jobId + " (interrupted)");
                } catch (RuntimeException e) {
                    System.err.println("graphagent: could not cancel job " + jobId + ": " + e.getMessage());
                }
            }
        }, "submit-cancel-on-exit");
        Runtime.getRuntime().addShutdownHook(cancelOnInterrupt);
        try {
            JobProgressPrinter printer = new JobProgressPrinter(spec.commandLine().getErr(), System::nanoTime);
            JobProgress last = null;
            long reattachDeadline = 0;
            int failures = 0;
            while (last == null || !terminal(last.getState())) {
                try {
                    for (Iterator<JobProgress> progress = coordinator.watch(jobId); progress.hasNext(); ) {
                        last = progress.next();
                        failures = 0;
                        printer.print(last);
                        if (terminal(last.getState())) {
                            break;
                        }
                    }
                    break;
                } catch (CoordinatorCallException e) {
                    if (!e.coordinatorUnreachable()) {
                        throw e;
                    }
                    java.util.Optional<NotLeaderRefusal> standby = NotLeaderRefusal.of(e).filter(r -> !r.leader().isEmpty());
                    if (standby.isPresent()) {
                        // The job lives in etcd and goes on under the leader named; this coordinator will not serve it.
                        throw new JobFailedException("stopped watching job " + jobId + ": " + standby.get().summary()
                                + ". Fix: the job goes on under the leader: `graphagent status --coordinator "
                                + standby.get().leader() + "` shows it (do not submit it again)");
                    }
                    long now = System.nanoTime();
                    if (failures == 0) {
                        reattachDeadline = now + REATTACH_WINDOW.toNanos();
                    } else if (now > reattachDeadline) {
                        throw new JobFailedException("lost job " + jobId + ": the coordinator " + coordinator.target()
                                + " did not come back within " + REATTACH_WINDOW.toMinutes() + " min (" + e.getMessage()
                                + "). Fix: start the coordinator again on its state directory, then 'graphagent status'"
                                + " shows the job");
                    }
                    Duration delay = REATTACH_BACKOFF.delay(++failures, java.util.concurrent.ThreadLocalRandom.current());
                    if (failures == 1) {
                        PrintWriter err = spec.commandLine().getErr();
                        err.println("graphagent: lost the coordinator while watching job " + jobId + " ("
                                + e.getMessage().replaceFirst("^.*?cause=", "cause=").replaceFirst("\\. Fix:.*$", "")
                                + "); watching it again for up to " + REATTACH_WINDOW.toMinutes() + " min");
                        err.flush();
                    }
                    pause(delay);
                    coordinator.reconnectNow();
                }
            }
            finished.set(true);
            if (last == null || !terminal(last.getState())) {
                throw new JobFailedException("coordinator " + coordinator.target() + " ended the progress of job " + jobId
                        + " before it finished (last state " + (last == null ? "none" : last.getState().name())
                        + "). Fix: look at 'graphagent status' and the coordinator's log");
            }
            if (last.getState() != JobState.SUCCEEDED) {
                String message = "job " + jobId + " " + last.getState().name()
                        + (last.getMessage().isEmpty() ? "" : ": " + last.getMessage());
                if (last.getFailureKind() == JobFailureKind.BAD_INPUT) {
                    throw new BadInputException(message);
                }
                if (last.getFailureKind() == JobFailureKind.PROGRAM_ERROR) {
                    // The user's own stack frames, line by line as Java prints them: what they debug from.
                    PrintWriter err = spec.commandLine().getErr();
                    err.println("graphagent: " + message);
                    err.flush();
                    return FailureHandler.EXIT_FAILURE;
                }
                throw new JobFailedException(message);
            }
            PrintWriter out = spec.commandLine().getOut();
            out.println(summary(jobId, last.getSummary()));
            out.flush();
            return 0;
        } finally {
            finished.set(true);
            try {
                Runtime.getRuntime().removeShutdownHook(cancelOnInterrupt);
            } catch (IllegalStateException shuttingDown) {
                // The JVM is exiting: the hook runs and sees the job finished.
            }
        }
    }

    /** Pause between attempts to watch the job again; interrupted (Ctrl-C) ends the command. */
    private static void pause(Duration delay) {
        try {
            Thread.sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JobFailedException("interrupted while waiting for the coordinator to come back");
        }
    }

    private String summary(String jobId, JobSummary s) {
        return String.format(Locale.ROOT,
                "algo=%s job=%s vertices=%d edges=%d supersteps=%d total_s=%s load_s=%s compute_s=%s output_s=%s messages=%d bytes=%d"
                        + " agents=%d partitions=%d recoveries=%d input_bytes_read=%d edges_shipped=%d share_bytes=%d mirrors=%d"
                        + " output=%s",
                algorithm != null ? algorithm.cliName() : programClass, jobId, s.getVertices(), s.getEdges(), s.getSupersteps(),
                Durations.seconds(s.getTotalTimeMs()), Durations.seconds(s.getLoadTimeMs()),
                Durations.seconds(s.getComputeTimeMs()), Durations.seconds(s.getOutputTimeMs()), s.getMessages(), s.getBytesExchanged(), s.getAgents(),
                s.getPartitions(), s.getRecoveries(), s.getInputBytesRead(), s.getEdgesShipped(), s.getShareBytes(),
                s.getMirrors(), s.getOutputPath().isEmpty() ? output.toAbsolutePath() : s.getOutputPath());
    }

    private static boolean terminal(JobState state) {
        return state == JobState.SUCCEEDED || state == JobState.FAILED || state == JobState.CANCELLED;
    }

    /** The job as the coordinator receives it; only what cannot be encoded is checked here, the rest there. */
    JobSpec jobSpec() {
        if (iterations != null && iterations < 0) {
            throw new BadInputException("--iterations must be 0 or more, got " + iterations, "pass e.g. --iterations 20");
        }
        if (damping != null && !(damping >= 0 && damping <= 1)) {
            throw new BadInputException("--damping must be in [0, 1], got " + damping, "pass e.g. --damping 0.85");
        }
        if (partitions != null && partitions < 1) {
            throw new BadInputException("--partitions must be at least 1, got " + partitions, "pass e.g. --partitions 8");
        }
        if (checkpointEvery != null && checkpointEvery < 0) {
            throw new BadInputException("--checkpoint-every must be 0 or more, got " + checkpointEvery,
                    "pass e.g. --checkpoint-every 10, or 0 for no checkpoints");
        }
        if (graphChoice.graphName != null && partitions != null) {
            throw new BadInputException("--partitions cannot be given with --graph-name: the job runs on the resident "
                    + "graph's partitions", "drop --partitions");
        }
        if (maxSupersteps != null && maxSupersteps < 1) {
            throw new BadInputException("--max-supersteps must be at least 1, got " + maxSupersteps, "pass e.g. --max-supersteps 100");
        }
        JobSpec.Builder job = JobSpec.newBuilder();
        if (program != null || programClass != null) {
            programOf(job);
        } else if (algorithm == null) {
            throw new BadInputException("no program to run", "pass --algorithm ALGO, or --program FILE.jar --class NAME");
        } else if (!params.isEmpty()) {
            throw new BadInputException("--param applies to --program only", "pass the kernel's flags (--source, --iterations,"
                    + " --damping) instead");
        } else {
            job.setAlgorithm(protocolAlgorithm(algorithm));
        }
        if (maxSupersteps != null) {
            job.setMaxSupersteps(maxSupersteps);
        }
        job
                .setOutputPath(output.toAbsolutePath().normalize().toString())
                .setOverwrite(overwrite);
        if (graphChoice.graphName != null) {
            job.setGraphName(graphChoice.graphName);
        } else {
            job.setGraph(graphChoice.graph.toAbsolutePath().normalize().toString());
        }
        if (directedness != null) {
            job.setDirected(directedness.directed);
        }
        if (source != null) {
            job.setSourceVertex(source);
        }
        if (iterations != null) {
            job.setIterations(iterations);
        }
        if (damping != null) {
            job.setDamping(damping);
        }
        if (partitions != null) {
            job.setPartitions(partitions);
        }
        if (checkpointEvery != null) {
            job.setCheckpointEvery(checkpointEvery);
        }
        return job.build();
    }

    /** The user program and its parameters: the jar is checked and named here, the class and parameters by the coordinator. */
    private void programOf(JobSpec.Builder job) {
        ProgramFlags.check(algorithm != null, program, programClass, source != null || iterations != null || damping != null);
        java.util.Map<String, String> parameters;
        try {
            parameters = io.graphagent.graph.kernels.ParameterMap.parse(params).asMap();
        } catch (io.graphagent.api.ParameterException e) {
            throw new BadInputException(e.getMessage(), "pass --param key=value");
        }
        job.setProgram(ProgramUpload.describe(program, programClass)).putAllProgramParameters(parameters);
    }

    static io.graphagent.protocol.v1.Algorithm protocolAlgorithm(Algorithm algorithm) {
        return switch (algorithm) {
            case BFS -> io.graphagent.protocol.v1.Algorithm.BFS;
            case PAGERANK -> io.graphagent.protocol.v1.Algorithm.PAGERANK;
            case WCC -> io.graphagent.protocol.v1.Algorithm.WCC;
            case CDLP -> io.graphagent.protocol.v1.Algorithm.CDLP;
            case LCC -> io.graphagent.protocol.v1.Algorithm.LCC;
            case SSSP -> io.graphagent.protocol.v1.Algorithm.SSSP;
        };
    }

    private static String clientName() {
        String host = System.getenv("HOSTNAME");
        return System.getProperty("user.name", "unknown") + (host == null || host.isEmpty() ? "" : "@" + host);
    }
}
