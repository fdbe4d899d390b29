package io.graphagent.cli;

import io.graphagent.api.ParameterException;
import io.graphagent.graph.csr.Graph;
import io.graphagent.graph.kernels.Kernel;
import io.graphagent.graph.kernels.ParameterMap;
import io.graphagent.graph.kernels.ProgramLoadException;
import io.graphagent.graph.kernels.ProgramRegistry;
import io.graphagent.graph.kernels.UserProgram;
import io.graphagent.graph.output.Existing;
import io.graphagent.graph.output.ResultWriter;
import io.graphagent.graph.pregel.EngineOptions;
import io.graphagent.graph.pregel.PregelEngine;
import io.graphagent.graph.pregel.PregelResult;
import io.graphagent.graph.pregel.ProgressListener;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A user's program from a jar, in one process: {@link #open} loads and configures it before
 * the graph is read (a bad jar, class or parameter is refused at once, naming it);
 * {@link #run} runs it on the single-process engine and writes its output; {@link #close}
 * closes the program's class loader. Used by {@code run --program}; one thread.
 */
final class ProgramJob implements AutoCloseable {
    private final UserProgram loaded;

    private ProgramJob(UserProgram loaded) {
        this.loaded = loaded;
    }

    /**
     * @throws BadInputException naming the jar, class or parameter at fault
     */
    static ProgramJob open(Path jar, String className, ParameterMap parameters) {
        UserProgram loaded;
        try {
            loaded = ProgramRegistry.load(jar, className);
        } catch (ProgramLoadException e) {
            throw new BadInputException(e.getMessage());
        }
        ProgramJob job = new ProgramJob(loaded);
        try {
            ProgramRegistry.configure(loaded.program(), parameters, className);
        } catch (ParameterException e) {
            job.close();
            throw new BadInputException(e.getMessage());
        } catch (RuntimeException e) {
            job.close();
            throw new BadInputException("program " + className + " refused its configuration: " + e);
        }
        return job;
    }

    /** The program's name for the summary line: its class name. */
    String name() {
        return loaded.className();
    }

    /**
     * Runs the program to completion (or {@code maxSupersteps}) and writes one line per vertex.
     *
     * @throws ProgramFailedException when the program's code throws during the run
     */
    PregelResult run(Graph graph, EngineOptions engine, ProgressListener listener, int maxSupersteps, Path output,
                     Existing existing) throws IOException {
        Kernel bound = new Kernel(loaded.program(), graph::originalId);
        PregelResult result;
        try {
            result = PregelEngine.run(graph, loaded.program(), engine, listener, maxSupersteps);
        } catch (io.graphagent.graph.pregel.ProgramException e) {
            throw new ProgramFailedException("program " + name() + " failed at vertex " + e.vertexId() + " in superstep "
                    + e.superstep() + ": " + e.getCause());
        } catch (RuntimeException e) {
            throw new ProgramFailedException("program " + name() + " failed: " + e);
        }
        ResultWriter.write(output, graph, v -> bound.format(result.doubles(), result.longs(), v), existing);
        return result;
    }

    @Override
    public void close() {
        try {
            loaded.close();
        } catch (IOException e) {
            // the jar was only read; a failed close leaves nothing to undo
        }
    }

    /** The user's program threw during the run; exit 1 with its exception in one line. */
    static final class ProgramFailedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ProgramFailedException(String message) {
            super(message);
        }
    }
}
