package io.graphagent.graph.pregel;

import io.graphagent.graph.csr.Graph;
import io.graphagent.graph.partition.Partitioning;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;

/**
 * The single-process Pregel engine: hash partitions run in parallel on a fixed pool of
 * named compute threads, superstep by superstep, with a barrier between phases.
 *
 * <p>Messages sent with {@link Vertex#sendToNeighbors} are delivered by whichever is
 * cheaper for the superstep: when broadcasts cover a large share of the edges, each
 * vertex pulls them over its in-edges (no message buffers at all, the PageRank case);
 * when they are sparse (a BFS frontier), they are pushed like ordinary messages. Either
 * way a vertex sees the same messages, so results do not depend on the choice, the
 * thread count or (up to floating-point summation order) the partition count.
 */
public final class PregelEngine {

    /**
     * Broadcasts reaching fewer than 1/PUSH_RATIO of the edges are pushed; pulling costs
     * one flag read per edge of every vertex, pushing two buffer writes per message.
     */
    static final int PUSH_RATIO = 16;

    private final EngineState state;
    private final PartitionWorker[] workers;
    private final ExecutorService pool;
    private final long edgeSlots;
    private final long verticesWithOutEdges;

    private PregelEngine(Graph graph, VertexProgram program, EngineOptions options, ExecutorService pool) {
        Partitioning partitioning = Partitioning.hash(graph, options.partitions());
        this.state = new EngineState(graph, program, partitioning);
        this.workers = new PartitionWorker[partitioning.count()];
        for (int p = 0; p < workers.length; p++) {
            workers[p] = new PartitionWorker(state, p);
        }
        this.pool = pool;
        long slots = graph.outTargets().length;
        this.edgeSlots = state.broadcastBoth ? 2 * slots : slots;
        long withOut = 0;
        for (int v = 0; v < graph.numVertices(); v++) {
            if (graph.outDegree(v) > 0) {
                withOut++;
            }
        }
        this.verticesWithOutEdges = withOut;
    }

    /** Runs {@code program} on {@code graph} to completion and returns every vertex's final value. */
    public static PregelResult run(Graph graph, VertexProgram program, EngineOptions options, ProgressListener listener) {
        ExecutorService pool = Executors.newFixedThreadPool(options.threads(),
                Thread.ofPlatform().name("graph-compute-", 0).daemon(true).factory());
        try {
            return new PregelEngine(graph, program, options, pool).loop(listener);
        } finally {
            pool.shutdownNow();
        }
    }

    private PregelResult loop(ProgressListener listener) {
        long start = System.nanoTime();
        int cap = state.program.maxSupersteps();
        MasterCompute master = state.program.master();
        long totalMessages = 0;
        int superstep = 0;
        while (superstep < cap) {
            state.superstep = superstep;
            parallel(p -> workers[p].compute());
            long computed = 0;
            long stillActive = 0;
            long sent = 0;
            long broadcastEdges = 0;
            long broadcastersWithOutEdges = 0;
            for (PartitionWorker w : workers) {
                computed += w.computed;
                stillActive += w.stillActive;
                sent += w.messagesSent;
                broadcastEdges += w.broadcastEdges;
                broadcastersWithOutEdges += w.broadcastersWithOutEdges;
            }
            totalMessages += sent;
            reduceAggregators();

            long pushed = sent - broadcastEdges;
            boolean pullNext = broadcastEdges > 0 && broadcastEdges * PUSH_RATIO >= edgeSlots;
            if (broadcastEdges > 0 && !pullNext) {
                parallel(p -> workers[p].pushBroadcasts());
                pushed += broadcastEdges;
            }
            parallel(p -> workers[p].deliver(workers));
            state.cur = state.next();
            state.pull = pullNext;
            state.pullFromAll = pullNext && broadcastersWithOutEdges == verticesWithOutEdges;
            listener.superstepDone(superstep, computed, sent);
            superstep++;

            if (stillActive == 0 && pushed == 0 && !pullNext) {
                break;
            }
            if (master != null && runMaster(master, superstep, stillActive)) {
                break;
            }
        }
        return new PregelResult(state.value, superstep, totalMessages, System.nanoTime() - start);
    }

    private void reduceAggregators() {
        Aggregator[] aggregators = state.aggregators;
        for (int i = 0; i < aggregators.length; i++) {
            Combiner op = aggregators[i].op();
            double acc = op.identity();
            for (PartitionWorker w : workers) {
                acc = op.combine(acc, w.aggregatePartial(i));
            }
            state.aggregated[i] = acc;
        }
    }

    /** Returns true when the master halted the run. */
    private boolean runMaster(MasterCompute master, int nextSuperstep, long stillActive) {
        boolean[] halt = {false};
        master.compute(new MasterCompute.MasterContext() {
            @Override public int superstep() { return nextSuperstep; }

            @Override public double aggregated(int index) { return state.aggregated[index]; }

            @Override public void setAggregated(int index, double value) { state.aggregated[index] = value; }

            @Override public long activeVertices() { return stillActive; }

            @Override public void haltComputation() { halt[0] = true; }
        });
        return halt[0];
    }

    /** Runs {@code task} for every partition on the pool and waits for all of them. */
    private void parallel(IntConsumer task) {
        List<Callable<Void>> tasks = new ArrayList<>(workers.length);
        for (int p = 0; p < workers.length; p++) {
            int partition = p;
            tasks.add(() -> {
                task.accept(partition);
                return null;
            });
        }
        try {
            for (Future<Void> f : pool.invokeAll(tasks)) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during superstep " + state.superstep, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(cause);
        }
    }
}
