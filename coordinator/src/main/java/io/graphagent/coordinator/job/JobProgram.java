package io.graphagent.coordinator.job;

import io.graphagent.api.ParameterException;
import io.graphagent.api.VertexProgram;
import io.graphagent.config.UserPrograms;
import io.graphagent.graph.kernels.ParameterMap;
import io.graphagent.graph.kernels.ProgramLoadException;
import io.graphagent.graph.kernels.ProgramRegistry;
import io.graphagent.graph.kernels.UserProgram;
import io.graphagent.graph.program.JarStore;
import io.graphagent.protocol.v1.FieldError;
import io.graphagent.protocol.v1.JobSpec;
import io.graphagent.protocol.v1.ProgramRef;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The user program a job runs ({@code submit --program JAR --class NAME}): its class, its jar
 * in the coordinator's {@link JarStore} and its parameters, checked at Submit by loading the
 * class and configuring it, in a class loader that is closed again at once. The job's driver
 * {@link #open opens} it once more for its shape and master compute, in a class loader of the
 * job's own, and {@link #close closes} it when the job ends. Used by one job's driver thread.
 */
final class JobProgram implements AutoCloseable {
    /**
     * Supersteps a user program runs at most when neither it nor {@code --max-supersteps} sets a
     * cap: a program that never halts ends there, not never.
     */
    static final int DEFAULT_USER_MAX_SUPERSTEPS = 10_000;

    private final ProgramRef ref;
    private final Map<String, String> parameters;
    private final Path jar;
    /** What the program needs of its graph, as its shape said at Submit. */
    private ProgramNeeds needs;
    private UserProgram opened;

    private JobProgram(ProgramRef ref, Map<String, String> parameters, Path jar) {
        this.ref = ref;
        this.parameters = Map.copyOf(parameters);
        this.jar = jar;
    }

    /** Whether {@code spec} names a user program (a class in an uploaded jar). */
    static boolean named(JobSpec spec) {
        return spec.hasProgram() && !spec.getProgram().getClassName().isEmpty();
    }

    /**
     * Checks the user program {@code spec} names: the cluster allows them, the coordinator holds
     * its jar, the class is in it and implements the API, and its parameters configure it. Null
     * (with one FieldError per problem in {@code errors}) when refused. Nothing reaches an agent
     * before this passed.
     */
    static JobProgram check(JobSpec spec, JarStore jars, UserPrograms policy, List<FieldError> errors) {
        ProgramRef ref = spec.getProgram();
        if (policy == UserPrograms.DENY) {
            errors.add(error("program", "this cluster runs no user programs (job.user-programs: deny on the coordinator)."
                    + " Fix: run a built-in kernel with --algorithm, or ask the operator to set job.user-programs: allow"));
            return null;
        }
        Optional<Path> jar = jars.find(ref.getJarSha256());
        if (jar.isEmpty()) {
            errors.add(error("program", "the coordinator holds no jar with SHA-256 " + ref.getJarSha256()
                    + ": upload it first (graphagent submit --program does)"));
            return null;
        }
        JobProgram program = new JobProgram(ref, spec.getProgramParametersMap(), jar.get());
        try (program) {
            program.needs = ProgramNeeds.of(ref.getClassName(), program.open().shape());
        } catch (ProgramLoadException e) {
            errors.add(error("program", e.getMessage()));
            return null;
        } catch (ParameterException e) {
            errors.add(error("parameters", e.getMessage()));
            return null;
        } catch (RuntimeException | LinkageError e) {
            errors.add(error("program", ref.getClassName() + " cannot be configured: " + e));
            return null;
        }
        return program;
    }

    ProgramRef ref() {
        return ref;
    }

    Map<String, String> parameters() {
        return parameters;
    }

    /** What the program needs of the graph it runs on (edge weights), as its shape said at Submit. */
    ProgramNeeds needs() {
        return needs;
    }

    /** The program's class name, for logs and status. */
    String className() {
        return ref.getClassName();
    }

    /**
     * Loads the class in a class loader of its own and configures it with the parameters (they
     * were checked at Submit; the same jar gives the same answer).
     *
     * @throws ProgramLoadException when the jar or class no longer loads
     * @throws ParameterException naming the key when a parameter does not configure it
     */
    VertexProgram open() throws ProgramLoadException {
        close();
        opened = ProgramRegistry.load(jar, ref.getClassName());
        ProgramRegistry.configure(opened.program(), new ParameterMap(parameters), ref.getClassName());
        return opened.program();
    }

    /** Closes the class loader of the program {@link #open} made, if any. */
    @Override
    public void close() {
        if (opened != null) {
            try {
                opened.close();
            } catch (IOException e) {
                // the jar was only read; nothing to undo
            }
            opened = null;
        }
    }

    private static FieldError error(String field, String message) {
        return FieldError.newBuilder().setField(field).setMessage(message).build();
    }
}
