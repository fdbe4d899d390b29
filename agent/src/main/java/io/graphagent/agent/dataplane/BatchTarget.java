package io.graphagent.agent.dataplane;

import io.graphagent.protocol.v1.BatchRefusal;
import io.graphagent.protocol.v1.MessageBatch;

/**
 * Where the data-plane service files the batches of one job. Called from gRPC threads; the
 * batches of one sender arrive in order on one stream.
 */
public interface BatchTarget {

    /** Files one batch; returns why it was refused, or BATCH_REFUSAL_NONE. */
    BatchRefusal accept(MessageBatch batch);

    /** The peer {@code sender} has sent everything for {@code superstep}. */
    void senderDone(String sender, int superstep);
}
