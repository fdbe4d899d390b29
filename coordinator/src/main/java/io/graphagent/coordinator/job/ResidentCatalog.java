package io.graphagent.coordinator.job;

import java.util.List;
import java.util.Optional;

/**
 * The resident graphs a batch job may run on ({@code submit --graph-name}), as the job layer
 * sees them: who holds each partition now and at which generation. Kept by the resident
 * graphs (module coordinator, package {@code resident}); asked again at every attach, so a
 * job that recovers places its partitions on the replicas live then. Thread-safe.
 */
public interface ResidentCatalog {

    /**
     * One resident graph at one moment.
     *
     * @param jobId      its job id, {@code graph-NAME}: what the agents hold it under
     * @param generation the generation the agents hold; a graph loaded again has another
     * @param source     the prefix it was loaded from (its properties give kernel defaults)
     * @param holders    agent ids holding each partition, ascending
     */
    record Graph(String name, String jobId, long generation, String source, boolean directed, boolean weighted,
                 long edges, List<List<String>> holders) {

        public int partitions() {
            return holders.size();
        }
    }

    /** The graph of that name when it is loaded (its partitions have holders), else empty. */
    Optional<Graph> find(String name);

    /**
     * Whether the graph was taken over from the store after a coordinator restart and still
     * waits for its agents to report their replicas: a reloaded job on it waits too.
     */
    default boolean restoring(String name) {
        return false;
    }

    /** Names of every resident graph, ascending (for the refusal that lists them). */
    List<String> names();

    /** No resident graphs (a coordinator without the online side). */
    ResidentCatalog NONE = new ResidentCatalog() {
        @Override
        public Optional<Graph> find(String name) {
            return Optional.empty();
        }

        @Override
        public List<String> names() {
            return List.of();
        }
    };
}
