package io.graphagent.agent.dataplane;

import io.graphagent.net.tls.HostAndPort;
import io.grpc.ManagedChannel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.graphagent.protocol.v1.BatchAck;
import io.graphagent.protocol.v1.BatchRefusal;
import io.graphagent.protocol.v1.EdgeBatch;
import io.graphagent.protocol.v1.DataPlaneGrpc;
import io.graphagent.protocol.v1.MessageBatch;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Opens one superstep's client stream of batches to one peer ({@link Call}); a
 * {@link BatchFeed} writes the batches from its own thread while the transport is ready,
 * so the sender buffers at most {@link #READY_THRESHOLD_BYTES} beyond the HTTP/2 window.
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

    /** The peer's data address, as the channel dials it. */
    public HostAndPort address() {
        return HostAndPort.parse(channel.authority());
    }

    /**
     * Starts a stream; {@code onReady} runs on a network thread whenever the stream becomes
     * ready for more (it must only wake the feeding thread).
     */
    Call<MessageBatch> open(Runnable onReady) {
        Call<MessageBatch> call = new Call<>(onReady);
        stub().send(call);
        return call;
    }

    /** Starts a stream of edges (a load's shuffle); as {@link #open}. */
    Call<EdgeBatch> openEdges(Runnable onReady) {
        Call<EdgeBatch> call = new Call<>(onReady);
        stub().sendEdges(call);
        return call;
    }

    private DataPlaneGrpc.DataPlaneStub stub() {
        return DataPlaneGrpc.newStub(channel).withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
                .withOnReadyThreshold(READY_THRESHOLD_BYTES);
    }

    /** The channel to the peer, for unary calls. */
    public ManagedChannel channel() {
        return channel;
    }

    /**
     * One stream of batches to the peer. {@link #isReady}, {@link #send}, {@link #finish} and
     * {@link #cancel} are called from one feeding thread; the ack completes on a network thread.
     */
    final class Call<T> implements ClientResponseObserver<T, BatchAck> {
        private final Runnable onReady;
        private final CompletableFuture<BatchAck> done = new CompletableFuture<>();
        private volatile ClientCallStreamObserver<T> requests;
        private BatchAck ack;

        private Call(Runnable onReady) {
            this.onReady = onReady;
        }

        String peer() {
            return peer;
        }

        /** The peer's acknowledgement, or why the stream failed. */
        CompletableFuture<BatchAck> ack() {
            return done;
        }

        boolean isReady() {
            return requests.isReady();
        }

        /** Writes one batch; serialised on the calling thread, flushed by the network thread. */
        void send(T batch) {
            requests.onNext(batch);
        }

        /** Half-closes the stream: the peer then acknowledges. */
        void finish() {
            requests.onCompleted();
        }

        void cancel(String why) {
            requests.cancel(why, null);
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<T> stream) {
            requests = stream;
            stream.setOnReadyHandler(onReady);
        }

        @Override
        public void onNext(BatchAck value) {
            ack = value;
        }

        @Override
        public void onError(Throwable t) {
            done.completeExceptionally(t);
            onReady.run();
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
            onReady.run();
        }
    }
}
