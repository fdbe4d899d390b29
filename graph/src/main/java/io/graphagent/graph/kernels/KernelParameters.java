package io.graphagent.graph.kernels;

/**
 * Parameters of a kernel run; each kernel reads the ones it needs.
 *
 * @param sourceVertex original id of the BFS / SSSP source
 * @param iterations PageRank's number of iterations, or CDLP's maximum iterations
 * @param damping PageRank's damping factor, in [0, 1]
 */
public record KernelParameters(long sourceVertex, int iterations, double damping) {
}
