package io.graphagent.graph.kernels;

import io.graphagent.graph.load.GraphInput;

import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Resolves a kernel's parameters: a command-line value wins, then the graph's properties
 * file, then the documented default. Defaults follow common Graphalytics settings.
 */
public final class KernelSettings {
    /** PageRank damping factor when neither --damping nor pr.damping-factor is given. */
    public static final double DEFAULT_DAMPING = 0.85;
    /** PageRank iterations when neither --iterations nor pr.num-iterations is given. */
    public static final int DEFAULT_PR_ITERATIONS = 20;
    /** CDLP iterations when neither --iterations nor cdlp.max-iterations is given. */
    public static final int DEFAULT_CDLP_ITERATIONS = 10;
    /**
     * The most iterations of PageRank or CDLP (from --iterations or the properties), so at
     * most this + 1 supersteps: far above what converges any graph (Graphalytics uses tens),
     * low enough that a typo cannot keep a cluster busy for days.
     */
    public static final int MAX_ITERATIONS = 100_000;
    /** Placeholder source for kernels that take none. */
    private static final long NO_SOURCE = -1;

    private KernelSettings() {
    }

    /**
     * @param source --source, or null
     * @param iterations --iterations, or null
     * @param damping --damping, or null
     * @throws ParameterException when a needed value is missing or an option does not apply
     */
    public static KernelParameters resolve(Algorithm algorithm, Long source, Integer iterations, Double damping, GraphInput graph) {
        var props = graph.properties();
        String name = algorithm.cliName();
        if (source != null && !algorithm.needsSource()) {
            throw new ParameterException("--source does not apply to " + name, "drop it (only bfs and sssp take a source)");
        }
        if (iterations != null && algorithm != Algorithm.PAGERANK && algorithm != Algorithm.CDLP) {
            throw new ParameterException("--iterations does not apply to " + name, "drop it (only pagerank and cdlp iterate a fixed number of times)");
        }
        if (damping != null && algorithm != Algorithm.PAGERANK) {
            throw new ParameterException("--damping does not apply to " + name, "drop it (only pagerank has a damping factor)");
        }
        if (iterations != null && iterations < 0) {
            throw new ParameterException("--iterations must be 0 or more, got " + iterations, "pass e.g. --iterations 20");
        }
        if (damping != null && !(damping >= 0 && damping <= 1)) {
            throw new ParameterException("--damping must be in [0, 1], got " + damping, "pass e.g. --damping 0.85");
        }
        if (algorithm.needsWeights() && graph.hasPropertiesFile() && !props.weighted()) {
            throw new ParameterException(name + " needs edge weights, but " + graph.prefix() + ".properties declares none"
                    + " (graph." + graph.name() + ".edge-properties.names), so a weight column would be read that the graph"
                    + " does not have", "declare the weight in edge-properties.names (and sssp.weight-property), or run"
                    + " another kernel");
        }
        return switch (algorithm) {
            case BFS -> new KernelParameters(source(source, props.bfsSource(), "bfs.source-vertex", graph), 0, 0);
            case SSSP -> new KernelParameters(source(source, props.ssspSource(), "sssp.source-vertex", graph), 0, 0);
            case PAGERANK -> new KernelParameters(NO_SOURCE,
                    bounded(or(iterations, props.prIterations(), DEFAULT_PR_ITERATIONS), iterations, "pr.num-iterations", graph),
                    damping != null ? damping : orDefault(props.damping(), DEFAULT_DAMPING));
            case CDLP -> new KernelParameters(NO_SOURCE, bounded(or(iterations, props.cdlpIterations(),
                    DEFAULT_CDLP_ITERATIONS), iterations, "cdlp.max-iterations", graph), 0);
            case WCC, LCC -> new KernelParameters(NO_SOURCE, 0, 0);
        };
    }

    /** {@code resolved} iterations, refused above {@link #MAX_ITERATIONS} naming where they came from. */
    private static int bounded(int resolved, Integer option, String key, GraphInput graph) {
        if (resolved > MAX_ITERATIONS) {
            String from = option != null ? "--iterations " + resolved : key + " = " + resolved + " in " + graph.prefix() + ".properties";
            throw new ParameterException(from + " is more than the " + MAX_ITERATIONS + " iterations a job may run",
                    "pass --iterations " + MAX_ITERATIONS + " or fewer");
        }
        return resolved;
    }

    private static long source(Long option, OptionalLong property, String key, GraphInput graph) {
        if (option != null) {
            return option;
        }
        if (property.isPresent()) {
            return property.getAsLong();
        }
        throw new ParameterException("no source vertex: --source is not given and " + graph.propertiesHint() + " (" + key + ")",
                "pass --source ID with a vertex id of the graph");
    }

    private static int or(Integer option, OptionalInt property, int fallback) {
        return option != null ? option : property.orElse(fallback);
    }

    private static double orDefault(OptionalDouble property, double fallback) {
        return property.orElse(fallback);
    }

    /** A kernel parameter is missing or does not apply; says what and how to fix it. */
    public static final class ParameterException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        public ParameterException(String problem, String fix) {
            super(problem + ". Fix: " + fix);
        }
    }
}
