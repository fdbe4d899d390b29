package io.graphagent.agent.job;

import io.graphagent.graph.pregel.PartitionRunner;
import io.graphagent.net.time.Ticker;
import io.graphagent.protocol.PackedArrays;
import io.graphagent.protocol.v1.BatchKind;
import io.graphagent.protocol.v1.BatchRefusal;
import io.graphagent.protocol.v1.MessageBatch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The receiving half of one job's exchanges, and its barrier: files the peers' batches into the
 * runner as the data-plane threads bring them, counts them, and lets the job thread wait until
 * every peer has said it is done with a superstep (or the deadline passes, or a rollback
 * supersedes the exchange).
 *
 * <p>Thread-safety: {@link #accept} and {@link #senderDone} run on data-plane threads, the rest on
 * the job thread; everything mutable is guarded by {@link #sendersDone}.
 */
final class InboundBatches {
    /** Longest wait for the peers' batches before the ticker is read again. */
    private static final long WAIT_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    /** What the peers sent in one superstep: messages (or broadcast values) and their bytes. */
    record Received(long messages, long bytes) {
    }

    private final BatchCheck check;
    private final PartitionRunner runner;
    /** The peers' agent ids: each must say it is done before an exchange ends. */
    private final Set<String> peers;
    private final Duration exchangeTimeout;
    private final Ticker ticker;
    private final SuperstepTimings timings;

    /** Senders done per superstep; guarded by itself. */
    private final Map<Integer, Set<String>> sendersDone = new HashMap<>();
    private long received;
    private long bytesReceived;

    /** Set when a newer command supersedes a running exchange (a rollback); guarded by sendersDone. */
    private boolean superseded;

    /**
     * The superstep whose batches are filed now: the one this agent computes or computed last and
     * has not yet exchanged ({@link Integer#MAX_VALUE} before its first compute). Batches of a
     * later superstep (a peer's early broadcasts, sent once that peer's exchange of this one
     * ended) wait in {@link #parked} until this agent's exchange of it ended: filed at once they
     * would land in the broadcasts this agent has yet to deliver. Such a batch can come before
     * this agent's own exchange even began, since every agent closes its streams of a superstep
     * right after computing it. Holds at most one superstep of each peer's broadcasts (a peer
     * cannot compute further before this agent's next report). While the parked batches are
     * filed ({@link #draining}), later ones of theirs queue behind them, in order. Guarded by
     * sendersDone.
     */
    private int filing = Integer.MAX_VALUE;
    private boolean draining;
    private final List<MessageBatch> parked = new ArrayList<>();

    /** @param peers the peers' agent ids; {@code exchangeTimeout} only names the wait in a failure */
    InboundBatches(BatchCheck check, PartitionRunner runner, Set<String> peers, Duration exchangeTimeout, Ticker ticker,
                   SuperstepTimings timings) {
        this.check = check;
        this.runner = runner;
        this.peers = peers;
        this.exchangeTimeout = exchangeTimeout;
        this.ticker = ticker;
        this.timings = timings;
    }

    /** Ends a running exchange at once: a rollback replaces this job's state. */
    void supersede() {
        synchronized (sendersDone) {
            superseded = true;
            sendersDone.notifyAll();
        }
    }

    boolean isSuperseded() {
        synchronized (sendersDone) {
            return superseded;
        }
    }

    /**
     * This agent computes {@code superstep} (or begins its exchange): batches of a later
     * superstep are parked until its exchange ends.
     */
    void filing(int superstep) {
        synchronized (sendersDone) {
            filing = superstep;
        }
    }

    /** Waits until every peer is done with {@code superstep}; throws at the deadline or when superseded. */
    void awaitSenders(int superstep, long deadline) throws ExchangeFailedException {
        synchronized (sendersDone) {
            while (sendersDone.getOrDefault(superstep, Set.of()).size() < peers.size()) {
                if (superseded) {
                    throw new ExchangeFailedException("(none)", new IllegalStateException("superseded by a rollback"));
                }
                long left = deadline - ticker.nanos();
                if (left <= 0) {
                    Set<String> missing = new HashSet<>(peers);
                    missing.removeAll(sendersDone.getOrDefault(superstep, Set.of()));
                    throw new ExchangeFailedException(String.join(",", missing),
                            new TimeoutException("no batches from " + missing + " for superstep " + superstep
                                    + " within " + exchangeTimeout.toSeconds() + " s"));
                }
                try {
                    // In slices, so that the deadline is read on the ticker again (a fake one in tests).
                    TimeUnit.NANOSECONDS.timedWait(sendersDone, Math.min(left, WAIT_SLICE_NANOS));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new ExchangeFailedException("(interrupted)", e);
                }
            }
        }
    }

    /**
     * The exchange of {@code superstep} is delivered: returns what the peers sent in it, then files
     * the batches parked meanwhile (they count towards the next exchange).
     */
    Received exchangeEnded(int superstep) {
        Received now;
        synchronized (sendersDone) {
            now = new Received(received, bytesReceived);
            received = 0;
            bytesReceived = 0;
            sendersDone.remove(superstep);
            filing = superstep + 1;
            draining = !parked.isEmpty();
        }
        fileParked();
        return now;
    }

    /** A peer's batch (a data-plane thread): refused, parked for after the exchange, or filed now. */
    BatchRefusal accept(MessageBatch batch) {
        long t0 = ticker.nanos();
        BatchRefusal refusal = check.check(batch);
        if (refusal != BatchRefusal.BATCH_REFUSAL_NONE) {
            return refusal;
        }
        synchronized (sendersDone) {
            if (batch.getSuperstep() > filing || draining) {
                parked.add(batch);
                return BatchRefusal.BATCH_REFUSAL_NONE;
            }
        }
        file(batch, t0);
        return BatchRefusal.BATCH_REFUSAL_NONE;
    }

    /** A peer sent all its batches of {@code superstep} (a data-plane thread). */
    void senderDone(String sender, int superstep) {
        synchronized (sendersDone) {
            sendersDone.computeIfAbsent(superstep, s -> new HashSet<>()).add(sender);
            sendersDone.notifyAll();
        }
    }

    /** Files the parked batches (of the superstep now filed), then lets later ones be filed as they come. */
    private void fileParked() {
        while (true) {
            List<MessageBatch> batches;
            synchronized (sendersDone) {
                if (parked.isEmpty()) {
                    draining = false;
                    return;
                }
                batches = new ArrayList<>(parked);
                parked.clear();
            }
            for (MessageBatch batch : batches) {
                file(batch, ticker.nanos());
            }
        }
    }

    /** Files a batch that passed {@link BatchCheck}: into the runner, and the counts. */
    private void file(MessageBatch batch, long t0) {
        int count = batch.getCount();
        if (count == 0 && batch.getKind() == BatchKind.MESSAGES) {
            return;
        }
        double[] values = new double[count];
        PackedArrays.unpackDoubles(batch.getValues(), count, values);
        if (batch.getMirrored()) {
            runner.importMirroredBroadcasts(batch.getSourcePartition(), batch.getFirstMember(), batch.getMemberCount(),
                    batch.getMemberBits().toByteArray(), values);
        } else if (batch.getMemberCount() > 0) {
            runner.importBroadcastBits(batch.getSourcePartition(), batch.getFirstMember(), batch.getMemberCount(),
                    batch.getMemberBits().toByteArray(), values);
        } else if (batch.getKind() == BatchKind.BROADCASTS) {
            int[] targets = unpackTargets(batch);
            runner.importBroadcasts(batch.getSourcePartition(), targets, values, count, batch.getBatchSeq() == 0);
        } else {
            int[] targets = unpackTargets(batch);
            runner.acceptMessages(batch.getSourcePartition(), batch.getTargetPartition(), targets, values, count);
        }
        synchronized (sendersDone) {
            received += count;
            bytesReceived += batch.getTargets().size() + batch.getValues().size() + batch.getMemberBits().size();
        }
        timings.imported(t0, ticker.nanos() - t0);
    }

    private static int[] unpackTargets(MessageBatch batch) {
        int[] targets = new int[batch.getCount()];
        PackedArrays.unpackInts(batch.getTargets(), batch.getCount(), targets);
        return targets;
    }
}
