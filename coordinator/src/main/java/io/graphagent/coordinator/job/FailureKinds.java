package io.graphagent.coordinator.job;

import io.graphagent.protocol.v1.FailureKind;
import io.graphagent.protocol.v1.JobFailureKind;
import java.util.Locale;

/**
 * Whether a job's failure cause is the input's fault or the cluster's: what lets
 * {@code graphagent submit} exit 2 for a graph that does not parse, as {@code graphagent run}
 * does, and 1 for a lost cluster. The cause is the label a failed job carries
 * ({@code JobFailedException.cause}): an agent's {@link FailureKind} in lower case, or a job
 * word. Stateless.
 */
final class FailureKinds {
    /** The label of an agent's LOAD_FAILED: a graph that does not parse or does not fit the kernel, or may not be read. */
    private static final String LOAD_FAILED = FailureKind.LOAD_FAILED.name().toLowerCase(Locale.ROOT);

    private FailureKinds() {
    }

    /** The label of an agent's COMPUTE_FAILED: the vertex program threw. */
    private static final String COMPUTE_FAILED = FailureKind.COMPUTE_FAILED.name().toLowerCase(Locale.ROOT);
    /** The label of a user program that can no longer be loaded on the coordinator. */
    private static final String PROGRAM_ERROR = "program_error";

    /** The kind of a failure with this cause label. */
    static JobFailureKind of(String cause) {
        return of(cause, false);
    }

    /**
     * The kind of a failure with this cause label, in a job of a user program ({@code user}):
     * there a program that threw is the program's fault ({@code PROGRAM_ERROR}); a built-in
     * kernel that throws is the cluster's.
     */
    static JobFailureKind of(String cause, boolean user) {
        if (user && (COMPUTE_FAILED.equals(cause) || PROGRAM_ERROR.equals(cause))) {
            return JobFailureKind.PROGRAM_ERROR;
        }
        return LOAD_FAILED.equals(cause) ? JobFailureKind.BAD_INPUT : JobFailureKind.CLUSTER_FAILURE;
    }
}
