package io.graphagent.agent.job;

import io.graphagent.agent.session.CoordinatorLink;
import io.graphagent.graph.pregel.Delivery;
import io.graphagent.net.tls.TlsFilesException;
import io.graphagent.protocol.v1.Command;
import io.graphagent.protocol.v1.Failure;
import io.graphagent.protocol.v1.FailureKind;
import io.graphagent.protocol.v1.Report;
import io.graphagent.protocol.v1.Restore;
import io.graphagent.protocol.v1.RestoreDone;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restore: the job rolled back to a new partition map and job epoch over the share it holds,
 * its state read from the checkpoint (fetched first from the peers that keep copies) or
 * started from scratch. Job thread.
 */
final class RestoreStep {
    private static final Logger log = LoggerFactory.getLogger(RestoreStep.class);

    private final Map<String, AgentJob> jobs;
    private final PeerCheckpoints peerCheckpoints;
    private final PartitionStructures structures;
    private final JobAssembly assembly;
    private final Answers answers;

    RestoreStep(Map<String, AgentJob> jobs, PeerCheckpoints peerCheckpoints, PartitionStructures structures,
                JobAssembly assembly, Answers answers) {
        this.jobs = jobs;
        this.peerCheckpoints = peerCheckpoints;
        this.structures = structures;
        this.assembly = assembly;
        this.answers = answers;
    }

    /** Rolls the job back: new partitions and epoch, state from the checkpoint (or from scratch). */
    void restore(Command command, CoordinatorLink link) {
        AgentJob old = jobs.get(command.getJobId());
        if (old == null) {
            // Retryable: this agent lost the job (it restarted); the coordinator recovers and has it load again.
            answers.reply(link, command, Report.newBuilder().setFailure(Failure.newBuilder().setKind(FailureKind.RESTORE_FAILED)
                    .setMessage("this agent holds no job " + command.getJobId() + " to restore: send LoadPartitions first")
                    .setRetryable(true)));
            return;
        }
        Restore r = command.getRestore();
        int[] owned = r.getPartitionIdsList().stream().mapToInt(Integer::intValue).sorted().toArray();
        int partitions = old.runner().partitioning().count();
        if (!Arrays.equals(owned, old.share().owned())) {
            answers.fail(link, command, FailureKind.RESTORE_FAILED, "this agent holds partitions "
                    + Arrays.toString(old.share().owned()) + " of job " + command.getJobId() + ", the restore gives it "
                    + Arrays.toString(owned) + ": load the new partitions first");
            return;
        }
        AgentJob job;
        try {
            job = assembly.atEpoch(command.getJobId(), link.agentId(), old.share(), old.kernel(), old.labels(),
                    r.getPartitionMap(), command.getJobEpoch(), old.ownerOf());
            peerCheckpoints.beforeRestore(command.getJobId(), r);
            if (r.getFromScratch()) {
                // Peer copies: every agent dropped the job's files, structure copies too; shared: the files stay.
                structures.copiesGone(command.getJobId());
            }
            if (!r.getFromScratch()) {
                Path dir = peerCheckpoints.directory(r.getDirectory());
                Failure fetched = peerCheckpoints.fetch(command.getJobId(), r, dir);
                if (fetched != null) {
                    answers.reply(link, command, Report.newBuilder().setFailure(fetched));
                    return;
                }
                // Owned partitions whole; the others only for their broadcasts, which only a pulling superstep reads.
                for (int p = 0; p < partitions; p++) {
                    if (Arrays.binarySearch(owned, p) >= 0 || (r.getPull() && job.runner().mirrors(p))) {
                        int partition = p;
                        CheckpointFiles.read(dir, p, in -> job.runner().restore(partition, in));
                    }
                }
                job.runner().resume(new Delivery(r.getPull(), r.getPullFromAll()));
            }
        } catch (IOException | TlsFilesException | IllegalArgumentException e) {
            answers.fail(link, command, FailureKind.RESTORE_FAILED, "cannot restore superstep " + r.getSuperstep() + " from "
                    + r.getDirectory() + ": " + e.getMessage());
            return;
        }
        jobs.put(command.getJobId(), job);
        old.closeEarly("job restored");
        log.info("event=job_restored job={} epoch={} superstep={} partitions={} from_scratch={}", command.getJobId(),
                command.getJobEpoch(), r.getSuperstep(), owned.length, r.getFromScratch());
        answers.reply(link, command, Report.newBuilder().setRestoreDone(RestoreDone.newBuilder()
                .setSuperstep(r.getSuperstep()).addAllPartitionIds(r.getPartitionIdsList())));
    }
}
