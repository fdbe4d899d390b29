package io.graphagent.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
 * @param minAgents the fewest ALIVE agents a job runs on; with fewer (at the start, or after
 *     losing agents) it waits for more to join, up to {@code agentWait}, then fails.
 * @param agentWait how long a job waits for {@code minAgents} agents before it fails.
 * @param inputRoots the directories under which a job's graph files must lie (see {@link JobPaths}).
 *     Narrower keeps a client from having the cluster read files it should not; wider lets
 *     graphs live anywhere. Relative paths against the working directory.
 * @param outputRoots the directories under which a job's output must lie; narrower keeps a
 *     client from having the coordinator write where it should not.
 * @param inputTransfer how agents get their splits of the input: at the path, or streamed by
 *     the coordinator ({@link InputTransfer}); streaming needs no shared file system, for
 *     sending the input over the network once.
 * @param rebalance whether an agent that joins during a job takes a share at the next
 *     checkpoint ({@link Rebalance}): uses every agent, for one reload of the graph.
 * @param userPrograms whether clients may submit their own vertex programs ({@link UserPrograms});
 *     allowing lets holders of a client certificate run code inside the agents.
 */
public record JobConfig(int checkpointEvery, Path checkpointDir, CheckpointStorage checkpointStorage,
                        int partitionsPerAgent, int minAgents, Duration agentWait, List<Path> inputRoots,
                        List<Path> outputRoots, InputTransfer inputTransfer, Rebalance rebalance, UserPrograms userPrograms) {

    public JobConfig {
        Objects.requireNonNull(userPrograms, "userPrograms");
        Objects.requireNonNull(inputTransfer, "inputTransfer");
        Objects.requireNonNull(rebalance, "rebalance");
        Objects.requireNonNull(checkpointDir, "checkpointDir");
        Objects.requireNonNull(checkpointStorage, "checkpointStorage");
        Objects.requireNonNull(agentWait, "agentWait");
        inputRoots = List.copyOf(inputRoots);
        outputRoots = List.copyOf(outputRoots);
    }

    /** These settings, input read as {@link InputTransfer#AUTO} and jobs rebalanced on join. */
    public JobConfig(int checkpointEvery, Path checkpointDir, CheckpointStorage checkpointStorage, int partitionsPerAgent,
                     int minAgents, Duration agentWait, List<Path> inputRoots, List<Path> outputRoots) {
        this(checkpointEvery, checkpointDir, checkpointStorage, partitionsPerAgent, minAgents, agentWait, inputRoots,
                outputRoots, InputTransfer.AUTO, Rebalance.ON_JOIN, UserPrograms.ALLOW);
    }

    /** These settings with other defaults of the cluster's job settings, the roots as given. */
    public JobConfig(int checkpointEvery, Path checkpointDir, CheckpointStorage checkpointStorage, int partitionsPerAgent,
                     int minAgents, Duration agentWait) {
        this(checkpointEvery, checkpointDir, checkpointStorage, partitionsPerAgent, minAgents, agentWait,
                Profile.DEFAULT_INPUT_ROOTS, Profile.defaultOutputRoots());
    }

    /** These settings with {@code checkpointDir} as the checkpoint directory. */
    public JobConfig withCheckpointDir(Path dir) {
        return new JobConfig(checkpointEvery, dir, checkpointStorage, partitionsPerAgent, minAgents, agentWait, inputRoots,
                outputRoots, inputTransfer, rebalance, userPrograms);
    }

    /** These settings with {@code every} as the checkpoint interval. */
    public JobConfig withCheckpointEvery(int every) {
        return new JobConfig(every, checkpointDir, checkpointStorage, partitionsPerAgent, minAgents, agentWait, inputRoots,
                outputRoots, inputTransfer, rebalance, userPrograms);
    }

    /** These settings with {@code storage} as where checkpoints live. */
    public JobConfig withCheckpointStorage(CheckpointStorage storage) {
        return new JobConfig(checkpointEvery, checkpointDir, storage, partitionsPerAgent, minAgents, agentWait, inputRoots,
                outputRoots, inputTransfer, rebalance, userPrograms);
    }

    /** These settings with the given agent needs. */
    public JobConfig withAgents(int min, Duration wait) {
        return new JobConfig(checkpointEvery, checkpointDir, checkpointStorage, partitionsPerAgent, min, wait, inputRoots,
                outputRoots, inputTransfer, rebalance, userPrograms);
    }

    /** These settings with {@code transfer} as how agents read the input. */
    public JobConfig withInputTransfer(InputTransfer transfer) {
        return new JobConfig(checkpointEvery, checkpointDir, checkpointStorage, partitionsPerAgent, minAgents, agentWait, inputRoots,
                outputRoots, transfer, rebalance, userPrograms);
    }

    /** These settings with {@code policy} as whether jobs take in agents that join. */
    public JobConfig withRebalance(Rebalance policy) {
        return new JobConfig(checkpointEvery, checkpointDir, checkpointStorage, partitionsPerAgent, minAgents, agentWait, inputRoots,
                outputRoots, inputTransfer, policy, userPrograms);
    }

    /** These settings with {@code policy} as whether clients may submit their own programs. */
    public JobConfig withUserPrograms(UserPrograms policy) {
        return new JobConfig(checkpointEvery, checkpointDir, checkpointStorage, partitionsPerAgent, minAgents, agentWait, inputRoots,
                outputRoots, inputTransfer, rebalance, policy);
    }

    /** These settings with the given roots for job inputs and outputs. */
    public JobConfig withRoots(List<Path> inputs, List<Path> outputs) {
        return new JobConfig(checkpointEvery, checkpointDir, checkpointStorage, partitionsPerAgent, minAgents, agentWait, inputs,
                outputs, inputTransfer, rebalance, userPrograms);
    }
}
