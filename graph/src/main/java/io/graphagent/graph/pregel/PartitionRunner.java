package io.graphagent.graph.pregel;

import io.graphagent.graph.csr.Graph;
import io.graphagent.graph.partition.Partitioning;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;

/**
 * Runs the phases of a vertex program's supersteps on a set of <em>owned</em> partitions of
 * a graph; the driver (the single-process {@link PregelEngine}, or an agent told by the
 * coordinator) decides what happens between phases.
 *
 * <p>Messages for partitions owned elsewhere wait in outboxes ({@link #outboxSize} and
 * friends) until the driver ships them; messages from elsewhere arrive through
 * {@link #acceptMessages} and broadcasts through {@link #importBroadcasts} (or
 * {@link #importBroadcastBits}). Those may be
 * called from network threads, each (source, target) pair from one thread at a time, and
 * must happen-before {@link #deliver()}.
 *
 * <p>A superstep, for every runner of the job: {@link #compute} → (sum stats everywhere,
 * {@link Delivery#decide}) → {@link #pushBroadcasts()} when the delivery says so → ship
 * outboxes, or broadcasts when pulling → {@link #deliver()} → {@link #advance}.
 */
public final class PartitionRunner {
    private final EngineState state;
    private final PartitionWorker[] workers;
    private final int[] owned;
    private final ExecutorService pool;
    private final long edgeSlots;
    private final long verticesWithOutEdges;

    /**
     * @param owned the partitions this runner computes, ascending
     * @param pool compute threads; owned by the caller
     */
    public PartitionRunner(Graph graph, VertexProgram program, int partitions, int[] owned, ExecutorService pool) {
        this.state = new EngineState(graph, program, Partitioning.hash(graph, partitions));
        this.workers = new PartitionWorker[partitions];
        for (int p = 0; p < partitions; p++) {
            workers[p] = new PartitionWorker(state, p);
        }
        this.owned = owned.clone();
        Arrays.sort(this.owned);
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

    /** Edges a broadcast can follow in the whole graph; input to {@link Delivery#decide}. */
    public long edgeSlots() { return edgeSlots; }

    /** Vertices with out-edges in the whole graph; input to {@link Delivery#decide}. */
    public long verticesWithOutEdges() { return verticesWithOutEdges; }

    public Partitioning partitioning() { return state.partitioning; }

    public VertexProgram program() { return state.program; }

    /**
     * Compute phase of superstep {@code superstep} on the owned partitions.
     *
     * @param aggregated the aggregator values the vertices see (after the previous superstep and master)
     */
    public SuperstepStats compute(int superstep, double[] aggregated) {
        return compute(superstep, aggregated, null);
    }

    /**
     * {@link #compute(int, double[])}, then {@code afterPartition} for each owned partition on
     * the thread that computed it, right after it (while its fresh broadcasts are in that
     * core's cache): for work on one partition's results, such as packing its broadcasts for
     * peers. Null for none.
     */
    public SuperstepStats compute(int superstep, double[] aggregated, IntConsumer afterPartition) {
        state.superstep = superstep;
        System.arraycopy(aggregated, 0, state.aggregated, 0, state.aggregated.length);
        if (afterPartition == null) {
            parallel(p -> workers[p].compute());
        } else {
            parallel(p -> {
                workers[p].compute();
                afterPartition.accept(p);
            });
        }
        SuperstepStats total = SuperstepStats.ZERO;
        for (int p : owned) {
            PartitionWorker w = workers[p];
            total = total.plus(new SuperstepStats(w.computed, w.stillActive, w.messagesSent, w.broadcastEdges,
                    w.broadcastersWithOutEdges));
        }
        return total;
    }

    /** Aggregator {@code index}'s partial value from owned partition {@code partition} in the last compute phase. */
    public double aggregatePartial(int partition, int index) {
        return workers[partition].aggregatePartial(index);
    }

    /** Turns the owned partitions' broadcasts into pushed messages (a sparse superstep). */
    public void pushBroadcasts() {
        parallel(p -> workers[p].pushBroadcasts());
    }

    public int outboxSize(int sourcePartition, int targetPartition) {
        return workers[sourcePartition].outbox(targetPartition).size;
    }

    /** Target dense ids of the outbox; valid up to {@link #outboxSize}. */
    public int[] outboxTargets(int sourcePartition, int targetPartition) {
        return workers[sourcePartition].outbox(targetPartition).targets;
    }

    /** Message values of the outbox; valid up to {@link #outboxSize}. */
    public double[] outboxValues(int sourcePartition, int targetPartition) {
        return workers[sourcePartition].outbox(targetPartition).values;
    }

    /** Empties an outbox once shipped. */
    public void clearOutbox(int sourcePartition, int targetPartition) {
        workers[sourcePartition].outbox(targetPartition).clear();
    }

    /** Files messages that a remote partition sent to an owned one, for {@link #deliver()}. */
    public void acceptMessages(int sourcePartition, int targetPartition, int[] targets, double[] values, int count) {
        MessageBuffer buffer = workers[sourcePartition].outbox(targetPartition);
        for (int i = 0; i < count; i++) {
            buffer.add(targets[i], values[i]);
        }
    }

    /** The broadcasts an owned partition made in the last compute phase, for peers that pull. */
    public Broadcasts exportBroadcasts(int partition) {
        boolean[] flags = state.broadcastFlag[state.next()];
        double[] values = state.broadcastValue[state.next()];
        int[] members = state.partitioning.members(partition);
        int count = 0;
        for (int v : members) {
            if (flags[v]) {
                count++;
            }
        }
        int[] vertices = new int[count];
        double[] sent = new double[count];
        int i = 0;
        for (int v : members) {
            if (flags[v]) {
                vertices[i] = v;
                sent[i++] = values[v];
            }
        }
        return new Broadcasts(vertices, sent);
    }

    /**
     * The broadcasts of members {@code [from, from + n)} of an owned partition in the last
     * compute phase, in member order, without vertex ids: bit {@code i} of {@code bits} (least
     * significant first in each byte) says whether member {@code from + i} broadcast, and
     * {@code values[0 .. count)} are the marked members' values. A peer holding the same graph
     * reads it back with {@link #importBroadcastBits}.
     */
    public BroadcastBits exportBroadcastBits(int partition, int from, int n) {
        boolean[] flags = state.broadcastFlag[state.next()];
        double[] values = state.broadcastValue[state.next()];
        int[] members = state.partitioning.members(partition);
        byte[] bits = new byte[(n + 7) >>> 3];
        double[] sent = new double[n];
        int count = 0;
        // Branch-free: whether a member broadcast is as good as random (PageRank: whether it has
        // out-edges), so a branch on it would be mispredicted half the time. Every value is
        // stored; the count only moves past the marked ones (sent has room for all n).
        int word = 0;
        for (int i = 0; i < n; i++) {
            int v = members[from + i];
            int marked = flags[v] ? 1 : 0;
            word |= marked << (i & 7);
            sent[count] = values[v];
            count += marked;
            if ((i & 7) == 7) {
                bits[i >>> 3] = (byte) word;
                word = 0;
            }
        }
        if ((n & 7) != 0) {
            bits[n >>> 3] = (byte) word;
        }
        return new BroadcastBits(bits, sent, count);
    }

    /**
     * Takes a range of a remote partition's broadcasts in the form of
     * {@link #exportBroadcastBits}: members {@code [from, from + n)} are marked as broadcasting
     * or not; {@code values} holds one value per marked member, in member order.
     */
    public void importBroadcastBits(int partition, int from, int n, byte[] bits, double[] values) {
        boolean[] flags = state.broadcastFlag[state.next()];
        double[] into = state.broadcastValue[state.next()];
        int[] members = state.partitioning.members(partition);
        // Read (never stored) for unmarked members too, so never empty.
        double[] source = values.length > 0 ? values : new double[1];
        int last = source.length - 1;
        int k = 0;
        for (int i = 0; i < n; i++) {
            int v = members[from + i];
            int marked = (bits[i >>> 3] >>> (i & 7)) & 1;
            boolean set = marked != 0;
            flags[v] = set;
            // Branch-free as in exportBroadcastBits: an unmarked member keeps its value.
            double value = source[Math.min(k, last)];
            into[v] = set ? value : into[v];
            k += marked;
        }
        if (k > values.length) {
            throw new IllegalArgumentException(k + " members of partition " + partition + " marked, only "
                    + values.length + " values given");
        }
    }

    /**
     * Takes (a chunk of) a remote partition's broadcasts of the last compute phase.
     *
     * @param first true for the partition's first chunk of the superstep: every other vertex
     *     of the partition is then marked as not broadcasting
     */
    public void importBroadcasts(int partition, int[] vertices, double[] values, int count, boolean first) {
        boolean[] flags = state.broadcastFlag[state.next()];
        double[] into = state.broadcastValue[state.next()];
        if (first) {
            for (int v : state.partitioning.members(partition)) {
                flags[v] = false;
            }
        }
        for (int i = 0; i < count; i++) {
            flags[vertices[i]] = true;
            into[vertices[i]] = values[i];
        }
    }

    /** Delivery phase: every owned partition folds or files the messages bound for it. */
    public void deliver() {
        parallel(p -> workers[p].deliver(workers));
    }

    /** Ends the superstep: the broadcasts just made become the ones the next superstep reads. */
    public void advance(Delivery delivery) {
        state.cur = state.next();
        state.pull = delivery.pull();
        state.pullFromAll = delivery.pullFromAll();
    }

    /**
     * Writes partition {@code partition}'s state after the superstep just ended (call after
     * {@link #advance}): what the partition needs to resume, and its broadcasts that the next
     * superstep pulls. The format is this class's own; read it with {@link #restore}.
     */
    public void writeCheckpoint(int partition, java.io.DataOutput out) throws java.io.IOException {
        out.writeInt(CHECKPOINT_MAGIC);
        out.writeInt(partition);
        workers[partition].writeCheckpoint(out);
    }

    /**
     * Loads a checkpointed partition into this (fresh) runner, to resume at the next superstep:
     * the whole state of an owned partition, only the broadcasts of one owned elsewhere. Call
     * for every owned partition and, when the next superstep pulls ({@code Delivery.pull} of
     * the checkpoint), for every other partition too (only a pulling superstep reads other
     * partitions' broadcasts); then {@link #resume} with the checkpoint's delivery.
     */
    public void restore(int partition, java.io.DataInput in) throws java.io.IOException {
        if (in.readInt() != CHECKPOINT_MAGIC || in.readInt() != partition) {
            throw new java.io.IOException("not a checkpoint of partition " + partition);
        }
        if (java.util.Arrays.binarySearch(owned, partition) >= 0) {
            workers[partition].readCheckpoint(in);
        } else {
            workers[partition].readBroadcastsOnly(in);
        }
    }

    /** Restores the delivery of the superstep that follows a restored checkpoint. */
    public void resume(Delivery delivery) {
        state.pull = delivery.pull();
        state.pullFromAll = delivery.pullFromAll();
    }

    private static final int CHECKPOINT_MAGIC = 0x47414331; // "GAC1"

    /** Final (or current) value per dense vertex id; meaningful for owned partitions' vertices. */
    public double[] values() {
        return state.value;
    }

    /** A partition's broadcasts: parallel arrays of dense vertex ids and values. */
    public record Broadcasts(int[] vertices, double[] values) {
    }

    /** A range of a partition's broadcasts in member order: who broadcast (bits) and {@code values[0 .. count)}. */
    public record BroadcastBits(byte[] bits, double[] values, int count) {
    }

    /** Runs {@code task} for every owned partition on the pool and waits for all of them. */
    private void parallel(IntConsumer task) {
        List<Callable<Void>> tasks = new ArrayList<>(owned.length);
        for (int p : owned) {
            tasks.add(() -> {
                task.accept(p);
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
