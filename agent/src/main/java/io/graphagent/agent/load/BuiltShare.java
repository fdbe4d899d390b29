package io.graphagent.agent.load;

import io.graphagent.graph.partition.GraphShare;

/**
 * What a load built: this agent's share, and the BFS / SSSP source's dense id (-1 when none
 * was asked for or the graph has no such vertex).
 */
public record BuiltShare(GraphShare share, int sourceDense) {
}
