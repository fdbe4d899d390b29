package io.graphagent.coordinator.resident;

import io.graphagent.coordinator.store.GraphRecords;
import io.graphagent.protocol.v1.StoredGraph;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What the resident graphs start from: where their records go, the records an earlier
 * coordinator (or leader) left, and the agents it knew, whose replicas are awaited after a
 * restart. Immutable.
 *
 * @param records     where records are written ({@code coordinator.store})
 * @param stored      the records found at this start, by name
 * @param knownAgents agent ids of the earlier incarnation
 */
public record ResidentRestart(GraphRecords records, List<StoredGraph> stored, Set<String> knownAgents) {

    /** Nothing recorded, nothing to take back: resident graphs live as long as the process. */
    public static final ResidentRestart NONE = new ResidentRestart(GraphRecords.NONE, List.of(), Set.of());

    public ResidentRestart {
        Objects.requireNonNull(records, "records");
        stored = List.copyOf(stored);
        knownAgents = Set.copyOf(knownAgents);
    }
}
