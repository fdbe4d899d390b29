package io.graphagent.agent.dataplane;

import io.graphagent.net.time.Ticker;
import io.graphagent.protocol.v1.BatchAck;
import io.graphagent.protocol.v1.EdgeBatch;
import io.graphagent.protocol.v1.MessageBatch;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * One superstep's streams of batches to every peer, fed from the calling thread: {@link #send}
 * (any number of times), then {@link #finish}, which waits for the peers' acks. Batches are produced and serialised here, one at a time, round robin over the
 * peers whose stream is ready, while the network threads flush, encrypt and send what is
 * already written: a peer starts filing the first batch while later ones are still being
 * produced. (Produced on a network thread instead, every batch of a superstep was written
 * before the first flush.) A peer whose stream is not ready (HTTP/2 flow control) gets no
 * batch until it is, so a slow peer holds its sender back instead of filling its memory.
 *
 * <p>Not thread-safe: one feed per superstep, used from one thread.
 */
public final class BatchFeed<T> {
    /** How often a wait for the transport or an ack looks whether it should stop. */
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    /** Counts wake-ups from the network threads; guarded by itself. */
    private final long[] wakeups = new long[1];

    /** A peer's stream failed, or the feed was stopped or ran past its deadline. */
    public static final class FeedFailedException extends Exception {
        private final String peer;

        FeedFailedException(String peer, Throwable cause) {
            super(cause.getMessage(), cause);
            this.peer = peer;
        }

        /** The peer that failed or was being waited for. */
        public String peer() {
            return peer;
        }
    }

    private final List<PeerSender.Call<T>> calls;
    private final Ticker ticker;
    /** The streams are half-closed. */
    private boolean closed;

    private BatchFeed(List<PeerSender> peers, Ticker ticker,
                      java.util.function.BiFunction<PeerSender, Runnable, PeerSender.Call<T>> open) {
        this.ticker = ticker;
        calls = new ArrayList<>(peers.size());
        for (PeerSender peer : peers) {
            calls.add(open.apply(peer, this::wake));
        }
    }

    /**
     * Opens one stream of message batches to each of {@code peers} (a superstep's exchange).
     *
     * @param ticker the time source the deadlines given to {@link #send} and {@link #finish} are read on
     */
    public static BatchFeed<MessageBatch> messages(List<PeerSender> peers, Ticker ticker) {
        return new BatchFeed<>(peers, ticker, PeerSender::open);
    }

    /** Opens one stream of edges to each of {@code peers} (a load's shuffle); deadlines on {@code ticker}. */
    public static BatchFeed<EdgeBatch> edges(List<PeerSender> peers, Ticker ticker) {
        return new BatchFeed<>(peers, ticker, PeerSender::openEdges);
    }

    /**
     * Writes every batch of {@code streams.get(i)} to peer {@code i}, waiting while a stream is
     * not ready; the streams stay open for more. On failure every stream is cancelled.
     *
     * @param deadlineNanos reading of the feed's ticker by which every peer must have acknowledged
     * @param stop checked while waiting: true ends the feed at once (a rollback superseded it)
     */
    public void send(List<? extends Iterator<T>> streams, long deadlineNanos, BooleanSupplier stop)
            throws FeedFailedException {
        int n = calls.size();
        try {
            boolean[] finished = new boolean[n];
            int open = n;
            while (open > 0) {
                long seen = wakeups();
                boolean progressed = false;
                String waitingFor = null;
                for (int i = 0; i < n; i++) {
                    if (finished[i]) {
                        continue;
                    }
                    PeerSender.Call<T> call = calls.get(i);
                    if (call.ack().isDone()) {
                        ackOf(call); // throws the stream's failure
                        throw new FeedFailedException(call.peer(),
                                new IllegalStateException("peer " + call.peer() + " acknowledged before the last batch"));
                    }
                    Iterator<T> stream = streams.get(i);
                    if (!stream.hasNext()) {
                        finished[i] = true;
                        open--;
                    } else if (call.isReady()) {
                        call.send(stream.next());
                        progressed = true;
                    } else if (waitingFor == null) {
                        waitingFor = call.peer();
                    }
                }
                if (!progressed && open > 0) {
                    awaitWake(seen, waitingFor, deadlineNanos, stop);
                }
            }
        } catch (FeedFailedException | RuntimeException | Error e) {
            cancel("exchange failed: " + e.getMessage());
            throw e;
        }
    }

    /**
     * Half-closes every stream (each must have carried at least one batch), once: the peers then
     * acknowledge, and {@link #finish} only waits for their acks.
     */
    public void close() {
        if (!closed) {
            closed = true;
            for (PeerSender.Call<T> call : calls) {
                call.finish();
            }
        }
    }

    /** Whether {@link #close} (or {@link #finish}) half-closed the streams. */
    public boolean closed() {
        return closed;
    }

    /**
     * Half-closes every stream unless {@link #close} did, and returns the peers' acks in the
     * order of the peers. On failure every stream is cancelled.
     */
    public List<BatchAck> finish(long deadlineNanos, BooleanSupplier stop) throws FeedFailedException {
        try {
            close();
            List<BatchAck> acks = new ArrayList<>(calls.size());
            for (PeerSender.Call<T> call : calls) {
                acks.add(awaitAck(call, deadlineNanos, stop));
            }
            return acks;
        } catch (FeedFailedException | RuntimeException | Error e) {
            cancel("exchange failed: " + e.getMessage());
            throw e;
        }
    }

    /** Cancels every stream not yet acknowledged (the peer drops what it got of it). */
    public void cancel(String why) {
        for (PeerSender.Call<T> call : calls) {
            if (!call.ack().isDone()) {
                call.cancel(why);
            }
        }
    }

    private BatchAck awaitAck(PeerSender.Call<T> call, long deadlineNanos, BooleanSupplier stop) throws FeedFailedException {
        while (true) {
            long seen = wakeups();
            if (call.ack().isDone()) {
                return ackOf(call);
            }
            awaitWake(seen, call.peer(), deadlineNanos, stop);
        }
    }

    /** The ack of a completed call, or throws its failure. */
    private static BatchAck ackOf(PeerSender.Call<?> call) throws FeedFailedException {
        CompletableFuture<BatchAck> ack = call.ack();
        try {
            return ack.get();
        } catch (ExecutionException e) {
            throw new FeedFailedException(call.peer(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FeedFailedException(call.peer(), e);
        }
    }

    private void wake() {
        synchronized (wakeups) {
            wakeups[0]++;
            wakeups.notifyAll();
        }
    }

    private long wakeups() {
        synchronized (wakeups) {
            return wakeups[0];
        }
    }

    /** Waits until a network thread wakes the feed after {@code seen}, at most POLL_NANOS. */
    private void awaitWake(long seen, String peer, long deadlineNanos, BooleanSupplier stop) throws FeedFailedException {
        if (stop.getAsBoolean()) {
            throw new FeedFailedException(peer, new IllegalStateException("superseded by a rollback"));
        }
        long left = deadlineNanos - ticker.nanos();
        if (left <= 0) {
            throw new FeedFailedException(peer, new TimeoutException("no ack from " + peer + " before the exchange deadline"));
        }
        synchronized (wakeups) {
            if (wakeups[0] != seen) {
                return;
            }
            try {
                TimeUnit.NANOSECONDS.timedWait(wakeups, Math.min(left, POLL_NANOS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new FeedFailedException(peer, e);
            }
        }
    }
}
