package io.graphagent.agent.program;

import io.grpc.ManagedChannel;
import io.graphagent.api.VertexProgram;
import io.graphagent.graph.kernels.ParameterMap;
import io.graphagent.graph.kernels.ProgramLoadException;
import io.graphagent.graph.kernels.ProgramRegistry;
import io.graphagent.graph.kernels.UserProgram;
import io.graphagent.protocol.v1.ProgramRef;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The user programs of the jobs this agent runs: each job's program is loaded from the
 * {@link ProgramCache} in a class loader of the job's own (parent: the API's loader), configured
 * with the job's parameters once, kept while the job lives here (reloads after a rollback reuse
 * it) and closed by {@link #release} when the job ends. Thread-safe.
 */
public final class JobPrograms {
    private static final Logger log = LoggerFactory.getLogger(JobPrograms.class);

    private final ProgramCache cache;
    private final Map<String, Held> byJob = new HashMap<>();

    public JobPrograms(ProgramCache cache) {
        this.cache = cache;
    }

    private record Held(ProgramRef ref, Map<String, String> parameters, UserProgram loaded) {
    }

    /** Whether a load names a user program rather than a built-in kernel. */
    public static boolean named(ProgramRef ref) {
        return !ref.getClassName().isEmpty();
    }

    /**
     * The job's configured program: the one already loaded for it, or a new one from its jar
     * (fetched from {@code coordinator} when the cache lacks it).
     *
     * @throws ProgramUnavailableException when the jar cannot be had or the class not loaded or configured
     */
    public synchronized VertexProgram open(String jobId, ProgramRef ref, Map<String, String> parameters,
                                           ManagedChannel coordinator) throws ProgramUnavailableException {
        Held held = byJob.get(jobId);
        if (held != null && held.ref().equals(ref) && held.parameters().equals(parameters)) {
            return held.loaded().program();
        }
        release(jobId);
        UserProgram loaded;
        try {
            loaded = ProgramRegistry.load(cache.jar(ref.getJarSha256(), ref.getJarBytes(), jobId, coordinator),
                    ref.getClassName());
        } catch (ProgramLoadException e) {
            throw new ProgramUnavailableException(e.getMessage());
        }
        try {
            ProgramRegistry.configure(loaded.program(), new ParameterMap(parameters), ref.getClassName());
        } catch (RuntimeException | LinkageError e) {
            close(loaded);
            throw new ProgramUnavailableException(ref.getClassName() + " cannot be configured: " + e.getMessage());
        }
        byJob.put(jobId, new Held(ref, Map.copyOf(parameters), loaded));
        log.info("event=program_loaded job={} class={} sha256={}", jobId, ref.getClassName(), ref.getJarSha256());
        return loaded.program();
    }

    /** The program {@link #open} loaded for the job, or null. */
    public synchronized VertexProgram held(String jobId) {
        Held held = byJob.get(jobId);
        return held == null ? null : held.loaded().program();
    }

    /** Closes the job's class loader, if it has one: the job ended on this agent. */
    public synchronized void release(String jobId) {
        Held held = byJob.remove(jobId);
        if (held != null) {
            close(held.loaded());
            log.info("event=program_unloaded job={} class={}", jobId, held.ref().getClassName());
        }
    }

    /** Closes every job's class loader (the agent was fenced or stops). */
    public synchronized void releaseAll() {
        for (String jobId : new java.util.ArrayList<>(byJob.keySet())) {
            release(jobId);
        }
    }

    private static void close(UserProgram loaded) {
        try {
            loaded.close();
        } catch (IOException e) {
            // the jar was only read; nothing to undo
        }
    }
}
