package io.graphagent.agent.job;

import io.graphagent.agent.dataplane.PeerSender;
import io.graphagent.agent.program.JobPrograms;
import io.graphagent.agent.session.CoordinatorLink;
import io.graphagent.api.VertexProgram;
import io.graphagent.graph.kernels.Algorithm;
import io.graphagent.graph.kernels.Kernel;
import io.graphagent.graph.kernels.KernelParameters;
import io.graphagent.graph.kernels.Kernels;
import io.graphagent.graph.partition.GraphShare;
import io.graphagent.graph.pregel.PartitionRunner;
import io.graphagent.net.time.Ticker;
import io.graphagent.net.tls.TlsFilesException;
import io.graphagent.protocol.v1.Command;
import io.graphagent.protocol.v1.FailureKind;
import io.graphagent.protocol.v1.PartitionMap;
import io.graphagent.protocol.v1.PartitionOwner;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;

/**
 * Puts a job's state on this agent together over a share already built (loaded, rebuilt, or
 * taken from a resident graph): its kernel, the runner on the compute threads, and a sender to
 * each peer of the partition map at the job's epoch. Job thread.
 */
final class JobAssembly implements LoadSteps.JobStarter {
    private final Map<String, AgentJob> jobs;
    private final Set<String> heldInThisLife;
    /** The user programs of this agent's jobs: a job without a built-in algorithm runs its own. */
    private final JobPrograms programs;
    private final PeerCheckpoints peerCheckpoints;
    /** Data address of every peer of the jobs held, by agent id (for Failure.peer_address). */
    private final Map<String, String> dataAddresses;
    private final PeerChannels channels;
    private final ExecutorService compute;
    private final Answers answers;
    /** The agent's monotonic time, for the jobs' exchange deadlines. */
    private final Ticker ticker;

    JobAssembly(Map<String, AgentJob> jobs, Set<String> heldInThisLife, JobPrograms programs,
                PeerCheckpoints peerCheckpoints, Map<String, String> dataAddresses, PeerChannels channels,
                ExecutorService compute, Answers answers, Ticker ticker) {
        this.ticker = ticker;
        this.jobs = jobs;
        this.heldInThisLife = heldInThisLife;
        this.programs = programs;
        this.peerCheckpoints = peerCheckpoints;
        this.dataAddresses = dataAddresses;
        this.channels = channels;
        this.compute = compute;
        this.answers = answers;
    }

    /**
     * A job over a share already built: its kernel and runner, kept as the job's state (the
     * job it replaces is closed). Null after answering the failure.
     */
    @Override
    public AgentJob start(Command command, CoordinatorLink link, GraphShare share, Algorithm algorithm,
                          KernelParameters parameters, int sourceDense, PartitionMap map, String[] ownerOf) {
        OutputLabels labels = new OutputLabels(share);
        Kernel kernel;
        try {
            VertexProgram user = algorithm == null ? programs.held(command.getJobId()) : null;
            if (algorithm == null && user == null) {
                answers.fail(link, command, FailureKind.LOAD_FAILED, "this agent holds no program of job " + command.getJobId()
                        + ": send LoadPartitions first");
                return null;
            }
            kernel = user != null ? new Kernel(user, labels) : Kernels.create(algorithm, parameters, share.weighted(), sourceDense, labels);
        } catch (IllegalArgumentException e) {
            answers.fail(link, command, FailureKind.LOAD_FAILED, e.getMessage());
            return null;
        }
        AgentJob job;
        try {
            job = atEpoch(command.getJobId(), link.agentId(), share, kernel, labels, map, command.getJobEpoch(), ownerOf);
        } catch (TlsFilesException e) {
            answers.fail(link, command, FailureKind.PEER_UNREACHABLE, e.getMessage());
            return null;
        }
        AgentJob replaced = jobs.put(command.getJobId(), job);
        heldInThisLife.add(command.getJobId());
        if (replaced != null) {
            replaced.closeEarly("job loaded again");
        }
        return job;
    }

    /** A job's state on this agent for one partition map and job epoch, over a share and kernel already made. */
    AgentJob atEpoch(String jobId, String agentId, GraphShare share, Kernel kernel, OutputLabels labels, PartitionMap map,
                     long epoch, String[] ownerOf) throws TlsFilesException {
        Map<String, List<Integer>> byPeer = new TreeMap<>();
        Map<String, String> addresses = new TreeMap<>();
        for (PartitionOwner owner : map.getOwnersList()) {
            if (!owner.getAgentId().equals(agentId)) {
                byPeer.computeIfAbsent(owner.getAgentId(), a -> new ArrayList<>()).add(owner.getPartitionId());
                addresses.put(owner.getAgentId(), owner.getDataAddress());
                peerCheckpoints.peerAt(owner.getDataAddress(), owner.getAgentId());
                dataAddresses.put(owner.getAgentId(), owner.getDataAddress());
            }
        }
        Map<String, int[]> peerPartitions = new TreeMap<>();
        Map<String, PeerSender> peers = new TreeMap<>();
        for (Map.Entry<String, List<Integer>> e : byPeer.entrySet()) {
            peerPartitions.put(e.getKey(), e.getValue().stream().mapToInt(Integer::intValue).sorted().toArray());
            peers.put(e.getKey(), new PeerSender(e.getKey(), channels.channel(addresses.get(e.getKey())),
                    AgentJobs.EXCHANGE_TIMEOUT));
        }
        PartitionRunner runner = new PartitionRunner(share, kernel.program(), kernel.shape(), compute);
        return new AgentJob(jobId, agentId, share, kernel, labels, runner, share.owned(), peerPartitions, peers, ownerOf,
                AgentJobs.EXCHANGE_TIMEOUT, epoch, ticker);
    }

    /** The owner of each of {@code partitions} partitions by agent id, as {@code map} deals them. */
    static String[] ownerOf(PartitionMap map, int partitions) {
        String[] ownerOf = new String[partitions];
        for (PartitionOwner owner : map.getOwnersList()) {
            ownerOf[owner.getPartitionId()] = owner.getAgentId();
        }
        return ownerOf;
    }
}
