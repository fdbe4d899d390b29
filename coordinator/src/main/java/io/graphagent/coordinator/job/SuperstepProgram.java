package io.graphagent.coordinator.job;

import io.graphagent.api.VertexProgram;
import io.graphagent.graph.kernels.Kernels;

/**
 * The program whose supersteps the coordinator drives (its master compute, aggregators and
 * halting decisions), and how many supersteps it runs at most.
 *
 * @param cap supersteps the job runs at most; {@link Integer#MAX_VALUE} when unbounded
 */
record SuperstepProgram(VertexProgram program, int cap) {

    /**
     * The job's configured program: a built-in kernel, or the user's, loaded in the class loader
     * of the job's own {@link JobProgram} (closed by the driver when the job ends).
     */
    static SuperstepProgram open(ResolvedJob job) throws JobFailedException {
        VertexProgram program;
        if (job.program() == null) {
            program = Kernels.programShape(job.algorithm(), job.parameters());
        } else {
            try {
                program = job.program().open();
            } catch (io.graphagent.graph.kernels.ProgramLoadException | RuntimeException | LinkageError e) {
                throw new JobFailedException("program_error", "the coordinator cannot load " + job.program().className()
                        + " again: " + e.getMessage());
            }
        }
        return new SuperstepProgram(program, cap(job, program));
    }

    /** The cap as the status shows it: 0 for none. */
    int shownCap() {
        return cap == Integer.MAX_VALUE ? 0 : cap;
    }

    /**
     * Supersteps the job runs at most: the program's cap, lowered by {@code --max-supersteps};
     * a user program with neither stops after {@link JobProgram#DEFAULT_USER_MAX_SUPERSTEPS}.
     */
    private static int cap(ResolvedJob job, VertexProgram program) {
        int cap = program.shape().maxSupersteps();
        if (job.spec().hasMaxSupersteps()) {
            cap = Math.min(cap, (int) Math.min(Integer.MAX_VALUE, Integer.toUnsignedLong(job.spec().getMaxSupersteps())));
        } else if (job.program() != null && cap == Integer.MAX_VALUE) {
            cap = JobProgram.DEFAULT_USER_MAX_SUPERSTEPS;
        }
        return cap;
    }
}
