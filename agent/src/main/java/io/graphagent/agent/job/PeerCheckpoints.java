package io.graphagent.agent.job;

import io.graphagent.net.time.Ticker;
import io.grpc.ManagedChannel;
import io.graphagent.agent.checkpoint.CheckpointReplicas;
import io.graphagent.agent.checkpoint.LocalCheckpoints;
import io.graphagent.agent.checkpoint.ReplicaClient;
import io.graphagent.agent.checkpoint.ReplicaCounters;
import io.graphagent.net.tls.TlsFilesException;
import io.graphagent.protocol.v1.Checkpoint;
import io.graphagent.protocol.v1.CheckpointChunk;
import io.graphagent.protocol.v1.Failure;
import io.graphagent.protocol.v1.FailureKind;
import io.graphagent.protocol.v1.Restore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job layer's side of checkpoints kept without a shared disk ({@code job.checkpoint-storage:
 * peer-copy}): which directory a command means, the clean-up of the agent's own checkpoint
 * directory, the copy of the files just written to the peer the coordinator names, and the
 * fetch of the files a restore lacks. A relative directory in a command means this mode; an
 * absolute one is a shared directory, used as it is. Called on the agent's job thread, except
 * {@link #cancel} (any thread).
 */
final class PeerCheckpoints implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PeerCheckpoints.class);

    /** Opens (or reuses) the data-plane channel to a peer. */
    @FunctionalInterface
    interface Dialer {
        ManagedChannel channel(String address) throws TlsFilesException;
    }

    private final LocalCheckpoints local;
    private final Dialer dialer;
    private final ReplicaCounters counters = new ReplicaCounters();
    private final CheckpointReplicas replicas;
    private final ReplicaClient client;
    /** Agent id by data address, from the partition maps: names peers in messages. */
    private final Map<String, String> peerIds = new ConcurrentHashMap<>();

    /** @param ticker the agent's monotonic time, for the copies' and fetches' deadlines */
    PeerCheckpoints(LocalCheckpoints local, Dialer dialer, Ticker ticker) {
        this.client = new ReplicaClient(counters, ticker);
        this.local = local;
        this.dialer = dialer;
        this.replicas = new CheckpointReplicas(local, counters);
    }

    /** The serving end, for the data-plane service. */
    CheckpointReplicas replicas() {
        return replicas;
    }

    ReplicaCounters counters() {
        return counters;
    }

    /** Remembers that {@code agentId} serves its data plane at {@code address} (for messages). */
    void peerAt(String address, String agentId) {
        peerIds.put(address, agentId);
    }

    /**
     * The directory a Checkpoint or Restore names: an absolute one as it is (shared), a
     * relative one ({@code JOB/step-N}) under this agent's work directory.
     *
     * @throws IllegalArgumentException for a relative directory not of that form
     */
    Path directory(String directory) {
        Path dir = Path.of(directory);
        return dir.isAbsolute() ? dir : local.resolve(directory);
    }

    /** Before writing checkpoint {@code c} locally: deletes the job's older ones but the last complete one. */
    void beforeWrite(String job, Checkpoint c) {
        if (!Path.of(c.getDirectory()).isAbsolute()) {
            local.deleteOlder(job, c.getSuperstep(), c.hasRetainedSuperstep() ? c.getRetainedSuperstep() : -1);
        }
    }

    /** Before restoring {@code r}: every other checkpoint of the job here is of no more use. */
    void beforeRestore(String job, Restore r) {
        if (r.getFromScratch()) {
            dropJob(job);
        } else if (!Path.of(r.getDirectory()).isAbsolute()) {
            local.deleteAllBut(job, r.getSuperstep());
        }
    }

    /**
     * Streams the files of {@code partitions} just written to {@code dir} to the peer at
     * {@code c.replica_address}. Returns null once the peer stored them all, else the failure
     * message for the CHECKPOINT_FAILED report (peer, partition, cause, and the fix).
     */
    String copy(String job, long epoch, Checkpoint c, Path dir, int[] partitions) {
        String peer = peerName(c.getReplicaAddress());
        try {
            client.copy(dialer.channel(c.getReplicaAddress()), peer, CheckpointChunk.newBuilder().setJobId(job).setJobEpoch(epoch)
                    .setSuperstep(c.getSuperstep()).build(), dir, partitions);
            return null;
        } catch (ReplicaClient.ReplicaException e) {
            log.warn("event=checkpoint_copy_failed cause={} job={} superstep={} peer=\"{}\" partition={} detail=\"{}\"",
                    e.causeLabel, job, c.getSuperstep(), e.peer, e.partition, e.getMessage());
            return "wrote the checkpoint of superstep " + c.getSuperstep() + " but could not copy it: " + e.getMessage()
                    + ". The previous checkpoint stays in use. Fix: see that peer's log (disk full? process gone?) and its"
                    + " agent.work-dir";
        } catch (TlsFilesException e) {
            return "cannot dial peer " + peer + " to copy the checkpoint of superstep " + c.getSuperstep() + ": "
                    + e.getMessage();
        }
    }

    /**
     * Fetches the partitions of {@code r.replica_addresses} from the peers named there into
     * {@code dir}, one call per peer. Returns null when every file arrived whole, else the
     * RESTORE_FAILED report naming the peer and partition.
     */
    Failure fetch(String job, Restore r, Path dir) {
        Map<String, List<Integer>> byPeer = new TreeMap<>();
        r.getReplicaAddressesMap().forEach((p, address) -> byPeer.computeIfAbsent(address, a -> new ArrayList<>()).add(p));
        for (Map.Entry<String, List<Integer>> e : byPeer.entrySet()) {
            List<Integer> partitions = e.getValue().stream().sorted().toList();
            String peer = peerName(e.getKey());
            try {
                client.fetch(dialer.channel(e.getKey()), peer, job, r.getSuperstep(), partitions, dir);
            } catch (ReplicaClient.ReplicaException x) {
                log.warn("event=checkpoint_fetch_failed cause={} job={} superstep={} peer=\"{}\" partition={} detail=\"{}\"",
                        x.causeLabel, job, r.getSuperstep(), x.peer, x.partition, x.getMessage());
                return Failure.newBuilder().setKind(FailureKind.RESTORE_FAILED).setPeerAddress(e.getKey())
                        .setMessage("cannot fetch the checkpoint of superstep " + r.getSuperstep() + ", " + x.getMessage()
                                + ". Fix: see that peer's log and agent.work-dir; the job cannot roll back without the file")
                        .build();
            } catch (TlsFilesException x) {
                return Failure.newBuilder().setKind(FailureKind.RESTORE_FAILED).setPeerAddress(e.getKey())
                        .setMessage("cannot dial peer " + peer + " to fetch partitions " + partitions + ": " + x.getMessage())
                        .build();
            }
        }
        return null;
    }

    /**
     * Streams the structure files of {@code partitions} in {@code dir} to the peer at
     * {@code address}, into its {@code JOB/structure}. Returns null once the peer stored them
     * all, else why not (peer, partition, cause).
     */
    String copyStructure(String job, long epoch, String address, Path dir, int[] partitions) {
        String peer = peerName(address);
        try {
            client.copy(dialer.channel(address), peer, CheckpointChunk.newBuilder().setJobId(job).setJobEpoch(epoch)
                    .setSuperstep(io.graphagent.agent.checkpoint.LocalCheckpoints.STRUCTURE).build(), dir, partitions);
            return null;
        } catch (ReplicaClient.ReplicaException e) {
            log.warn("event=structure_copy_failed cause={} job={} peer=\"{}\" partition={} detail=\"{}\"", e.causeLabel, job,
                    e.peer, e.partition, e.getMessage());
            return "could not copy the structure files to " + peer + ": " + e.getMessage();
        } catch (TlsFilesException e) {
            return "cannot dial peer " + peer + " to copy the structure files: " + e.getMessage();
        }
    }

    /**
     * Fetches the structure files of the partitions in {@code sources} from the peers named
     * there into {@code dir}, one call per peer. Returns null when every file arrived whole,
     * else why not (peer, partition, cause).
     */
    String fetchStructure(String job, Map<Integer, String> sources, Path dir) {
        Map<String, List<Integer>> byPeer = new TreeMap<>();
        sources.forEach((p, address) -> byPeer.computeIfAbsent(address, a -> new ArrayList<>()).add(p));
        for (Map.Entry<String, List<Integer>> e : byPeer.entrySet()) {
            List<Integer> partitions = e.getValue().stream().sorted().toList();
            String peer = peerName(e.getKey());
            try {
                client.fetch(dialer.channel(e.getKey()), peer, job, io.graphagent.agent.checkpoint.LocalCheckpoints.STRUCTURE,
                        partitions, dir);
            } catch (ReplicaClient.ReplicaException x) {
                return "cannot fetch the structure files of partitions " + partitions + " from " + peer + ": "
                        + x.getMessage();
            } catch (TlsFilesException x) {
                return "cannot dial peer " + peer + " to fetch the structure files of partitions " + partitions + ": "
                        + x.getMessage();
            }
        }
        return null;
    }

    /** Deletes this agent's local checkpoint files of {@code job}, its own and the copies it keeps. */
    void dropJob(String job) {
        try {
            local.deleteJob(job);
        } catch (IllegalArgumentException e) {
            // No such directory can exist for an id that cannot name one.
        }
    }

    /** Ends the job's copies and fetches in flight: a rollback or abort supersedes them. */
    void cancel(String job) {
        client.cancel(job);
    }

    private String peerName(String address) {
        String id = peerIds.get(address);
        return id == null ? address : id + " (" + address + ")";
    }

    @Override
    public void close() {
        replicas.close();
    }
}
