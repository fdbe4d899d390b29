package io.graphagent.coordinator.query;

import com.google.common.util.concurrent.AbstractFuture;
import io.graphagent.protocol.v1.ExpandRequest;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Metadata;
import io.grpc.Status;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The gateway's hop stream to one agent ({@code Shard.ExpandStream}): every hop request to the
 * agent goes out on it with an id of its own and its answer is matched back by that id, so a
 * request costs no HTTP/2 stream, headers, call objects or deadline timer of its own.
 *
 * <p>Each request keeps its deadline: the query's thread waits for its answer at most until
 * then ({@link Pending#await}), and a request whose deadline passes fails DEADLINE_EXCEEDED
 * alone, the stream going on (its timeout also travels with it, so the agent skips it if it
 * comes to it too late). When the stream ends (the connection broke, the agent went away, the
 * gateway dropped the channel) every request in flight on it fails with the stream's status,
 * the same status and cause a unary call on that connection would have failed with, so
 * {@link ReplicaFailure} names it alike and {@link ShardCalls} retries it on another replica;
 * the next request opens a new stream ({@link ShardChannels#hops}). Flow control: gRPC's HTTP/2
 * windows apply both ways, the answers being read one at a time as they are taken; a stream
 * carries at most {@link #MAX_IN_FLIGHT} requests, so that what gRPC buffers for an agent that
 * stopped reading stays bounded: one more fails at once as busy. Thread-safe.
 */
final class ExpandStream {
    /**
     * Requests in flight on one stream at most. The gateway's admission bounds its queries far
     * below this (each has at most one request per agent in flight); the bound only matters for
     * an agent that stopped reading, whose requests then wait in the gateway's memory.
     */
    static final int MAX_IN_FLIGHT = 4096;

    private final String address;
    private final ReplyPool replies;
    private final ClientCall<ExpandRequest, ReplyPool.Bytes> call;
    private final Runnable unavailable;
    private final ConcurrentHashMap<Long, Pending> pending = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    /** Null while the stream is open; then the status it ended with. */
    private volatile Status ended;

    private ExpandStream(String address, ReplyPool replies, ClientCall<ExpandRequest, ReplyPool.Bytes> call,
                         Runnable unavailable) {
        this.address = address;
        this.replies = replies;
        this.call = call;
        this.unavailable = unavailable;
    }

    /**
     * A new stream to the agent at {@code address} over {@code channel}, its answers read into
     * {@code replies}' arrays; {@code unavailable} runs if it ends UNAVAILABLE (the connection
     * failed: the channel is to be dialled afresh), after its requests failed. The stream is
     * opened in gRPC's root context, not the caller's: the query that happens to open it may
     * have come in over the gateway's own gRPC API, whose call's context gRPC cancels as that
     * call ends, and a call started in a context ends with it (the stream would have ended
     * CANCELLED with the first query, failing every other query's requests in flight on it).
     */
    static ExpandStream open(Channel channel, String address, ReplyPool replies, Runnable unavailable) {
        Context caller = Context.ROOT.attach();
        try {
            ExpandStream s = new ExpandStream(address, replies, channel.newCall(replies.expandStream, CallOptions.DEFAULT),
                    unavailable);
            s.call.start(s.new Answers(), new Metadata());
            s.call.request(1);
            return s;
        } finally {
            Context.ROOT.detach(caller);
        }
    }

    /** Whether requests may still go out on it. */
    boolean open() {
        return ended == null;
    }

    /**
     * Sends {@code request} (its id and timeout set here), to be answered by {@code deadline};
     * {@code load} counts it in flight until it is done.
     */
    Pending send(ExpandRequest.Builder request, Deadline deadline, AgentLoad load) {
        long id = ids.incrementAndGet();
        Pending p = new Pending(this, id, deadline, load);
        if (pending.size() >= MAX_IN_FLIGHT) {
            p.fail(Status.RESOURCE_EXHAUSTED.withDescription("busy: the gateway has " + MAX_IN_FLIGHT
                    + " requests in flight on its stream to the agent at " + address + ", retry after 10 ms").asRuntimeException());
            return p;
        }
        ExpandRequest built = request.setId(id)
                .setTimeoutMicros(Math.max(1, deadline.timeRemaining(TimeUnit.MICROSECONDS))).build();
        pending.put(id, p);
        try {
            synchronized (this) {
                if (ended == null) {
                    call.sendMessage(built);
                }
            }
        } catch (RuntimeException e) {
            fail(id, Status.UNAVAILABLE.withDescription("cannot send on the stream to the agent at " + address + ": " + e)
                    .withCause(e));
        }
        Status end = ended;
        if (end != null) {
            // Ended before or while this was sent; its end failed those it found in flight.
            fail(id, end);
        }
        return p;
    }

    private void fail(long id, Status status) {
        Pending p = pending.remove(id);
        if (p != null) {
            p.fail(status.asRuntimeException());
        }
    }

    /** Ends the stream (the gateway dropped its channel): requests still in flight fail CANCELLED. */
    void close() {
        synchronized (this) {
            call.cancel("the gateway dropped its channel to the agent at " + address, null);
        }
    }

    /** The stream's events, on the channel's network thread. */
    private final class Answers extends ClientCall.Listener<ReplyPool.Bytes> {
        @Override
        public void onMessage(ReplyPool.Bytes raw) {
            Pending p = pending.remove(ReplyPool.idOf(raw));
            if (p == null || !p.answer(raw)) {
                // Its request passed its deadline: nobody reads this answer.
                if (raw.pooled()) {
                    replies.giveBack(raw.bytes());
                }
            }
            // The next answer, once this one is taken; the call's methods one thread at a time, as gRPC asks.
            synchronized (ExpandStream.this) {
                call.request(1);
            }
        }

        @Override
        public void onClose(Status status, Metadata trailers) {
            Status end = status.isOk() ? Status.UNAVAILABLE.withDescription("the agent at " + address + " ended its hop stream")
                    : status;
            ended = end;
            for (Long id : pending.keySet()) {
                fail(id, end);
            }
            if (end.getCode() == Status.Code.UNAVAILABLE) {
                unavailable.run();
            }
        }
    }

    /** One request's answer to come: its raw reply, or why there is none. */
    static final class Pending extends AbstractFuture<ReplyPool.Bytes> {
        private final ExpandStream stream;
        private final long id;
        private final Deadline deadline;
        private final AgentLoad load;

        private Pending(ExpandStream stream, long id, Deadline deadline, AgentLoad load) {
            this.stream = stream;
            this.id = id;
            this.deadline = deadline;
            this.load = load;
        }

        /** A request that failed before it could go out. */
        static Pending failed(Throwable cause, AgentLoad load) {
            Pending p = new Pending(null, 0, null, load);
            p.setException(cause);
            return p;
        }

        /**
         * The answer, waited for until the request's deadline at most; past it, the request fails
         * DEADLINE_EXCEEDED (the stream goes on). Failures come as {@link ExecutionException}.
         */
        ReplyPool.Bytes await() throws ExecutionException, InterruptedException {
            if (deadline == null) {
                return get();
            }
            try {
                return get(deadline.timeRemaining(TimeUnit.NANOSECONDS), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                stream.pending.remove(id, this);
                setException(Status.DEADLINE_EXCEEDED.withDescription("the agent at " + stream.address
                        + " did not answer within the request's deadline").asRuntimeException());
                return get();
            }
        }

        /** Takes the answer; false when the request failed first. */
        boolean answer(ReplyPool.Bytes raw) {
            return set(raw);
        }

        void fail(Throwable cause) {
            setException(cause);
        }

        /** The query stops waiting (its thread was interrupted): the answer, if it comes, is dropped. */
        void abandon() {
            if (stream != null) {
                stream.pending.remove(id, this);
            }
            cancel(false);
        }

        @Override
        protected void afterDone() {
            load.answered();
        }
    }
}
