package io.graphagent.coordinator.resident;

import io.graphagent.coordinator.store.GraphRecords;
import io.graphagent.coordinator.store.StoreException;
import io.graphagent.protocol.v1.StoredGraph;
import java.util.Optional;

/**
 * Writes the resident graphs' records to the store ({@link GraphRecords}), one write at a
 * time: a graph's record is taken under the {@link KeptGraphs} lock and written after it,
 * never once the graph was dropped, and a drop's delete waits for a write in progress, so a
 * dropped graph's record is never written again behind its delete. Remembers the extra
 * replicas each write recorded, so that a change of them is written once. Thread-safe; the
 * store's round trip is never made under the {@link KeptGraphs} lock.
 */
final class GraphRecordWriter {
    private final GraphRecords records;
    private final KeptGraphs kept;

    GraphRecordWriter(GraphRecords records, KeptGraphs kept) {
        this.records = records;
        this.kept = kept;
    }

    /**
     * Writes the record of {@code graph} as it is now, unless it was dropped; the record
     * written, if any.
     */
    synchronized Optional<StoredGraph> save(KeptGraph graph) throws StoreException {
        StoredGraph record;
        synchronized (kept) {
            if (!kept.current(graph)) {
                return Optional.empty();
            }
            record = graph.toRecord();
        }
        records.save(record);
        synchronized (kept) {
            graph.recordedExtras = record.getExtraReplicasList();
        }
        return Optional.of(record);
    }

    /** Writes the record of {@code graph} when its extra replicas are not the recorded ones; whether it wrote. */
    boolean saveExtras(KeptGraph graph) throws StoreException {
        synchronized (kept) {
            if (!kept.current(graph) || graph.extras().equals(graph.recordedExtras)) {
                return false;
            }
        }
        return save(graph).isPresent();
    }

    /** Deletes the record of the graph {@code name} (dropped already), after any write in progress. */
    synchronized void delete(String name) throws StoreException {
        records.delete(name);
    }
}
