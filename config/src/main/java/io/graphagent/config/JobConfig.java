package io.graphagent.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Section {@code job}: defaults of jobs on the cluster.
 *
 * @param checkpointEvery checkpoint every this many supersteps; 0 never. Smaller loses less
 *     work when an agent dies, at the cost of writing every vertex value and pending message
 *     more often.
 * @param checkpointDir where checkpoints are written. A directory shared by all agents
 *     lets a survivor read a lost agent's checkpoint; otherwise checkpoints are copied to a
 *     peer. Relative paths are resolved against the working directory. Used with
 *     {@link CheckpointStorage#SHARED}.
 * @param checkpointStorage where checkpoints live: the shared {@code checkpointDir}, or each
 *     agent's own work directory plus a copy on the next agent ({@link CheckpointStorage}).
 *     Peer copies survive the loss of an agent without a shared disk, for a second network
 *     transfer of every checkpoint.
 * @param partitionsPerAgent partitions per live agent when a job does not say. More
 *     spreads a lost agent's work over more survivors and balances load, at the cost of
 *     more, smaller message batches.
 */
public record JobConfig(int checkpointEvery, Path checkpointDir, CheckpointStorage checkpointStorage,
                        int partitionsPerAgent) {

    public JobConfig {
        Objects.requireNonNull(checkpointDir, "checkpointDir");
        Objects.requireNonNull(checkpointStorage, "checkpointStorage");
    }
}
