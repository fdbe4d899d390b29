package io.graphagent.agent.job;

import io.graphagent.agent.dataplane.BatchFeed;
import io.graphagent.agent.dataplane.PeerSender;
import io.graphagent.graph.pregel.Delivery;
import io.graphagent.net.time.Ticker;
import io.graphagent.protocol.v1.MessageBatch;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * One superstep's broadcasts sent to every peer before the coordinator's {@code Exchange}
 * (protocol EARLY_BROADCASTS): they travel and are filed while the coordinator waits at the
 * barrier and the peers still compute, and the exchange then only closes the streams.
 *
 * <p>They go once this agent's own broadcasts make the exchange pull for certain on this
 * agent's share ({@link Delivery#pullCertain} against its own edge slots; should the
 * coordinator push after all, the exchange pushes the messages as well). Partitions are
 * offered as they are computed ({@link #computed}, from the compute threads while the others
 * still compute), or all at once after compute: from the offer
 * that makes the pull certain on, each offered partition's batches are written at once, so
 * the first partitions' broadcasts cross the network while the last ones are computed instead
 * of after all of them. Before that, offered partitions wait here. Once compute returned, and
 * when the pull is certain against the whole graph, {@link #close} sends the superstep's outbox
 * messages behind them and half-closes the streams, so the peers' acks come back during the
 * barrier.
 *
 * <p>Thread-safe: offers, cancelling and reading the result are serialised on this object,
 * which also orders the gRPC stream writes of the feed (one writer at a time).
 */
final class EarlyBroadcasts {
    private final int superstep;
    private final List<PeerSender> peers;
    private final long edgeSlots;
    private final long deadlineNanos;
    private final Ticker ticker;
    private final BooleanSupplier stop;
    /** The streams (one per peer) carrying the given owned partitions' broadcasts. */
    private final Function<int[], List<BatchStream>> streamsOf;

    private long broadcastEdges;
    /** Partitions offered before the pull was certain, not yet sent. */
    private final List<Integer> waiting = new ArrayList<>();
    private final List<BatchStream> streams = new ArrayList<>();
    private BatchFeed<MessageBatch> feed;
    private BatchFeed.FeedFailedException failure;
    private boolean cancelled;

    /**
     * @param edgeSlots edges a broadcast of this agent's owned vertices can follow
     * @param deadlineNanos reading of {@code ticker} by which the peers must have acknowledged
     * @param stop true ends a wait for the transport at once (a rollback superseded the job)
     */
    EarlyBroadcasts(int superstep, List<PeerSender> peers, long edgeSlots, long deadlineNanos, Ticker ticker,
                    BooleanSupplier stop, Function<int[], List<BatchStream>> streamsOf) {
        this.superstep = superstep;
        this.peers = peers;
        this.edgeSlots = edgeSlots;
        this.deadlineNanos = deadlineNanos;
        this.ticker = ticker;
        this.stop = stop;
        this.streamsOf = streamsOf;
    }

    int superstep() {
        return superstep;
    }

    /**
     * Owned partition {@code partition} is computed and its broadcasts followed
     * {@code partitionBroadcastEdges} edges; sends it (with those waiting) once the pull is certain.
     */
    synchronized void computed(int partition, long partitionBroadcastEdges) {
        if (cancelled || failure != null) {
            return;
        }
        broadcastEdges += partitionBroadcastEdges;
        waiting.add(partition);
        sendWaitingIfCertain();
    }

    /** Every owned partition is computed, their broadcasts following {@code broadcastEdges} edges in all. */
    synchronized void computedAll(int[] owned, long broadcastEdges) {
        if (cancelled || failure != null) {
            return;
        }
        this.broadcastEdges = broadcastEdges;
        waiting.clear();
        for (int p : owned) {
            waiting.add(p);
        }
        sendWaitingIfCertain();
    }

    private void sendWaitingIfCertain() {
        if (!Delivery.pullCertain(broadcastEdges, edgeSlots)) {
            return;
        }
        int[] now = waiting.stream().mapToInt(Integer::intValue).toArray();
        waiting.clear();
        if (feed == null) {
            feed = BatchFeed.messages(peers, ticker);
        }
        List<BatchStream> batches = streamsOf.apply(now);
        streams.addAll(batches);
        try {
            feed.send(batches, deadlineNanos, stop);
        } catch (BatchFeed.FeedFailedException e) {
            failure = e;
        }
    }

    /**
     * After compute, once the broadcasts went: sends {@code rest} (one stream per peer: this
     * superstep's outbox messages, final once compute returned) behind them and half-closes the
     * streams, so the peers' acks come back during the coordinator's barrier and the exchange only
     * reads them. Nothing when the broadcasts did not go, or were cancelled; a failure is kept for
     * the exchange to report.
     */
    synchronized void close(List<BatchStream> rest) {
        if (feed == null || cancelled || failure != null || feed.closed()) {
            return;
        }
        streams.addAll(rest);
        try {
            feed.send(rest, deadlineNanos, stop);
            feed.close();
        } catch (BatchFeed.FeedFailedException e) {
            failure = e;
        }
    }

    /** Whether {@link #close} sent everything and half-closed the streams: the exchange sends nothing more. */
    synchronized boolean closed() {
        return feed != null && feed.closed() && !cancelled;
    }

    /** Whether the broadcasts went (or are going): the exchange then closes this feed instead of sending them. */
    synchronized boolean sent() {
        return feed != null && !cancelled;
    }

    /** The feed carrying them; only when {@link #sent}. */
    synchronized BatchFeed<MessageBatch> feed() {
        return feed;
    }

    /** The streams written so far, one per peer and offer. */
    synchronized List<BatchStream> streams() {
        return List.copyOf(streams);
    }

    /** Why a peer's stream failed while sending, or null. */
    synchronized BatchFeed.FeedFailedException failure() {
        return failure;
    }

    /** Cancels the streams: no exchange will close them (the job is released or rolled back, or compute failed). */
    synchronized void cancel(String why) {
        cancelled = true;
        waiting.clear();
        if (feed != null) {
            feed.cancel(why);
        }
    }
}
