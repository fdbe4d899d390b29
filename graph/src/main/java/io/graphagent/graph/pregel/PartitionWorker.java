package io.graphagent.graph.pregel;

import io.graphagent.graph.partition.GraphShare;
import io.graphagent.graph.partition.Partitioning;
import java.io.DataInput;
import java.io.IOException;

/**
 * Runs one owned partition's share of each phase of a superstep, each delegated to the part
 * that holds it: compute to {@link ComputeLoop} (over the {@link VertexCursor} and
 * {@link MessageCursor} the program sees), aggregates to {@link BlockAggregates}, a sparse
 * superstep's broadcasts to {@link BroadcastPush}, delivery to {@link PartitionInbox},
 * checkpoints to {@link PartitionSnapshot} and {@link CheckpointSections}.
 *
 * <p>The partition's members are the slots {@code first .. end-1} of the {@link GraphShare},
 * global dense ids {@code first + globalShift ..}. Used by one thread at a time (the executor
 * hands a partition to one thread per phase).
 */
final class PartitionWorker {
    private final EngineState s;
    private final int partition;
    /** Slots of the members: first .. end-1. */
    private final int first;
    private final int end;
    private final BlockAggregates aggregates;
    private final VertexCursor vertex;
    private final MessageCursor messages;
    private final ComputeLoop loop;
    private final BroadcastPush push;
    private final PartitionInbox inbox;

    /**
     * @param outboxes this partition's row of the runner's message buffers, by target
     *     partition; buffers are made on first use
     */
    PartitionWorker(EngineState state, int partition, MessageBuffer[] outboxes) {
        GraphShare share = state.share;
        Partitioning partitioning = state.partitioning;
        this.s = state;
        this.partition = partition;
        this.first = share.firstSlot(partition);
        this.end = first + partitioning.size(partition);
        int globalShift = partitioning.first(partition) - first;
        this.aggregates = new BlockAggregates(share, state.aggregators, partition, first, end);
        this.vertex = new VertexCursor(state, globalShift, outboxes, aggregates);
        this.messages = new MessageCursor(state, vertex);
        this.loop = new ComputeLoop(state, first, end, vertex, messages);
        this.push = new BroadcastPush(state, partition, first, end, outboxes);
        this.inbox = new PartitionInbox(state, partition, first, end, globalShift);
    }

    /** Compute phase: every member that is active or messaged runs the program once. */
    void compute() {
        aggregates.reset();
        vertex.startPhase(s.broadcastValue[s.next()], s.broadcastFlag[s.next()]);
        messages.startPhase(s.broadcastValue[s.cur], s.broadcastFlag[s.cur], inbox);
        try {
            loop.run();
        } catch (RuntimeException | StackOverflowError | LinkageError e) {
            // The program's code threw (the engine's own faults are bugs and surface the same way):
            // name the vertex and superstep; the cursor is on the vertex being computed.
            throw new ProgramException(vertex.originalId(), s.superstep, e);
        }
    }

    /** What the last compute phase did. */
    SuperstepStats stats() {
        return new SuperstepStats(loop.computed, loop.stillActive, vertex.messagesSent, vertex.broadcastEdges,
                vertex.broadcastersWithOutEdges);
    }

    /** Edges the broadcasts of the last compute phase follow. */
    long broadcastEdges() {
        return vertex.broadcastEdges;
    }

    /** The partial of aggregator {@code index} over block {@code block} (a block of this partition) in the last compute phase. */
    double aggregatePartial(int block, int index) {
        return aggregates.partial(block, index);
    }

    /** Turns this partition's broadcasts of the superstep just run into pushed messages. */
    void pushBroadcasts() {
        push.run();
    }

    /** Delivery phase: folds or files every message bound for this partition's vertices. */
    void deliver(MessageBuffer[][] bySource) {
        inbox.deliver(bySource);
    }

    /** A copy of what this partition needs to resume at the next superstep (see {@link PartitionSnapshot}). */
    PartitionSnapshot snapshot() {
        return new PartitionSnapshot(s, partition, first, end, inbox);
    }

    /** Reads what a {@link #snapshot} wrote (after the header) into this (owning) partition. */
    void readCheckpoint(DataInput in) throws IOException {
        CheckpointSections.readOwned(in, s, partition, first, end, inbox);
    }
}
