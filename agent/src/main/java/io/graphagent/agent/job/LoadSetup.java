package io.graphagent.agent.job;

import io.graphagent.agent.load.PartitionedLoad;
import io.graphagent.agent.program.JobPrograms;
import io.graphagent.agent.program.ProgramUnavailableException;
import io.graphagent.agent.session.CoordinatorLink;
import io.graphagent.api.EdgeUse;
import io.graphagent.config.JobPaths;
import io.graphagent.graph.kernels.Algorithm;
import io.graphagent.graph.kernels.KernelParameters;
import io.graphagent.graph.kernels.Kernels;
import io.graphagent.net.time.Ticker;
import io.graphagent.net.tls.TlsFilesException;
import io.graphagent.protocol.v1.Command;
import io.graphagent.protocol.v1.FailureKind;
import io.graphagent.protocol.v1.LoadPartitions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a partitioned load needs before it reads a line: the input files this agent may read,
 * the job's files of an earlier life dropped, a sender per peer of the partition map, the
 * edges the load keeps (its kernel's or program's shape), and the {@link PartitionedLoad}
 * over the partitions this agent owns. Job thread.
 */
final class LoadSetup {
    /** Where this agent may read a job's graph (its job.input-roots, less its own directories). */
    private final JobPaths paths;
    private final Set<String> heldInThisLife;
    private final PeerCheckpoints peerCheckpoints;
    private final PartitionStructures structures;
    /** The user programs of this agent's jobs (a load opens its job's program: its shape says which edges to keep). */
    private final JobPrograms programs;
    private final PeerCheckpoints.Dialer dialer;
    private final Answers answers;
    /** Bound on the load's waits for its peers. */
    private final Duration exchangeTimeout;
    /** The agent's monotonic time, for the load's waits for peers. */
    private final Ticker ticker;

    LoadSetup(JobPaths paths, Set<String> heldInThisLife, PeerCheckpoints peerCheckpoints, PartitionStructures structures,
              JobPrograms programs, PeerCheckpoints.Dialer dialer, Answers answers, Duration exchangeTimeout, Ticker ticker) {
        this.paths = paths;
        this.heldInThisLife = heldInThisLife;
        this.peerCheckpoints = peerCheckpoints;
        this.structures = structures;
        this.programs = programs;
        this.dialer = dialer;
        this.answers = answers;
        this.exchangeTimeout = exchangeTimeout;
        this.ticker = ticker;
    }

    /** The load the LoadPartitions command orders, or null after answering why it cannot start. */
    LoadsInProgress.Loading prepare(Command command, CoordinatorLink link) {
        LoadPartitions load = command.getLoadPartitions();
        Optional<String> refused = unreadableInput(load);
        if (refused.isPresent()) {
            answers.fail(link, command, FailureKind.LOAD_FAILED, "this agent may not read the graph: " + refused.get());
            return null;
        }
        int[] owned = load.getPartitionIdsList().stream().mapToInt(Integer::intValue).sorted().toArray();
        if (!heldInThisLife.contains(command.getJobId())) {
            // Files of this job id in the work directory are from an earlier life (of the job id or of this agent).
            peerCheckpoints.dropJob(command.getJobId());
            structures.forget(command.getJobId());
        }
        LoadPeers wired;
        try {
            wired = LoadPeers.of(load, link.agentId(), dialer, peerCheckpoints, exchangeTimeout);
        } catch (TlsFilesException e) {
            answers.fail(link, command, FailureKind.PEER_UNREACHABLE, e.getMessage());
            return null;
        }
        EdgeUse edgeUse;
        try {
            edgeUse = JobPrograms.named(load.getProgram())
                    ? programs.open(command.getJobId(), load.getProgram(), load.getProgramParametersMap(),
                            dialer.channel(link.coordinatorAddress())).shape().edgeUse()
                    : edgeUse(load);
        } catch (ProgramUnavailableException | TlsFilesException e) {
            answers.fail(link, command, FailureKind.LOAD_FAILED, e.getMessage());
            return null;
        }
        PartitionedLoad partitioned = new PartitionedLoad(command.getJobId(), link.agentId(), command.getJobEpoch(),
                load.getInput(), owned, wired.ownerOf(), wired.peers(), Runtime.getRuntime().availableProcessors(),
                exchangeTimeout, edgeUse, ticker);
        return new LoadsInProgress.Loading(load, partitioned, wired.ownerOf());
    }

    /** Why this agent may not read one of the load's input files (vertex file, then edge file), if so. */
    private Optional<String> unreadableInput(LoadPartitions load) {
        List<Path> files = new ArrayList<>();
        if (!load.getInput().getVertexFile().isEmpty()) {
            files.add(Path.of(load.getInput().getVertexFile()));
        }
        files.add(Path.of(load.getInput().getEdgeFile()));
        for (Path file : files) {
            Optional<String> refused = paths.inputProblem(file);
            if (refused.isPresent()) {
                return refused;
            }
        }
        return Optional.empty();
    }

    /**
     * The edges a load keeps: those its kernel reads (PageRank: in-edges and out-degrees); every
     * edge for a resident graph, which any kernel and query may use later.
     */
    private static EdgeUse edgeUse(LoadPartitions load) {
        if (!load.getResidentGraph().isEmpty()) {
            return EdgeUse.OUT_AND_IN;
        }
        var p = load.getParameters();
        try {
            return Kernels.programShape(Algorithm.valueOf(load.getAlgorithm().name()),
                    new KernelParameters(p.getSourceVertex(), p.getIterations(), p.getDamping())).shape().edgeUse();
        } catch (IllegalArgumentException e) {
            return EdgeUse.OUT_AND_IN; // bad parameters: the job fails with their message when its kernel is made
        }
    }
}
