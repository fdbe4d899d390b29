package io.graphagent.graph.kernels;

import io.graphagent.api.ParameterException;
import io.graphagent.api.Parameters;

/** The {@code iterations} parameter of the iterating kernels (PageRank, CDLP) and the superstep cap it implies. */
final class Iterations {
    private Iterations() {
    }

    /** {@code iterations}, 0 or more; {@code fallback} when not given. */
    static int read(Parameters parameters, int fallback) {
        long iterations = parameters.getLong(PageRank.ITERATIONS, fallback);
        if (iterations < 0 || iterations > Integer.MAX_VALUE) {
            throw new ParameterException(PageRank.ITERATIONS, "iterations must be 0 or more, got " + iterations);
        }
        return (int) iterations;
    }

    /** Superstep 0 and the iterations 1..k; a cap the job never exceeds, so status can show "n of N". */
    static int cap(int iterations) {
        return iterations == Integer.MAX_VALUE ? iterations : iterations + 1;
    }
}
