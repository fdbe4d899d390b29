package io.graphagent.coordinator.job;

import io.graphagent.graph.kernels.KernelSettings;
import io.graphagent.graph.partition.Partitioning;
import io.graphagent.protocol.v1.FieldError;
import io.graphagent.protocol.v1.SubmitRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * The bound of every job parameter, checked at submit before the job is resolved or recorded:
 * a request past one is refused with the bound, never run into memory or time it cannot have
 * ({@code --partitions 2000000000} once killed the job-driver thread with an OutOfMemoryError).
 * The iteration bound ({@link KernelSettings#MAX_ITERATIONS}) is checked again once the
 * properties file is read. Stateless.
 */
final class JobBounds {
    /** Longest graph or output path, in characters: Linux's PATH_MAX. */
    static final int MAX_PATH_CHARS = 4096;
    /** The largest checkpoint interval; a larger one means "never" as well ({@code 0} says so). */
    static final long MAX_CHECKPOINT_EVERY = KernelSettings.MAX_ITERATIONS + 1L;
    /** Longest client name ("user@host", logged with the job), in characters. */
    static final int MAX_CLIENT_NAME_CHARS = 128;

    private JobBounds() {
    }

    /** One FieldError per parameter past its bound; empty when all are within. */
    static List<FieldError> check(SubmitRequest request) {
        var spec = request.getJob();
        List<FieldError> errors = new ArrayList<>();
        if (spec.getGraph().length() > MAX_PATH_CHARS) {
            errors.add(error("graph", "the path has " + spec.getGraph().length() + " characters, more than " + MAX_PATH_CHARS,
                    "give a shorter path"));
        }
        if (spec.getOutputPath().length() > MAX_PATH_CHARS) {
            errors.add(error("output_path", "the path has " + spec.getOutputPath().length() + " characters, more than "
                    + MAX_PATH_CHARS, "give a shorter path"));
        }
        long partitions = Integer.toUnsignedLong(spec.getPartitions());
        if (partitions > Partitioning.MAX_PARTITIONS) {
            errors.add(error("partitions", partitions + " partitions is more than the " + Partitioning.MAX_PARTITIONS
                    + " a job may have", "pass --partitions " + Partitioning.MAX_PARTITIONS + " or fewer (default: agents x"
                    + " job.partitions-per-agent)"));
        }
        long iterations = Integer.toUnsignedLong(spec.getIterations());
        if (spec.hasIterations() && iterations > KernelSettings.MAX_ITERATIONS) {
            errors.add(error("iterations", iterations + " iterations is more than the " + KernelSettings.MAX_ITERATIONS
                    + " a job may run (" + (KernelSettings.MAX_ITERATIONS + 1) + " supersteps)",
                    "pass --iterations " + KernelSettings.MAX_ITERATIONS + " or fewer"));
        }
        long every = Integer.toUnsignedLong(spec.getCheckpointEvery());
        if (spec.hasCheckpointEvery() && every > MAX_CHECKPOINT_EVERY) {
            errors.add(error("checkpoint_every", every + " is more than " + MAX_CHECKPOINT_EVERY + ", the most supersteps a"
                    + " job runs", "pass 0 for no checkpoints, or at most " + MAX_CHECKPOINT_EVERY));
        }
        String client = request.getClientName();
        if (client.length() > MAX_CLIENT_NAME_CHARS || !client.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
            errors.add(error("client_name", "the client name must be at most " + MAX_CLIENT_NAME_CHARS
                    + " printable ASCII characters", "send a short name such as user@host"));
        }
        return errors;
    }

    private static FieldError error(String field, String problem, String fix) {
        return FieldError.newBuilder().setField(field).setMessage(problem + ". Fix: " + fix).build();
    }
}
