package io.graphagent.coordinator.resident;

import io.graphagent.graph.partition.Partitioning;
import io.graphagent.protocol.v1.ResidentState;
import java.util.List;

/**
 * A resident graph as queries see it at one moment: how it is cut and who holds each
 * partition (live or not; the router asks membership which are live). Immutable; a new one is
 * published whenever holders change.
 *
 * @param generation the generation every request to the agents carries
 * @param denseIds   original ids are the dense ids 0..n-1 (no lookups needed)
 * @param holders    agent ids holding each partition, ascending
 */
public record GraphView(String name, long generation, ResidentState state, Partitioning partitioning, boolean directed,
                        boolean denseIds, List<List<String>> holders) {

    /** Whether queries may run on it. */
    public boolean queryable() {
        return state == ResidentState.GRAPH_READY || state == ResidentState.GRAPH_DEGRADED
                || state == ResidentState.GRAPH_UNAVAILABLE;
    }
}
