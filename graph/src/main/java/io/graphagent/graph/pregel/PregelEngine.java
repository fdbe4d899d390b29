package io.graphagent.graph.pregel;

import io.graphagent.api.ProgramShape;
import io.graphagent.api.Vertex;
import io.graphagent.api.VertexProgram;
import io.graphagent.graph.partition.GraphShare;
import io.graphagent.graph.partition.Partitioning;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The single-process Pregel engine: one {@link PartitionRunner} owning every partition
 * ({@link Partitioning#balanced}),
 * run on a fixed pool of named compute threads, superstep by superstep, with a barrier
 * between phases.
 *
 * <p>Messages sent with {@link Vertex#sendToNeighbors} are delivered by whichever is
 * cheaper for the superstep ({@link Delivery}): when broadcasts cover a large share of the
 * edges, each vertex pulls them over its in-edges (no message buffers at all, the PageRank
 * case); when they are sparse (a BFS frontier), they are pushed like ordinary messages.
 * Either way a vertex sees the same messages, and folds run in vertex-id order (aggregates per
 * id block), so results do not depend on the choice, the thread count or the partition count:
 * not even in the last bit.
 */
public final class PregelEngine {
    private PregelEngine() {
    }

    /**
     * Runs a configured {@code program} on {@code graph} to completion and returns every vertex's
     * final state.
     */
    public static PregelResult run(io.graphagent.graph.csr.Graph graph, VertexProgram program, EngineOptions options,
                                   ProgressListener listener) {
        return run(graph, program, options, listener, Integer.MAX_VALUE);
    }

    /**
     * {@link #run(io.graphagent.graph.csr.Graph, VertexProgram, EngineOptions, ProgressListener)}
     * with at most {@code maxSupersteps} supersteps (the least of it and the shape's cap).
     */
    public static PregelResult run(io.graphagent.graph.csr.Graph graph, VertexProgram program, EngineOptions options,
                                   ProgressListener listener, int maxSupersteps) {
        if (maxSupersteps < 1) {
            throw new IllegalArgumentException("maxSupersteps must be at least 1, got " + maxSupersteps);
        }
        ExecutorService pool = Executors.newFixedThreadPool(options.threads(),
                Thread.ofPlatform().name("graph-compute-", 0).daemon(true).factory());
        try {
            Partitioning partitioning = Partitioning.balanced(graph, options.partitions());
            return loop(new PartitionRunner(GraphShare.whole(graph, partitioning), program, pool), listener, maxSupersteps);
        } finally {
            pool.shutdownNow();
        }
    }

    private static PregelResult loop(PartitionRunner runner, ProgressListener listener, int maxSupersteps) {
        long start = System.nanoTime();
        VertexProgram program = runner.program();
        ProgramShape shape = runner.shape();
        Aggregators aggregators = new Aggregators(shape.aggregators());
        var master = program.master();
        int blocks = runner.partitioning().blocks().count();
        int cap = Math.min(shape.maxSupersteps(), maxSupersteps);
        long totalMessages = 0;
        int superstep = 0;
        while (superstep < cap) {
            SuperstepStats stats = runner.compute(superstep, aggregators.values());
            totalMessages += stats.sent();
            aggregators.reduce(blocks, runner::aggregatePartial);

            Delivery delivery = Delivery.decide(stats, runner.edgeSlots(), runner.verticesWithOutEdges());
            if (delivery.pushBroadcasts(stats)) {
                runner.pushBroadcasts();
            }
            runner.deliver();
            runner.advance(delivery);
            listener.superstepDone(superstep, stats.computed(), stats.sent());
            superstep++;

            if (delivery.quiescent(stats)) {
                break;
            }
            if (aggregators.runMaster(master, superstep, stats.stillActive())) {
                break;
            }
        }
        return new PregelResult(runner.doubleFields(), runner.longFields(), superstep, totalMessages, System.nanoTime() - start);
    }
}
