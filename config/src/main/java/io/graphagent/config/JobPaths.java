package io.graphagent.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Where a job may read and write on this process's machine: inputs only under
 * {@code job.input-roots}, outputs only under {@code job.output-roots}, and never inside the
 * cluster's own state, certificate, checkpoint or work directories, whatever the roots say (a
 * job must not read the CA key nor overwrite {@code membership.state}).
 *
 * <p>Paths are compared as the file system resolves them: symbolic links in a path (and a
 * root) are followed before the comparison, so a link under a root that points elsewhere
 * leads elsewhere. A path that does not exist yet is resolved through its nearest existing
 * ancestor. Immutable and thread-safe; resolves the configured directories once, when made.
 */
public final class JobPaths {

    /** A directory no job may touch, and how messages name it. */
    private record Guarded(Path dir, String what) {
    }

    private final List<Path> inputRoots;
    private final List<Path> outputRoots;
    private final List<Guarded> guarded;

    private JobPaths(List<Path> inputRoots, List<Path> outputRoots, List<Guarded> guarded) {
        this.inputRoots = inputRoots;
        this.outputRoots = outputRoots;
        this.guarded = guarded;
    }

    /** The roots and guarded directories of {@code config}, resolved against the working directory. */
    public static JobPaths of(GraphagentConfig config) {
        List<Guarded> guarded = new ArrayList<>();
        guarded.add(new Guarded(resolve(config.coordinator().stateDir()), "the coordinator's state directory (coordinator.state-dir)"));
        guarded.add(new Guarded(resolve(config.job().checkpointDir()), "the checkpoint directory (job.checkpoint-dir)"));
        guarded.add(new Guarded(resolve(config.agent().workDir()), "the agent's work directory (agent.work-dir)"));
        TlsConfig tls = config.tls();
        tls.certsDir().ifPresent(d -> guarded.add(new Guarded(resolve(d), "the certificate directory (tls.certs-dir)")));
        tls.ca().ifPresent(f -> guarded.add(new Guarded(resolve(f).getParent(), "the directory of tls.ca")));
        tls.cert().ifPresent(f -> guarded.add(new Guarded(resolve(f).getParent(), "the directory of tls.cert")));
        tls.key().ifPresent(f -> guarded.add(new Guarded(resolve(f).getParent(), "the directory of tls.key")));
        return new JobPaths(config.job().inputRoots().stream().map(JobPaths::resolve).toList(),
                config.job().outputRoots().stream().map(JobPaths::resolve).toList(), List.copyOf(guarded));
    }

    /**
     * What keeps a job from reading {@code file}; empty when it may. The message names the
     * file, the rule and the fix.
     */
    public Optional<String> inputProblem(Path file) {
        return problem(file, inputRoots, ConfigKeys.JOB_INPUT_ROOTS, "read");
    }

    /** What keeps a job from writing {@code file}; empty when it may. */
    public Optional<String> outputProblem(Path file) {
        return problem(file, outputRoots, ConfigKeys.JOB_OUTPUT_ROOTS, "write");
    }

    /** The input roots as resolved, for logs. */
    public List<Path> inputRoots() {
        return inputRoots;
    }

    /** The output roots as resolved, for logs. */
    public List<Path> outputRoots() {
        return outputRoots;
    }

    private Optional<String> problem(Path file, List<Path> roots, ConfigKey<?> key, String verb) {
        Path real = resolve(file);
        for (Guarded g : guarded) {
            if (g.dir() != null && real.startsWith(g.dir())) {
                return Optional.of(file + " is inside " + g.what() + " " + g.dir() + ": jobs never read or write there."
                        + " Fix: choose a path outside the cluster's state, certificate, checkpoint and work directories");
            }
        }
        if (roots.stream().noneMatch(real::startsWith)) {
            String where = real.equals(file.toAbsolutePath().normalize()) ? "" : " (" + real + ")";
            return Optional.of(file + where + " is outside " + key.path() + " (" + list(roots) + "), where jobs may " + verb
                    + ". Fix: use a path under one of them, or add its directory to " + key.path() + " in the configuration"
                    + " (" + key.envName() + ")");
        }
        return Optional.empty();
    }

    private static String list(List<Path> paths) {
        return paths.stream().map(Path::toString).collect(Collectors.joining(", "));
    }

    /**
     * {@code path} absolute, with every symbolic link of its existing part resolved: the
     * nearest existing ancestor's real path plus the rest.
     */
    static Path resolve(Path path) {
        Path absolute = path.toAbsolutePath().normalize();
        Path existing = absolute;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return absolute;
        }
        try {
            return existing.toRealPath().resolve(existing.relativize(absolute)).normalize();
        } catch (IOException e) {
            return absolute;
        }
    }
}
