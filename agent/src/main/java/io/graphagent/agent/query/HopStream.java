package io.graphagent.agent.query;

import io.graphagent.net.time.Ticker;
import io.graphagent.protocol.v1.ExpandReply;
import io.graphagent.protocol.v1.ExpandRequest;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's end of one gateway's hop stream ({@code Shard.ExpandStream}): each request read
 * from it is handed to {@code hops} with an {@link Answer} of its own, and every answer, from
 * whichever query thread, goes back on the stream with the request's {@code id}, one at a time
 * (a gRPC call is not thread-safe). A refusal is an answer with {@code error_code}, never the
 * end of the stream. gRPC reads the next request only once the last one is handed over (its
 * stub's inbound flow control); the answers written out are bounded by the requests in flight,
 * which {@link QueryWorkers} bounds. Once the gateway ends or cancels the stream, answers are
 * dropped. Thread-safe.
 */
final class HopStream implements StreamObserver<ExpandRequest> {
    private static final Logger log = LoggerFactory.getLogger(HopStream.class);

    /** Works on one request of the stream, answering through its {@code answer}. */
    @FunctionalInterface
    interface Hops {
        void expand(ExpandRequest request, StreamObserver<ExpandReply> answer);
    }

    private final ServerCallStreamObserver<ExpandReply> replies;
    private final Hops hops;
    private final Ticker ticker;
    /** Set once the gateway ended or cancelled the stream: nothing more is sent. */
    private volatile boolean closed;

    HopStream(ServerCallStreamObserver<ExpandReply> replies, Hops hops, Ticker ticker) {
        this.replies = replies;
        this.hops = hops;
        this.ticker = ticker;
        replies.setOnCancelHandler(() -> closed = true);
    }

    @Override
    public void onNext(ExpandRequest request) {
        long timeout = request.getTimeoutMicros();
        hops.expand(request, new Answer(request.getId(), timeout == 0 ? 0 : ticker.nanos() + timeout * 1_000));
    }

    @Override
    public void onError(Throwable t) {
        closed = true;
    }

    @Override
    public synchronized void onCompleted() {
        if (!closed) {
            closed = true;
            replies.onCompleted();
        }
    }

    private synchronized void send(ExpandReply reply) {
        if (closed) {
            return;
        }
        try {
            replies.onNext(reply);
        } catch (RuntimeException e) {
            // The stream ended while the answer was made (the gateway went away): nothing to answer.
            closed = true;
            log.debug("event=query_reply_dropped detail=\"{}\"", e.toString());
        }
    }

    /** One request's answer: its reply or its refusal on the stream, unless nobody waits for it any more. */
    final class Answer implements StreamObserver<ExpandReply> {
        private final long id;
        /** The ticker's reading after which the gateway no longer waits; 0: no bound. */
        private final long deadlineNanos;

        private Answer(long id, long deadlineNanos) {
            this.id = id;
            this.deadlineNanos = deadlineNanos;
        }

        /** Whether the answer would go to nobody: the stream ended, or the request's timeout passed. */
        boolean gone() {
            return closed || (deadlineNanos != 0 && ticker.nanos() - deadlineNanos > 0);
        }

        /** {@code reply} carries the request's id already (the hop copies it). */
        @Override
        public void onNext(ExpandReply reply) {
            send(reply);
        }

        @Override
        public void onError(Throwable t) {
            Status status = Status.fromThrowable(t);
            send(ExpandReply.newBuilder().setId(id).setErrorCode(status.getCode().value())
                    .setError(status.getDescription() == null ? status.getCode().name() : status.getDescription()).build());
        }

        @Override
        public void onCompleted() {
            // One answer per request: nothing to end.
        }
    }
}
