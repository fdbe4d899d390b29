package io.graphagent.agent.load;

import io.graphagent.graph.partition.GraphShare;

/**
 * What a load built: this agent's share, the BFS / SSSP source's dense id (-1 when none
 * was asked for or the graph has no such vertex), and the most bytes of arrays the layout held
 * at once beyond the entries it was given (measured, {@code ShareBuilder.peakBytes()}; what
 * {@link ShareMemory} estimated before it).
 */
public record BuiltShare(GraphShare share, int sourceDense, long buildPeakBytes) {
}
