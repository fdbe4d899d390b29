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

    /** The kind of a failure with this cause label. */
    static JobFailureKind of(String cause) {
        return LOAD_FAILED.equals(cause) ? JobFailureKind.BAD_INPUT : JobFailureKind.CLUSTER_FAILURE;
    }
}
