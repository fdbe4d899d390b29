package io.graphagent.agent.resident;

import io.graphagent.graph.partition.GraphShare;
import io.graphagent.protocol.v1.GraphLayout;
import io.graphagent.protocol.v1.HeldPartitions;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The resident graphs this agent holds, by name. A graph is replaced by a newer generation
 * (dropped and loaded again under the same name) and never by an older one. Thread-safe:
 * queries look graphs up from the query threads, the job thread adds and drops.
 */
public final class ResidentStore {
    private static final Logger log = LoggerFactory.getLogger(ResidentStore.class);

    /** Job ids of resident graphs: this prefix and the graph's name. */
    public static final String JOB_PREFIX = "graph-";

    private final Map<String, ResidentGraph> graphs = new ConcurrentHashMap<>();

    /** The graph's name in a resident job id ({@code graph-NAME}), or null for a batch job's id. */
    public static String nameOf(String jobId) {
        return jobId.startsWith(JOB_PREFIX) ? jobId.substring(JOB_PREFIX.length()) : null;
    }

    /**
     * Keeps a load's share as graph {@code name} at {@code generation}, replacing an older
     * generation of it.
     */
    public ResidentGraph keep(String name, long generation, GraphShare share, boolean denseIds) {
        ResidentGraph graph = at(name, generation, ResidentGraph.layoutOf(share, denseIds));
        graph.add(share);
        return graph;
    }

    /**
     * The graph {@code name} at {@code generation}, made (holding nothing) when this agent holds
     * no such generation yet; an older generation held is dropped.
     *
     * @throws IllegalStateException when this agent holds a newer generation
     */
    public synchronized ResidentGraph at(String name, long generation, GraphLayout layout) {
        ResidentGraph held = graphs.get(name);
        if (held != null && held.generation() == generation) {
            return held;
        }
        if (held != null && held.generation() > generation) {
            throw new IllegalStateException("graph " + name + " is held at generation " + held.generation()
                    + ", newer than " + generation);
        }
        if (held != null) {
            log.info("event=resident_replaced graph={} generation={} by={}", name, held.generation(), generation);
        }
        ResidentGraph graph = ResidentGraph.of(name, generation, layout);
        graphs.put(name, graph);
        return graph;
    }

    /** The graph {@code name} when this agent holds exactly {@code generation} of it, else null. */
    public ResidentGraph find(String name, long generation) {
        ResidentGraph graph = graphs.get(name);
        return graph != null && graph.generation() == generation ? graph : null;
    }

    /** The graph {@code name} in whatever generation, or null. */
    public ResidentGraph find(String name) {
        return graphs.get(name);
    }

    /** Drops partitions of a graph (all of it when {@code partitions} is empty); returns the graph, or null. */
    public synchronized ResidentGraph drop(String name, long generation, int[] partitions) {
        ResidentGraph graph = graphs.get(name);
        if (graph == null || graph.generation() > generation) {
            return null;
        }
        if (partitions.length == 0) {
            graphs.remove(name);
            graph.drop(graph.holdings().partitions());
        } else {
            graph.drop(partitions);
        }
        return graph;
    }

    /** What is held of each graph, by job id ({@code graph-NAME}): partitions, generation and bytes, for Hello. */
    public java.util.List<HeldPartitions> held() {
        Map<String, HeldPartitions> held = new TreeMap<>();
        graphs.forEach((name, g) -> {
            Holdings holdings = g.holdings();
            held.put(name, HeldPartitions.newBuilder().setJobId(JOB_PREFIX + name).setGeneration(g.generation())
                    .setBytes(holdings.bytes()).addAllPartitionIds(java.util.Arrays.stream(holdings.partitions()).boxed()
                            .toList()).build());
        });
        return java.util.List.copyOf(held.values());
    }
}
