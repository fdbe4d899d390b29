package io.graphagent.agent.job;

import io.graphagent.agent.dataplane.EdgeTarget;
import io.graphagent.agent.load.PartitionedLoad;
import io.graphagent.protocol.v1.Command;
import io.graphagent.protocol.v1.LoadPartitions;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The partitioned loads this agent has in progress, one per job between LoadPartitions and
 * BuildPartitions, and the aborts noted for loads still queued. Only the job thread starts a
 * load; the session's threads end one when a rollback, an abort or a fence supersedes it, and
 * a load's scan and shuffle stop once theirs is no longer the job's load in progress.
 * Thread-safe.
 */
final class LoadsInProgress {
    private static final Logger log = LoggerFactory.getLogger(LoadsInProgress.class);

    /** A job whose load is in progress: its order, the load, and the agent owning each partition. */
    record Loading(LoadPartitions spec, PartitionedLoad load, String[] ownerOf) {
    }

    private final Map<String, Loading> loads = new ConcurrentHashMap<>();
    /**
     * Jobs whose Abort arrived and is not yet run on the job thread, with its job epoch: a
     * LoadPartitions of that epoch or older queued before it does not start.
     */
    private final Map<String, Long> aborted = new ConcurrentHashMap<>();

    /** Where peers ship the job's edges during its load; null when no load of the job is in progress. */
    EdgeTarget edgeTarget(String jobId) {
        Loading loading = loads.get(jobId);
        return loading == null ? null : loading.load().received();
    }

    /** The job's load in progress, or null. */
    Loading of(String jobId) {
        return loads.get(jobId);
    }

    /** The job's load in progress at the command's job epoch, or null. */
    Loading at(Command command) {
        Loading loading = loads.get(command.getJobId());
        return loading == null || loading.load().jobEpoch() != command.getJobEpoch() ? null : loading;
    }

    /** Whether an Abort of the job at {@code epoch} or later arrived before this load could start. */
    boolean abortedSince(String jobId, long epoch) {
        Long abortedAt = aborted.get(jobId);
        return abortedAt != null && abortedAt >= epoch;
    }

    /** Makes {@code loading} the job's load in progress; one it replaces stops. Job thread. */
    void start(Command command, Loading loading) {
        if (loads.put(command.getJobId(), loading) != null) {
            log.info("event=load_restarted job={} epoch={}", command.getJobId(), command.getJobEpoch());
        }
    }

    /** True once {@code loading} is no longer the job's load in progress: its scan or shuffle stops. */
    BooleanSupplier stopped(String jobId, Loading loading) {
        return () -> loads.get(jobId) != loading;
    }

    /** Ends {@code loading} (built, or failed): unless something else already ended it. */
    void end(String jobId, Loading loading) {
        loads.remove(jobId, loading);
    }

    /**
     * A rollback (or abort) ends a load in progress of an older job epoch at once instead of
     * holding the job thread until the load's deadline (a shuffle waiting for a peer that was lost,
     * a scan filling the heap for a job that already failed). An Abort also stops a LoadPartitions
     * of the job still queued behind another command: it would start after the abort arrived.
     */
    void supersede(Command command) {
        if (command.getKindCase() == Command.KindCase.ABORT) {
            aborted.merge(command.getJobId(), command.getJobEpoch(), Math::max);
        }
        Loading loading = loads.get(command.getJobId());
        if (loading != null && (command.getKindCase() == Command.KindCase.ABORT
                || loading.load().jobEpoch() < command.getJobEpoch())) {
            loads.remove(command.getJobId(), loading);
        }
    }

    /** Drops the job's load in progress, if any (the job thread's Abort or Release: an abort noted is done with). */
    void drop(String jobId) {
        loads.remove(jobId);
        aborted.remove(jobId);
    }

    /** Drops every load in progress (the session was fenced): each stops at once, as a superseded one does. */
    void dropAll() {
        loads.clear();
        aborted.clear();
    }
}
