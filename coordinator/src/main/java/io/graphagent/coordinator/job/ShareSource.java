package io.graphagent.coordinator.job;

import io.graphagent.coordinator.membership.AgentView;
import io.graphagent.protocol.v1.LoadDone;
import java.util.List;
import java.util.Set;

/**
 * How a job's agents come to hold their shares of the graph: by reading the input
 * ({@link LoadPhase}) or from the replicas of a resident graph they hold already
 * ({@link AttachPhase}). The job's first placement and every recovery's go through here.
 * Driver thread only.
 */
interface ShareSource {

    /**
     * Where the partitions go over the ALIVE agents.
     *
     * @param previous the placement before (a recovery), or null for the first
     * @param redeal   deal over every ALIVE agent rather than keep the survivors' (agents joined)
     */
    Placement place(List<AgentView> alive, int partitions, Placement previous, boolean redeal) throws JobFailedException;

    /** Has every agent of {@code placement} build its share; returns the whole graph's totals. */
    LoadDone load(Placement placement, Set<String> loaded) throws JobFailedException;

    /**
     * Has every agent of {@code placement} build its share from the structure files in
     * {@code directory} (a recovery), fetching those of {@code fetches} from peers first.
     * Returns false, having logged why, when some agent could not (or this source has no
     * structure files): the caller loads instead.
     */
    default boolean rebuild(Placement placement, String directory, java.util.Map<String, java.util.Map<Integer, String>> fetches)
            throws JobFailedException {
        return false;
    }

    /** The whole graph's totals from the last load; null before any. */
    LoadDone facts();
}
