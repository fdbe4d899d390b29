package io.graphagent.coordinator.store;

import io.graphagent.protocol.v1.StoredGraph;

/**
 * Where the resident graphs are recorded: the state directory's {@link GraphStore}, or etcd
 * (every write fenced by the leadership), so that a restarted coordinator or a new leader
 * knows them again. Thread-safe.
 */
public interface GraphRecords {

    /** Replaces the record of {@code graph.name}, durably. */
    void save(StoredGraph graph) throws StoreException;

    /** Deletes the record of the graph {@code name}; nothing when there is none. */
    void delete(String name) throws StoreException;

    /** Records nothing: resident graphs live as long as the process (tests, embedded clusters). */
    GraphRecords NONE = new GraphRecords() {
        @Override
        public void save(StoredGraph graph) {
        }

        @Override
        public void delete(String name) {
        }
    };
}
