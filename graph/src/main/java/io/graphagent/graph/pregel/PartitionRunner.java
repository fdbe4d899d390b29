package io.graphagent.graph.pregel;

import io.graphagent.api.ProgramShape;
import io.graphagent.api.VertexProgram;
import io.graphagent.graph.partition.GraphShare;
import io.graphagent.graph.partition.Partitioning;
import java.util.concurrent.ExecutorService;
import java.util.function.IntConsumer;

/**
 * Runs the phases of a vertex program's supersteps on the <em>owned</em> partitions of a
 * {@link GraphShare}; the driver (the single-process {@link PregelEngine}, or an agent told by
 * the coordinator) decides what happens between phases.
 *
 * <p>Messages for partitions owned elsewhere wait in outboxes ({@link #outboxSize} and
 * friends, addressed by global dense id) until the driver ships them; messages from elsewhere
 * arrive through {@link #acceptMessages} and broadcasts of other partitions, into the mirrors,
 * through {@link #importBroadcasts} (or {@link #importBroadcastBits}). Those may be called from
 * network threads, each (source, target) pair from one thread at a time, and must
 * happen-before {@link #deliver()}.
 *
 * <p>A superstep, for every runner of the job: {@link #compute} → (sum stats everywhere,
 * {@link Delivery#decide}) → {@link #pushBroadcasts()} when the delivery says so → ship
 * outboxes, or broadcasts when pulling → {@link #deliver()} → {@link #advance}.
 */
public final class PartitionRunner {
    private final EngineState state;
    private final GraphShare share;
    private final Partitioning partitioning;
    /** Workers of the owned partitions, by partition id (null elsewhere). */
    private final PartitionWorker[] workers;
    /** Messages in flight, by source partition, then target partition. */
    private final MessageBuffers messages;
    private final int[] owned;
    private final PartitionTasks tasks;
    private final long edgeSlots;
    private final long verticesWithOutEdges;

    /**
     * @param pool compute threads; owned by the caller
     */
    public PartitionRunner(GraphShare share, VertexProgram program, ExecutorService pool) {
        this(share, program, program.shape(), pool);
    }

    /**
     * @param shape {@code program}'s shape, read once by the caller
     * @param pool compute threads; owned by the caller
     */
    public PartitionRunner(GraphShare share, VertexProgram program, ProgramShape shape, ExecutorService pool) {
        this.share = share;
        this.partitioning = share.partitioning();
        this.state = new EngineState(share, program, shape);
        int partitions = partitioning.count();
        this.owned = share.owned().clone();
        this.workers = new PartitionWorker[partitions];
        this.messages = new MessageBuffers(share);
        for (int p : owned) {
            workers[p] = new PartitionWorker(state, p, messages.row(p));
        }
        this.tasks = new PartitionTasks(owned, pool);
        long entries = state.pullIn ? share.outOffsets()[share.ownedVertices()] : 0;
        if (state.pullOut) {
            entries += share.inOffsets()[share.ownedVertices()];
        }
        this.edgeSlots = entries;
        long withOut = 0;
        for (int v = 0; v < share.ownedVertices(); v++) {
            if (share.outDegree(v) > 0) {
                withOut++;
            }
        }
        this.verticesWithOutEdges = withOut;
    }

    /** Edges a broadcast from the owned vertices can follow; summed over runners, input to {@link Delivery#decide}. */
    public long edgeSlots() { return edgeSlots; }

    /** Owned vertices with out-edges; summed over runners, input to {@link Delivery#decide}. */
    public long verticesWithOutEdges() { return verticesWithOutEdges; }

    public Partitioning partitioning() { return partitioning; }

    public GraphShare share() { return share; }

    public VertexProgram program() { return state.program; }

    /** The program's shape, as read when this runner was made. */
    public ProgramShape shape() { return state.shape; }

    /** Owned partitions, ascending; do not modify. */
    public int[] owned() { return owned; }

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
            total = total.plus(workers[p].stats());
        }
        return total;
    }

    /**
     * Edges owned partition {@code partition}'s broadcasts of the last compute phase follow:
     * its share of {@link SuperstepStats#broadcastEdges}. Read in {@code afterPartition} (on
     * the thread that computed it) or after compute returns.
     */
    public long broadcastEdges(int partition) {
        return workers[partition].broadcastEdges();
    }

    /**
     * Aggregator {@code index}'s partial value over id block {@code block} in the last compute
     * phase; the block must belong to an owned partition.
     */
    public double aggregatePartial(int block, int index) {
        PartitionWorker worker = workers[partitioning.partitionOfBlock(block)];
        if (worker == null) {
            throw new IllegalArgumentException("id block " + block + " is not in an owned partition");
        }
        return worker.aggregatePartial(block, index);
    }

    /** Turns the owned partitions' broadcasts into pushed messages (a sparse superstep). */
    public void pushBroadcasts() {
        parallel(p -> workers[p].pushBroadcasts());
    }

    public int outboxSize(int sourcePartition, int targetPartition) {
        return messages.size(sourcePartition, targetPartition);
    }

    /** Target global dense ids of the outbox; valid up to {@link #outboxSize}. */
    public int[] outboxTargets(int sourcePartition, int targetPartition) {
        return messages.targets(sourcePartition, targetPartition);
    }

    /** Message values of the outbox; valid up to {@link #outboxSize}. */
    public double[] outboxValues(int sourcePartition, int targetPartition) {
        return messages.values(sourcePartition, targetPartition);
    }

    /** Empties an outbox once shipped. */
    public void clearOutbox(int sourcePartition, int targetPartition) {
        messages.clear(sourcePartition, targetPartition);
    }

    /** Files messages (targets as global dense ids) that a remote partition sent to an owned one, for {@link #deliver()}. */
    public void acceptMessages(int sourcePartition, int targetPartition, int[] targets, double[] values, int count) {
        messages.accept(sourcePartition, targetPartition, targets, values, count);
    }

    /** The broadcasts an owned partition made in the last compute phase (global dense ids), for peers that pull. */
    public Broadcasts exportBroadcasts(int partition) {
        return ListedBroadcasts.export(share, partitioning, partition, state.broadcastFlag[state.next()],
                state.broadcastValue[state.next()]);
    }

    /**
     * The broadcasts of members {@code [from, from + n)} of an owned partition in the last
     * compute phase, in member order, without vertex ids: bit {@code i} of {@code bits} (least
     * significant first in each byte) says whether member {@code from + i} broadcast, and
     * {@code values[0 .. count)} are the marked members' values. A peer reads it back into its
     * mirrors with {@link #importBroadcastBits}.
     */
    public BroadcastBits exportBroadcastBits(int partition, int from, int n) {
        return CompactBroadcasts.export(share, partition, from, n, state.broadcastFlag[state.next()],
                state.broadcastValue[state.next()]);
    }

    /**
     * Takes a range of a remote partition's broadcasts in the form of
     * {@link #exportBroadcastBits}: members {@code [from, from + n)} are marked as broadcasting
     * or not; {@code values} holds one value per marked member, in member order. Only the
     * members this runner mirrors are kept.
     */
    public void importBroadcastBits(int partition, int from, int n, byte[] bits, double[] values) {
        CompactBroadcasts.importInto(share, partitioning, partition, from, n, bits, values,
                state.broadcastFlag[state.next()], state.broadcastValue[state.next()]);
    }

    /** How many vertices of remote {@code partition} this runner mirrors (its mirror list's length). */
    public int mirrorCount(int partition) {
        return share.endMirror(partition) - share.firstMirror(partition);
    }

    /**
     * Ranks in remote {@code partition} of this runner's mirrors {@code [from, from + count)}
     * of it, ascending: what the partition's owner packs for this runner with
     * {@link #exportMirroredBroadcasts}.
     *
     * @throws IllegalArgumentException when the range is past {@link #mirrorCount}
     */
    public int[] mirrorRanks(int partition, int from, int count) {
        return MirroredBroadcasts.mirrorRanks(share, partitioning, partition, from, count);
    }

    /**
     * The broadcasts of an owned partition's members {@code ranks[from .. from + n)} (a peer's
     * mirrors of it, from its {@link #mirrorRanks}) in the last compute phase: bits empty when
     * every one broadcast, else one bit per member as in {@link #exportBroadcastBits};
     * {@code values[0 .. count)} the marked members' values. The peer files it with
     * {@link #importMirroredBroadcasts}.
     */
    public BroadcastBits exportMirroredBroadcasts(int partition, int[] ranks, int from, int n) {
        return MirroredBroadcasts.export(share, partition, ranks, from, n, state.broadcastFlag[state.next()],
                state.broadcastValue[state.next()]);
    }

    /**
     * Takes this runner's mirrors {@code [from, from + n)} of remote {@code partition} in the
     * form of {@link #exportMirroredBroadcasts}: a straight copy into their slots.
     *
     * @throws IllegalArgumentException when the range is past {@link #mirrorCount} or the values do not match the bits
     */
    public void importMirroredBroadcasts(int partition, int from, int n, byte[] bits, double[] values) {
        MirroredBroadcasts.importInto(share, partition, from, n, bits, values, state.broadcastFlag[state.next()],
                state.broadcastValue[state.next()]);
    }

    /**
     * Takes (a chunk of) a remote partition's broadcasts of the last compute phase, vertices as
     * global dense ids; only the members this runner mirrors are kept.
     *
     * @param first true for the partition's first chunk of the superstep: every other vertex
     *     of the partition is then marked as not broadcasting
     */
    public void importBroadcasts(int partition, int[] vertices, double[] values, int count, boolean first) {
        ListedBroadcasts.importInto(share, partition, vertices, values, count, first, state.broadcastFlag[state.next()],
                state.broadcastValue[state.next()]);
    }

    /** Delivery phase: every owned partition folds or files the messages bound for it. */
    public void deliver() {
        parallel(p -> workers[p].deliver(messages.bySource));
    }

    /** Ends the superstep: the broadcasts just made become the ones the next superstep reads. */
    public void advance(Delivery delivery) {
        state.cur = state.next();
        state.pull = delivery.pull();
        state.pullFromAll = delivery.pullFromAll();
    }

    /**
     * Copies partition {@code partition}'s state after the superstep just ended (call after
     * {@link #advance}, before the next compute): what the partition needs to resume, and its
     * broadcasts that the next superstep pulls. Later supersteps do not change the copy, so it
     * may be written ({@link PartitionSnapshot#writeTo}) on another thread while they run; read
     * it back with {@link #restore}.
     */
    public PartitionSnapshot snapshot(int partition) {
        return workers[partition].snapshot();
    }

    /**
     * Loads a checkpointed partition into this (fresh) runner, to resume at the next superstep:
     * the whole state of an owned partition, only the broadcasts (into the mirrors) of one owned
     * elsewhere. Call for every owned partition and, when the next superstep pulls
     * ({@code Delivery.pull} of the checkpoint), for every other partition this runner mirrors
     * (only a pulling superstep reads other partitions' broadcasts); then {@link #resume} with
     * the checkpoint's delivery.
     */
    public void restore(int partition, java.io.DataInput in) throws java.io.IOException {
        if (in.readInt() != CHECKPOINT_MAGIC || in.readInt() != partition) {
            throw new java.io.IOException("not a checkpoint of partition " + partition);
        }
        if (share.owns(partition)) {
            workers[partition].readCheckpoint(in);
        } else {
            CheckpointSections.readMirrorBroadcasts(in, partition, share, state.combiner != null, state.fieldBytes(),
                    state.broadcastFlag[state.cur], state.broadcastValue[state.cur]);
        }
    }

    /** Whether the vertex in {@code slot} broadcast (an owned one) or was imported as broadcasting (a mirror) this superstep. */
    public boolean broadcastMade(int slot) {
        return state.broadcastFlag[state.next()][slot];
    }

    /** The value {@link #broadcastMade} saw; meaningful only when it is true. */
    public double broadcastValue(int slot) {
        return state.broadcastValue[state.next()][slot];
    }

    /** Whether this runner mirrors any vertex of {@code partition} (so a pulling restore reads its broadcasts). */
    public boolean mirrors(int partition) {
        return share.endMirror(partition) > share.firstMirror(partition);
    }

    /** Restores the delivery of the superstep that follows a restored checkpoint. */
    public void resume(Delivery delivery) {
        state.pull = delivery.pull();
        state.pullFromAll = delivery.pullFromAll();
    }

    static final int CHECKPOINT_MAGIC = 0x47414331; // "GAC1"

    /** Final (or current) double field 0 per owned slot of the {@link #share()}; null when the program has no double field. */
    public double[] values() {
        return state.value;
    }

    /** Final (or current) double fields, per field then owned slot; do not modify. */
    public double[][] doubleFields() {
        return state.doubles;
    }

    /** Final (or current) long fields, per field then owned slot; do not modify. */
    public long[][] longFields() {
        return state.longs;
    }

    /** A partition's broadcasts: parallel arrays of dense vertex ids and values. */
    public record Broadcasts(int[] vertices, double[] values) {
    }

    /** A range of a partition's broadcasts in member order: who broadcast (bits) and {@code values[0 .. count)}. */
    public record BroadcastBits(byte[] bits, double[] values, int count) {
    }

    /** Runs {@code task} for every owned partition on the pool and waits for all of them. */
    private void parallel(IntConsumer task) {
        tasks.run(task, state.superstep);
    }
}
