package io.graphagent.coordinator.store;

import io.graphagent.coordinator.membership.SessionEpochs;
import io.graphagent.protocol.v1.StoredGraph;
import io.graphagent.protocol.v1.StoredJob;
import io.graphagent.protocol.v1.StoredSession;
import java.util.List;
import java.util.Set;

/**
 * The coordinator's durable state behind one interface (config {@code coordinator.store}):
 * {@code local}, the state directory of one coordinator ({@link LocalClusterStore}), or
 * {@code etcd}, shared by the coordinators and written only by the leader, every write fenced
 * by its leadership ({@code io.graphagent.coordinator.leader.EtcdClusterStore}). What a
 * leading coordinator reads at its start: the jobs to show and resume, the resident graphs, the
 * agents known before, and (etcd only) the live sessions to carry over; what it writes: job records, resident-graph
 * records and session epochs. Thread-safe.
 */
public interface ClusterStore extends AutoCloseable {

    /** {@code local} or {@code etcd}, for status and logs. */
    String kind();

    /** Where new sessions' epochs come from: above every epoch handed out before, by any coordinator. */
    SessionEpochs epochs();

    /** Where job records go. */
    JobRecords jobs();

    /** Where resident-graph records go. */
    GraphRecords graphs();

    /** The resident graphs recorded when this coordinator took charge, by name. */
    List<StoredGraph> storedGraphs();

    /** The jobs found when this coordinator took charge, oldest first. */
    List<StoredJob> storedJobs();

    /** Agent ids that had a session before this coordinator took charge. */
    Set<String> knownAgents();

    /**
     * Sessions that were live under the previous leader, to be carried over (their agents
     * resume them instead of being declared DEAD); empty for the local store, whose restarted
     * coordinator starts every session anew.
     */
    List<StoredSession> sessions();

    /** Whether a coordinator ran on this state before (a restart or a change of leader). */
    boolean takenOver();

    /** Releases what the store holds (a lock, a connection); idempotent. */
    @Override
    void close();
}
