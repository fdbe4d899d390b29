package io.graphagent.agent.dataplane;

import io.graphagent.protocol.v1.BatchRefusal;
import io.graphagent.protocol.v1.EdgeBatch;

/**
 * Where a load's shuffle files the edges and vertices peers ship to this agent's partitions.
 * Called from data-plane network threads, one thread per sender at a time.
 */
public interface EdgeTarget {

    /** Files one batch; returns why it was refused, or BATCH_REFUSAL_NONE. */
    BatchRefusal accept(EdgeBatch batch);

    /** The peer {@code sender} has shipped everything. */
    void senderDone(String sender);

    /**
     * Filing a batch ran out of heap (on a network thread): the load lets go of what it took
     * in and its own thread fails the job with {@code why}, as an out-of-heap on its thread would.
     */
    void outOfHeap(String why);
}
