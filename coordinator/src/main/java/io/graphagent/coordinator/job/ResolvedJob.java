package io.graphagent.coordinator.job;

import io.graphagent.config.JobPaths;
import io.graphagent.graph.kernels.Algorithm;
import io.graphagent.graph.kernels.KernelParameters;
import io.graphagent.graph.kernels.KernelSettings;
import io.graphagent.graph.load.GraphInput;
import io.graphagent.graph.load.GraphInputException;
import io.graphagent.graph.load.GraphProperties;
import io.graphagent.graph.output.AtomicFile;
import io.graphagent.graph.output.Existing;
import io.graphagent.graph.output.OutputException;
import io.graphagent.protocol.v1.FieldError;
import io.graphagent.protocol.v1.GraphFiles;
import io.graphagent.protocol.v1.JobSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A submitted job with every parameter resolved the way {@code graphagent run} resolves
 * them (option, then PREFIX.properties, then the documented default), or the list of
 * problems that refuse it, each naming the field and the fix.
 *
 * @param partitions requested partitions; 0 = agents x job.partitions-per-agent at placement
 * @param checkpointEvery supersteps between checkpoints (carried for the recovery work)
 * @param resident the resident graph the job runs on ({@code --graph-name}) as it was at submission, or null
 *                 when the job loads its input
 * @param program the user program the job runs (then algorithm is null), or null for a built-in kernel
 */
record ResolvedJob(JobSpec spec, Algorithm algorithm, GraphFiles input, KernelParameters parameters, Path output,
                   int partitions, int checkpointEvery, ResidentCatalog.Graph resident, JobProgram program) {

    /** Placeholder kernel parameters of a user program's job: it takes its own (JobProgram). */
    private static final KernelParameters NO_KERNEL_PARAMETERS = new KernelParameters(0, 0, 0);

    /** {@link #resolve(JobSpec, int, JobPaths, List, JobProgram)} of a built-in kernel's job. */
    static ResolvedJob resolve(JobSpec spec, int defaultCheckpointEvery, JobPaths paths, List<FieldError> errors) {
        return resolve(spec, defaultCheckpointEvery, paths, errors, null);
    }

    /**
     * Resolves {@code spec}, adding one FieldError per problem to {@code errors}; null when refused.
     * Where the job may read and write is checked before any of its files is opened.
     */
    static ResolvedJob resolve(JobSpec spec, int defaultCheckpointEvery, JobPaths paths, List<FieldError> errors,
                               JobProgram user) {
        Algorithm algorithm = user == null ? algorithm(spec, errors) : null;
        GraphInput graph = locate(spec, paths, errors);
        Path output = output(spec, paths, errors);
        if ((algorithm == null && user == null) || graph == null) {
            return null;
        }
        if (output != null) {
            try {
                graph.checkNotOverwrittenBy(output);
            } catch (OutputException e) {
                errors.add(error("output_path", e.getMessage()));
            }
        }
        Boolean directed = directedness(spec, graph, errors);
        if (user != null) {
            user.needs().unmetByInput(graph).ifPresent(unmet -> errors.add(error("graph", unmet)));
        }
        KernelParameters parameters = user == null ? kernelParameters(algorithm, spec, graph, errors) : NO_KERNEL_PARAMETERS;
        if (directed == null || parameters == null || output == null || !errors.isEmpty()) {
            return null;
        }
        int checkpointEvery = spec.hasCheckpointEvery() ? spec.getCheckpointEvery() : defaultCheckpointEvery;
        boolean weighted = user == null ? algorithm.needsWeights() : graph.properties().weighted();
        return new ResolvedJob(spec, algorithm, files(graph, directed, weighted), parameters, output,
                spec.getPartitions(), checkpointEvery, null, user);
    }

    /** The built-in kernel {@code spec} names; null (with an error) when it names none. */
    private static Algorithm algorithm(JobSpec spec, List<FieldError> errors) {
        if (spec.hasProgram() && !spec.getProgram().getBuiltIn().isEmpty()) {
            try {
                return Algorithm.parse(spec.getProgram().getBuiltIn());
            } catch (IllegalArgumentException e) {
                errors.add(error("program", e.getMessage()));
                return null;
            }
        }
        try {
            return Algorithm.valueOf(spec.getAlgorithm().name());
        } catch (IllegalArgumentException e) {
            errors.add(error("algorithm", "no algorithm given: choose one of bfs, pagerank, wcc, cdlp, lcc, sssp"));
            return null;
        }
    }

    /**
     * A job on a resident graph ({@code --graph-name}): the graph's directedness, weights and
     * partitions; kernel defaults from the properties of the prefix it was loaded from while
     * they are there (only that file is read, never the input). A user program ({@code user},
     * checked already) runs with its own parameters, when the graph holds what it needs
     * ({@link ProgramNeeds}). Null when refused (one FieldError per problem in {@code errors}),
     * e.g. for a name that is not loaded, listing the names that are.
     */
    static ResolvedJob forResident(JobSpec spec, int defaultCheckpointEvery, JobPaths paths, ResidentCatalog catalog,
                                   List<FieldError> errors, JobProgram user) {
        Algorithm algorithm = user == null ? algorithm(spec, errors) : null;
        String name = spec.getGraphName();
        if (!spec.getGraph().isEmpty()) {
            errors.add(error("graph", "both a graph (" + spec.getGraph() + ") and a resident graph name (" + name
                    + ") given: pass either --graph or --graph-name"));
        }
        if (spec.getPartitions() > 0) {
            errors.add(error("partitions", "a job on the resident graph " + name + " runs on its partitions: drop --partitions"));
        }
        ResidentCatalog.Graph resident = catalog.find(name).orElse(null);
        if (resident == null) {
            List<String> names = catalog.names();
            errors.add(error("graph_name", "no resident graph " + name + " is loaded ("
                    + (names.isEmpty() ? "none is" : "loaded: " + String.join(", ", names))
                    + "). Fix: graphagent graph load --name " + name + " --graph PREFIX, or pass one of the loaded names"));
        }
        Path output = output(spec, paths, errors);
        if ((algorithm == null && user == null) || resident == null) {
            return null;
        }
        if (spec.hasDirected() && spec.getDirected() != resident.directed()) {
            errors.add(error("directed", "the resident graph " + name + " is " + (resident.directed() ? "" : "un")
                    + "directed: drop --" + (spec.getDirected() ? "" : "un") + "directed"));
        }
        if (algorithm != null && algorithm.needsWeights() && !resident.weighted()) {
            errors.add(error("graph_name", "the resident graph " + name + " was loaded without edge weights, which "
                    + algorithm.cliName() + " needs. Fix: load a graph whose properties name a weight"));
        }
        if (user != null) {
            user.needs().unmetByResident(name, resident.weighted()).ifPresent(unmet -> errors.add(error("graph_name", unmet)));
        }
        KernelParameters parameters = user == null ? kernelParameters(algorithm, spec, propertiesOf(resident), errors)
                : NO_KERNEL_PARAMETERS;
        if (parameters == null || output == null || !errors.isEmpty()) {
            return null;
        }
        GraphFiles input = GraphFiles.newBuilder().setDirected(resident.directed()).setWeighted(resident.weighted())
                .setEdgeFile(resident.source()).build();
        int checkpointEvery = spec.hasCheckpointEvery() ? spec.getCheckpointEvery() : defaultCheckpointEvery;
        return new ResolvedJob(spec, algorithm, input, parameters, output, resident.partitions(), checkpointEvery, resident,
                user);
    }

    /** The kernel's parameters: option, then {@code graph}'s properties, then the default; null (with an error) when bad. */
    private static KernelParameters kernelParameters(Algorithm algorithm, JobSpec spec, GraphInput graph,
                                                     List<FieldError> errors) {
        try {
            return KernelSettings.resolve(algorithm,
                    spec.hasSourceVertex() ? spec.getSourceVertex() : null,
                    spec.hasIterations() ? (int) Math.min(Integer.MAX_VALUE, Integer.toUnsignedLong(spec.getIterations())) : null,
                    spec.hasDamping() ? spec.getDamping() : null, graph);
        } catch (KernelSettings.ParameterException e) {
            errors.add(error(fieldOf(e.getMessage()), e.getMessage()));
            return null;
        }
    }

    /** The resident graph's prefix with its properties while they are readable, else with none. */
    private static GraphInput propertiesOf(ResidentCatalog.Graph resident) {
        Path prefix = Path.of(resident.source());
        try {
            return new GraphInput(prefix, false, GraphProperties.forPrefix(prefix));
        } catch (GraphInputException | IOException | RuntimeException e) {
            return new GraphInput(prefix, false, GraphProperties.empty());
        }
    }

    /** The output file, where the job may write it; null (with an error) otherwise. */
    private static Path output(JobSpec spec, JobPaths paths, List<FieldError> errors) {
        if (spec.getOutputPath().isEmpty()) {
            errors.add(error("output_path", "no output file given: pass --output FILE"));
            return null;
        }
        Path output = Path.of(spec.getOutputPath()).toAbsolutePath();
        java.util.Optional<String> outside = paths.outputProblem(output);
        if (outside.isPresent()) {
            errors.add(error("output_path", outside.get()));
            return output;
        }
        try {
            AtomicFile.checkWritable(output, existing(spec));
        } catch (OutputException e) {
            errors.add(error("output_path", e.getMessage()));
        }
        return output;
    }

    /**
     * The load of a resident graph ({@code graph load}): its files and directedness only, no
     * kernel and no output; weighted when PREFIX.properties says the edges carry weights. Null
     * when refused (one FieldError per problem in {@code errors}).
     */
    static ResolvedJob forGraph(JobSpec spec, JobPaths paths, List<FieldError> errors) {
        GraphInput graph = locate(spec, paths, errors);
        if (graph == null) {
            return null;
        }
        Boolean directed = directedness(spec, graph, errors);
        if (directed == null) {
            return null;
        }
        return new ResolvedJob(spec, null, files(graph, directed, graph.properties().weighted()), null, null,
                spec.getPartitions(), 0, null, null);
    }

    /** The graph a spec names, where the job may read it; null (with an error) otherwise. */
    private static GraphInput locate(JobSpec spec, JobPaths paths, List<FieldError> errors) {
        if (spec.getGraph().isEmpty()) {
            errors.add(error("graph", "no graph given: pass --graph PREFIX (PREFIX.v + PREFIX.e) or an edge-list file"));
        } else if (allowed(paths, Path.of(spec.getGraph()).toAbsolutePath(), errors)) {
            try {
                return GraphInput.locate(Path.of(spec.getGraph()));
            } catch (GraphInputException e) {
                errors.add(error("graph", e.getMessage()));
            } catch (IOException e) {
                errors.add(error("graph", "cannot read " + spec.getGraph() + ": " + e.getMessage()));
            }
        }
        return null;
    }

    /** The option, else the properties' `directed`; null (with an error) when neither says. */
    private static Boolean directedness(JobSpec spec, GraphInput graph, List<FieldError> errors) {
        Boolean directed = spec.hasDirected() ? Boolean.valueOf(spec.getDirected()) : graph.properties().directed().orElse(null);
        if (directed == null) {
            errors.add(error("directed", "directedness unknown: " + graph.propertiesHint()
                    + " (directed). Fix: pass --directed or --undirected"));
        }
        return directed;
    }

    private static GraphFiles files(GraphInput graph, boolean directed, boolean weighted) {
        Path prefix = graph.prefix().toAbsolutePath();
        GraphFiles.Builder files = GraphFiles.newBuilder().setDirected(directed).setWeighted(weighted);
        if (graph.edgeList()) {
            files.setEdgeFile(prefix.toString());
        } else {
            files.setVertexFile(prefix.resolveSibling(prefix.getFileName() + ".v").toString())
                    .setEdgeFile(prefix.resolveSibling(prefix.getFileName() + ".e").toString());
        }
        return files.build();
    }

    /**
     * A job as its record holds it, without checking its files again: for a finished job that
     * is only shown, or one that no longer resolves and is failed. Only {@link #spec()} and
     * {@link #describe()} are meaningful.
     */
    static ResolvedJob asRecorded(JobSpec spec) {
        Algorithm algorithm = null;
        try {
            algorithm = Algorithm.valueOf(spec.getAlgorithm().name());
        } catch (IllegalArgumentException e) {
            // Shown as recorded; never run.
        }
        return new ResolvedJob(spec, algorithm, GraphFiles.getDefaultInstance(), null, null, spec.getPartitions(), 0, null,
                null);
    }

    /** Adds an error for the first file of the graph the job may not read; true when it may read them all. */
    private static boolean allowed(JobPaths paths, Path prefix, List<FieldError> errors) {
        for (Path file : GraphInput.candidateFiles(prefix)) {
            java.util.Optional<String> problem = paths.inputProblem(file);
            if (problem.isPresent()) {
                errors.add(error("graph", problem.get()));
                return false;
            }
        }
        return true;
    }

    /** Whether the output may replace an existing regular file (--overwrite). */
    Existing outputMode() {
        return existing(spec);
    }

    private static Existing existing(JobSpec spec) {
        return spec.getOverwrite() ? Existing.REPLACE : Existing.REFUSE;
    }

    private static String fieldOf(String message) {
        if (message.contains("source")) {
            return "source_vertex";
        }
        if (message.contains("iterations")) {
            return "iterations";
        }
        return message.contains("damping") ? "damping" : "";
    }

    private static FieldError error(String field, String message) {
        return FieldError.newBuilder().setField(field).setMessage(message).build();
    }

    /** Short description for logs and status: "pagerank on example-directed". */
    String describe() {
        String graph = spec.getGraphName().isEmpty() ? String.valueOf(Path.of(spec.getGraph()).getFileName())
                : "resident graph " + spec.getGraphName();
        if (JobProgram.named(spec)) {
            return spec.getProgram().getClassName() + " (jar sha256 " + spec.getProgram().getJarSha256() + ") on " + graph;
        }
        if (algorithm == null && spec.getAlgorithm() == io.graphagent.protocol.v1.Algorithm.ALGORITHM_UNSPECIFIED) {
            return "resident load of " + Path.of(spec.getGraph()).getFileName();
        }
        return (algorithm == null ? spec.getAlgorithm().name().toLowerCase(java.util.Locale.ROOT) : algorithm.cliName())
                + " on " + graph;
    }
}
