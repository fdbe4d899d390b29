package io.graphagent.agent.dataplane;

import io.grpc.ManagedChannel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.graphagent.protocol.v1.BatchAck;
import io.graphagent.protocol.v1.BatchRefusal;
import io.graphagent.protocol.v1.DataPlaneGrpc;
import io.graphagent.protocol.v1.MessageBatch;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Sends one superstep's batches to one peer over a client stream, producing batches only
 * while the transport is ready for them (gRPC's onReady), so the sender buffers at most
 * {@link #READY_THRESHOLD_BYTES} beyond the HTTP/2 window. Completes with the peer's
 * acknowledgement.
 */
public final class PeerSender {
    /**
     * Bytes queued on a stream below which it counts as ready. gRPC's default (32 KiB) is
     * less than one batch, so every batch waited for the previous one to be flushed and a
     * callback; 4 MiB lets a superstep's batches be produced back to back.
     */
    static final int READY_THRESHOLD_BYTES = 4 << 20;

    private final String peer;
    private final ManagedChannel channel;
    private final Duration deadline;

    /**
     * @param peer the peer's agent id, for messages
     * @param deadline bound on one superstep's exchange with this peer
     */
    public PeerSender(String peer, ManagedChannel channel, Duration deadline) {
        this.peer = peer;
        this.channel = channel;
        this.deadline = deadline;
    }

    public String peer() {
        return peer;
    }

    /** Streams {@code batches} (at least one) and completes with the ack, or exceptionally with why it failed. */
    public CompletableFuture<BatchAck> send(Iterator<MessageBatch> batches) {
        CompletableFuture<BatchAck> done = new CompletableFuture<>();
        DataPlaneGrpc.newStub(channel).withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
                .withOnReadyThreshold(READY_THRESHOLD_BYTES)
                .send(new ClientResponseObserver<MessageBatch, BatchAck>() {
                    private ClientCallStreamObserver<MessageBatch> requests;
                    private boolean finished;
                    private BatchAck ack;

                    @Override
                    public void beforeStart(ClientCallStreamObserver<MessageBatch> stream) {
                        requests = stream;
                        stream.setOnReadyHandler(this::pump);
                    }

                    /** Runs on a gRPC thread whenever the transport can take more. */
                    private void pump() {
                        while (!finished && requests.isReady()) {
                            if (batches.hasNext()) {
                                requests.onNext(batches.next());
                            } else {
                                finished = true;
                                requests.onCompleted();
                            }
                        }
                    }

                    @Override
                    public void onNext(BatchAck value) {
                        ack = value;
                    }

                    @Override
                    public void onError(Throwable t) {
                        done.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                        if (ack == null) {
                            done.completeExceptionally(new IllegalStateException("peer " + peer + " closed the batch stream without an ack"));
                        } else if (ack.getRefusal() != BatchRefusal.BATCH_REFUSAL_NONE) {
                            done.completeExceptionally(new IllegalStateException("peer " + peer + " refused batches: "
                                    + ack.getRefusal() + " (" + ack.getMessage() + ")"));
                        } else {
                            done.complete(ack);
                        }
                    }
                });
        return done;
    }
}
