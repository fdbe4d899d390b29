package io.graphagent.coordinator.store;

import io.graphagent.coordinator.membership.SessionEpochs;
import io.graphagent.protocol.v1.StoredGraph;
import io.graphagent.protocol.v1.StoredJob;
import io.graphagent.protocol.v1.StoredSession;
import java.util.List;
import java.util.Set;

/** The local store: a {@link StateDir} of one coordinator. Thread-safe. */
public final class LocalClusterStore implements ClusterStore {

    private final StateDir state;

    public LocalClusterStore(StateDir state) {
        this.state = state;
    }

    /** Locks and reads {@code dir}, as {@link StateDir#open} does. */
    public static LocalClusterStore open(java.nio.file.Path dir) throws StateDirException {
        return new LocalClusterStore(StateDir.open(dir));
    }

    /** The state directory. */
    public StateDir stateDir() {
        return state;
    }

    @Override
    public String kind() {
        return "local";
    }

    @Override
    public SessionEpochs epochs() {
        return state.membership();
    }

    @Override
    public JobRecords jobs() {
        return state.jobs();
    }

    @Override
    public GraphRecords graphs() {
        return state.graphs();
    }

    @Override
    public List<StoredGraph> storedGraphs() {
        return state.storedGraphs();
    }

    @Override
    public List<StoredJob> storedJobs() {
        return state.storedJobs();
    }

    @Override
    public Set<String> knownAgents() {
        return state.membership().knownAgentsAtStart();
    }

    @Override
    public List<StoredSession> sessions() {
        return List.of();
    }

    @Override
    public boolean takenOver() {
        return state.membership().restarted();
    }

    @Override
    public void close() {
        state.close();
    }
}
