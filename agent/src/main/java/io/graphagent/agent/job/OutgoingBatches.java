package io.graphagent.agent.job;

import io.graphagent.agent.dataplane.BatchFeed;
import io.graphagent.agent.dataplane.PeerSender;
import io.graphagent.graph.pregel.Delivery;
import io.graphagent.graph.pregel.PartitionRunner;
import io.graphagent.graph.pregel.SuperstepStats;
import io.graphagent.net.time.Ticker;
import io.graphagent.protocol.v1.BatchKind;
import io.graphagent.protocol.v1.Exchange;
import io.graphagent.protocol.v1.MessageBatch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The sending half of one job's exchanges: which streams of messages and broadcasts go to each
 * peer in an exchange, the broadcasts packed partition by partition during compute, and those
 * sent early (before the exchange that needs them, {@link EarlyBroadcasts}). What one exchange
 * asked for (early broadcasts allowed, compact broadcasts pulled, in the mirrored form) shapes the
 * next compute. The mirrored form sends each peer only the members it mirrors
 * ({@link PeerMirrors}: asked of the peers as the first superstep starts, {@link #learnMirrors},
 * and waited for at the first pulling exchange that asks for it).
 *
 * <p>Thread-safety: the agent-job thread only, except {@link #prepared}, which compute threads
 * fill during {@link #compute} (read after it returns), and {@link #stopMirrorFetch}.
 */
final class OutgoingBatches {
    private final String jobId;
    private final String agentId;
    private final long epoch;
    private final PartitionRunner runner;
    private final int[] owned;
    private final Map<String, int[]> peerPartitions;
    private final Map<String, PeerSender> peers;
    private final Duration exchangeTimeout;
    private final Ticker ticker;
    private final SuperstepTimings timings;
    /** True once a rollback supersedes the job: sending stops. */
    private final BooleanSupplier superseded;

    /** The last exchange allowed early broadcasts for the superstep after it (Exchange.early_broadcasts). */
    private boolean earlyAllowed;
    private SuperstepStats lastStats;
    /** The whole graph's edge slots, as the last start told them (0: not told). */
    private long graphEdgeSlots;
    private int lastComputed = -1;
    /** A superstep's broadcasts sent (or offered to be sent) before its exchange; null when none. */
    private EarlyBroadcasts early;

    /**
     * Each owned partition's broadcasts of superstep {@link #preparedSuperstep} in compact
     * batches, by peer (in the order of {@link #peerIds}) then partition, packed by the compute
     * thread right after computing the partition (when the last exchange pulled compact
     * broadcasts, so this one likely does too); null when not packed. In the mirrored form
     * ({@link #preparedMirrored}) each peer has its own, else every peer shares one list.
     * Written by compute threads, read after compute returns.
     */
    private final List<MessageBatch>[][] prepared;
    private int preparedSuperstep = -1;
    private boolean preparedMirrored;
    /** The peers' ids, in the order of {@link #peers}. */
    private final String[] peerIds;
    /** The last exchange pulled broadcasts in the compact form. */
    private boolean lastPullCompact;
    /** The last exchange asked for the mirrored form and the peers' mirror lists are known. */
    private boolean lastMirrored;
    /** Which members each peer mirrors; taken from {@link #mirrorFetch} at the first pulling exchange that asks for the mirrored form. */
    private PeerMirrors mirrors;
    /** The peers' mirror lists being asked, from the first compute on; null before it. Volatile: a rollback cancels it. */
    private volatile MirrorFetch mirrorFetch;

    /** One exchange's sending: the feed to the peers, its streams, and those that went early. */
    record Sending(BatchFeed<MessageBatch> feed, List<BatchStream> streams, List<BatchStream> sentEarly,
                   BooleanSupplier superseded) {
        /**
         * Sends every stream and waits for the peers' acks, until {@code deadline} on the ticker
         * (only the acks when everything went and the streams were closed right after compute).
         */
        void run(long deadline) throws ExchangeFailedException {
            try {
                if (!streams.isEmpty()) {
                    feed.send(streams, deadline, superseded);
                }
                feed.finish(deadline, superseded);
            } catch (BatchFeed.FeedFailedException e) {
                throw new ExchangeFailedException(e.peer(), e.getCause());
            }
        }

        /** Bytes sent to the peers in this exchange, early broadcasts included. */
        long bytes() {
            long bytesSent = 0;
            for (BatchStream s : streams) {
                bytesSent += s.bytes();
            }
            for (BatchStream s : sentEarly) {
                bytesSent += s.bytes();
            }
            return bytesSent;
        }
    }

    OutgoingBatches(String jobId, String agentId, long epoch, PartitionRunner runner, int[] owned,
                    Map<String, int[]> peerPartitions, Map<String, PeerSender> peers, Duration exchangeTimeout,
                    Ticker ticker, SuperstepTimings timings, BooleanSupplier superseded) {
        this.jobId = jobId;
        this.agentId = agentId;
        this.epoch = epoch;
        this.runner = runner;
        this.owned = owned;
        this.peerPartitions = peerPartitions;
        this.peers = peers;
        this.exchangeTimeout = exchangeTimeout;
        this.ticker = ticker;
        this.timings = timings;
        this.superseded = superseded;
        this.peerIds = peers.keySet().toArray(new String[0]);
        @SuppressWarnings("unchecked")
        List<MessageBatch>[][] perPeer = new List[peerIds.length][runner.partitioning().count()];
        this.prepared = perPeer;
    }

    /**
     * Computes {@code superstep} on the runner. When the last exchange pulled compact broadcasts,
     * each partition's are packed as soon as it is computed and, when early broadcasts are
     * allowed, offered to the peers at once.
     */
    SuperstepStats compute(int superstep, double[] aggregated, long graphEdgeSlots) {
        this.graphEdgeSlots = graphEdgeSlots;
        dropPrepared();
        preparedMirrored = lastMirrored;
        closeEarly("replaced by superstep " + superstep);
        SuperstepStats stats;
        if (lastPullCompact && !peers.isEmpty()) {
            MessageBatch header = header(superstep);
            // Packed batches are read only for partitions already computed (offered to early below).
            preparedSuperstep = superstep;
            EarlyBroadcasts streaming = earlyAllowed ? earlyBroadcasts(superstep) : null;
            early = streaming;
            try {
                stats = runner.compute(superstep, aggregated, p -> {
                    pack(header, p);
                    if (streaming != null) {
                        streaming.computed(p, runner.broadcastEdges(p));
                    }
                });
            } catch (RuntimeException | Error e) {
                closeEarly("compute of superstep " + superstep + " failed");
                throw e;
            }
            if (streaming != null && streaming.sent()) {
                timings.early("compute");
            }
        } else {
            stats = runner.compute(superstep, aggregated);
        }
        lastStats = stats;
        lastComputed = superstep;
        return stats;
    }

    /**
     * Right after compute (and its report): when the last exchange allowed it and this
     * agent's own broadcasts make the next exchange pull ({@link io.graphagent.graph.pregel.Delivery#pullCertain}),
     * every owned partition's broadcasts go to the peers now, so that they travel and are filed
     * during the coordinator's barrier and the peers' compute. When the last exchange pulled
     * compact broadcasts they already went during compute, partition by partition
     * ({@link EarlyBroadcasts}). When they make the pull certain against the whole graph's edge
     * slots too (the start tells them), the rest (outbox messages, final then) follows at once and
     * the streams are half-closed, so the peers' acks come back during the barrier and the exchange
     * only reads them (one round trip less per superstep on the exchange's path).
     * A failure is kept for the exchange to report.
     */
    void sendBroadcastsEarly() {
        if (!earlyAllowed || peers.isEmpty() || lastStats == null) {
            return;
        }
        if (early == null || early.superstep() != lastComputed) {
            closeEarly("replaced by superstep " + lastComputed);
            early = earlyBroadcasts(lastComputed);
            early.computedAll(owned, lastStats.broadcastEdges());
            if (early.sent()) {
                timings.early("after_compute");
            }
        }
        if (early.sent() && graphEdgeSlots > 0 && Delivery.pullCertain(lastStats.broadcastEdges(), graphEdgeSlots)) {
            // Certain against the whole graph (early broadcasts go on this agent's share alone):
            // this exchange pulls, so nothing turns broadcasts into messages and the outbox is
            // final. The rest goes now, and the streams close.
            early.close(streams(header(lastComputed), owned, true, false, false, false, false));
        }
    }

    /** Cancels early broadcasts that no exchange will close (the job is released or rolled back). */
    void closeEarly(String why) {
        EarlyBroadcasts dropped = early;
        early = null;
        if (dropped != null) {
            dropped.cancel(why);
        }
    }

    /**
     * Opens the sending of {@code exchange}: the feed its early broadcasts already use (throwing
     * their failure), or a new one; the streams of what is still to go. Broadcasts sent early need
     * not go again: {@link io.graphagent.graph.pregel.Delivery#pullCertain} held, so this exchange pulls.
     */
    Sending open(Exchange exchange) throws ExchangeFailedException {
        int superstep = exchange.getSuperstep();
        boolean mirroredAsked = exchange.getMirroredBroadcasts() && exchange.getCompactBroadcasts();
        if (mirroredAsked && exchange.getPull() && mirrors == null && !peers.isEmpty()) {
            learnMirrors();
            long t0 = ticker.nanos();
            mirrors = mirrorFetch.await(t0 + exchangeTimeout.toNanos(), superseded);
            timings.took(SuperstepTimings.Phase.MIRRORS, ticker.nanos() - t0);
            timings.mirrorsLearnt(jobId, epoch, peers.size(), mirrorFetch.tookNanos());
        }
        boolean mirrored = mirroredAsked && mirrors != null;
        boolean earlyHere = early != null && early.superstep() == superstep && early.sent();
        boolean closedEarly = false;
        BatchFeed<MessageBatch> feed;
        List<BatchStream> sentEarly = List.of();
        if (earlyHere) {
            feed = early.feed();
            sentEarly = early.streams();
            closedEarly = early.closed();
            BatchFeed.FeedFailedException failure = early.failure();
            early = null;
            if (failure != null) {
                throw new ExchangeFailedException(failure.peer(), failure.getCause());
            }
        } else {
            closeEarly("no exchange of superstep " + (early == null ? -1 : early.superstep()));
            feed = BatchFeed.messages(new ArrayList<>(peers.values()), ticker);
        }
        earlyAllowed = exchange.getEarlyBroadcasts() && exchange.getCompactBroadcasts();
        lastPullCompact = exchange.getPull() && exchange.getCompactBroadcasts();
        lastMirrored = mirrored;
        List<BatchStream> streams = closedEarly ? List.of() : streams(header(superstep), owned, true,
                exchange.getPull() && !earlyHere, exchange.getCompactBroadcasts(), mirrored, !earlyHere);
        return new Sending(feed, streams, sentEarly, superseded);
    }

    /**
     * Starts asking the peers for their mirror lists ({@link MirrorFetch}) unless already asked,
     * so that the first mirrored pull finds them in: called as a superstep starts, when every
     * peer holds the job at this epoch. Exchanges that never ask for the mirrored form (a
     * cluster with an agent below protocol 4) leave the answer, or the failure, unread.
     */
    void learnMirrors() {
        if (mirrorFetch == null && !peers.isEmpty()) {
            startMirrorFetch();
        }
    }

    private void startMirrorFetch() {
        MirrorFetch started = MirrorFetch.start(jobId, epoch, runner.partitioning(), owned, peers, exchangeTimeout, ticker);
        mirrorFetch = started;
        // A rollback that read the field before it was set did not cancel this one.
        if (superseded.getAsBoolean()) {
            started.cancel("superseded by a rollback");
        }
    }

    /** From any thread: ends the mirror lists' calls in flight (the job is released, replaced or rolled back). */
    void stopMirrorFetch(String why) {
        MirrorFetch running = mirrorFetch;
        if (running != null) {
            running.cancel(why);
        }
    }

    /** The exchange is delivered: the broadcasts packed for it are dropped. */
    void exchanged() {
        dropPrepared();
    }

    private void dropPrepared() {
        for (List<MessageBatch>[] row : prepared) {
            java.util.Arrays.fill(row, null);
        }
        preparedSuperstep = -1;
    }

    /** Packs owned partition {@code p}'s broadcasts for every peer, in the form of {@link #preparedMirrored}. */
    private void pack(MessageBatch header, int p) {
        if (preparedMirrored) {
            for (int i = 0; i < peerIds.length; i++) {
                prepared[i][p] = BatchStream.mirroredBroadcasts(header, runner, p, mirrors.of(peerIds[i])[p]);
            }
            return;
        }
        List<MessageBatch> shared = BatchStream.compactBroadcasts(header, runner, p);
        for (List<MessageBatch>[] row : prepared) {
            row[p] = shared;
        }
    }

    private EarlyBroadcasts earlyBroadcasts(int superstep) {
        MessageBatch header = header(superstep);
        boolean mirrored = lastMirrored;
        return new EarlyBroadcasts(superstep, new ArrayList<>(peers.values()), runner.edgeSlots(),
                ticker.nanos() + exchangeTimeout.toNanos(), ticker, superseded,
                partitions -> streams(header, partitions, false, true, true, mirrored, true));
    }

    private MessageBatch header(int superstep) {
        return MessageBatch.newBuilder().setJobId(jobId).setSuperstep(superstep).setJobEpoch(epoch)
                .setSenderAgent(agentId).setKind(BatchKind.MESSAGES).build();
    }

    /** One stream per peer (in the order of {@link #peers}) of partitions {@code from}'s messages and/or broadcasts. */
    private List<BatchStream> streams(MessageBatch header, int[] from, boolean messages, boolean broadcasts,
                                      boolean compact, boolean mirrored, boolean opensStream) {
        int superstep = header.getSuperstep();
        boolean usePrepared = preparedSuperstep == superstep && preparedMirrored == mirrored;
        List<BatchStream> streams = new ArrayList<>(peers.size());
        for (int i = 0; i < peerIds.length; i++) {
            String peer = peerIds[i];
            List<MessageBatch>[] row = prepared[i];
            java.util.function.IntFunction<List<MessageBatch>> packed = p -> usePrepared ? row[p] : null;
            streams.add(new BatchStream(header, runner, from, peerPartitions.get(peer), messages, broadcasts, compact,
                    opensStream, packed, compact && mirrored ? mirrors.of(peer) : null, timings::exported, ticker));
        }
        return streams;
    }
}
