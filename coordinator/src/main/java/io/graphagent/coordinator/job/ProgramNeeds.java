package io.graphagent.coordinator.job;

import io.graphagent.api.EdgeTransform;
import io.graphagent.api.ProgramShape;
import io.graphagent.graph.load.GraphInput;
import java.util.Optional;

/**
 * What a user program needs of the graph it runs on, read from its {@link ProgramShape} at
 * Submit, so that a graph lacking it refuses the job there, naming the graph, the need and
 * the fix, instead of failing it mid-run on an agent.
 *
 * <p>Edge directions: a program declares which edges it reads ({@code EdgeUse}) and which a
 * broadcast follows ({@code Edges}); a resident graph holds every edge both ways (its load
 * keeps out-edges with their targets and in-edges, for any kernel and query), and a job's own
 * load keeps what its program declares, so directions are always met. Weights are not: a
 * graph holds them only when its properties name a weight, and a program whose messages add
 * the edge's weight ({@link EdgeTransform#ADD_WEIGHT}) has nothing to add without them.
 *
 * @param className the program's class, for the message
 * @param weights   whether the program reads edge weights (its broadcasts add them)
 */
record ProgramNeeds(String className, boolean weights) {

    static ProgramNeeds of(String className, ProgramShape shape) {
        return new ProgramNeeds(className, shape.edgeTransform() == EdgeTransform.ADD_WEIGHT);
    }

    /** Why the resident graph {@code name} cannot run the program, or empty when it can. */
    Optional<String> unmetByResident(String name, boolean weighted) {
        if (weights && !weighted) {
            return Optional.of("the resident graph " + name + " holds no edge weights, which " + className
                    + " needs (its shape adds each edge's weight to messages: EdgeTransform.ADD_WEIGHT). Fix: load a graph"
                    + " whose properties name a weight (graph load --name NAME --graph PREFIX) and pass that name, or run"
                    + " a program that reads no weights");
        }
        return Optional.empty();
    }

    /** Why the job's input {@code graph} cannot run the program, or empty when it can. */
    Optional<String> unmetByInput(GraphInput graph) {
        if (weights && !graph.properties().weighted()) {
            return Optional.of("the graph " + graph.prefix() + " has no edge weights (edge-properties.names: "
                    + graph.propertiesHint() + "), which " + className
                    + " needs (its shape adds each edge's weight to messages: EdgeTransform.ADD_WEIGHT). Fix: give the"
                    + " edges a weight and list it in graph." + graph.prefix().getFileName() + ".edge-properties.names of "
                    + graph.prefix() + ".properties, or run a program that reads no weights");
        }
        return Optional.empty();
    }
}
