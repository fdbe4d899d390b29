package io.graphagent.agent.session;

import io.graphagent.net.cause.DisconnectCause;
import io.graphagent.net.cause.FailureClassifier;
import io.graphagent.net.time.Ticker;
import io.graphagent.protocol.v1.AgentMessage;
import io.graphagent.protocol.v1.CoordinatorGrpc;
import io.graphagent.protocol.v1.CoordinatorMessage;
import io.grpc.ManagedChannel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.concurrent.CompletableFuture;

/**
 * One Session stream, on a channel of its own: each connection attempt dials afresh, so the
 * reconnect backoff is the session client's and not the channel's hidden one. Inbound events
 * arrive on a network thread and go straight to {@link Events} (which hands them to the
 * session thread); sends come from the session thread (Hello, heartbeats, Goodbye) and from
 * job threads (reports) and are serialized here, since a gRPC stream observer is not
 * thread-safe.
 */
final class SessionCall implements ClientResponseObserver<AgentMessage, CoordinatorMessage> {

    /** Where inbound events go; called on a network thread, must not block. */
    interface Events {
        void received(SessionCall call, CoordinatorMessage message, long receivedNanos);

        void ended(SessionCall call, DisconnectCause cause, String detail);
    }

    final int attempt;
    final boolean resuming;
    /** Completes when the coordinator ends the stream or it fails. */
    final CompletableFuture<Void> ended = new CompletableFuture<>();
    /** Heartbeat sequence; session thread only. */
    long seq;
    /** The session epoch, set on Welcome before the call is published as open. */
    volatile long epoch;
    /** {@link #ticker} reading of the last message sent or received on this stream. */
    volatile long lastTrafficNanos;

    private final ManagedChannel channel;
    private final Ticker ticker;
    private final Events events;
    private ClientCallStreamObserver<AgentMessage> requests;
    /** Guarded by this. */
    private boolean halfClosed;

    private SessionCall(ManagedChannel channel, int attempt, boolean resuming, Events events, Ticker ticker) {
        this.channel = channel;
        this.ticker = ticker;
        this.lastTrafficNanos = ticker.nanos();
        this.attempt = attempt;
        this.resuming = resuming;
        this.events = events;
    }

    /**
     * Starts a Session call on {@code channel}; the call owns the channel from now on.
     *
     * @param ticker times the stream's traffic (its quiet time when it ends) and each message's arrival
     */
    static SessionCall open(ManagedChannel channel, int attempt, boolean resuming, Events events, Ticker ticker) {
        SessionCall call = new SessionCall(channel, attempt, resuming, events, ticker);
        CoordinatorGrpc.newStub(channel).session(call);
        return call;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<AgentMessage> requestStream) {
        this.requests = requestStream;
    }

    /** Queues a message; false once the stream is closed or half-closed. */
    synchronized boolean send(AgentMessage message) {
        if (halfClosed || ended.isDone()) {
            return false;
        }
        try {
            requests.onNext(message);
            lastTrafficNanos = ticker.nanos();
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Ends the agent's side of the stream (after Goodbye); the coordinator then ends its side. */
    synchronized void halfClose() {
        if (!halfClosed && !ended.isDone()) {
            halfClosed = true;
            try {
                requests.onCompleted();
            } catch (RuntimeException e) {
                // Already failed: the failure arrives through onError.
            }
        }
    }

    /** Cancels the stream if still open and closes the channel; idempotent. */
    void close() {
        synchronized (this) {
            if (!ended.isDone()) {
                halfClosed = true;
                requests.cancel("session client moved on", null);
            }
        }
        channel.shutdownNow();
    }

    @Override
    public void onNext(CoordinatorMessage message) {
        long now = ticker.nanos();
        lastTrafficNanos = now;
        events.received(this, message, now);
    }

    @Override
    public void onError(Throwable failure) {
        ended.complete(null);
        FailureClassifier.Classification why = FailureClassifier.explain(failure, FailureClassifier.Side.CLIENT);
        events.ended(this, why.cause(), why.detail());
    }

    @Override
    public void onCompleted() {
        ended.complete(null);
        events.ended(this, DisconnectCause.PEER_CLOSED, "the coordinator ended the session stream");
    }
}
