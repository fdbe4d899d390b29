package io.graphagent.agent.job;

import io.graphagent.agent.dataplane.PeerSender;
import io.graphagent.graph.partition.Partitioning;
import io.graphagent.net.time.Ticker;
import io.graphagent.protocol.v1.DataPlaneGrpc;
import io.graphagent.protocol.v1.ResolveResponse;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mirror lists of one job epoch ({@link PeerMirrors}) asked of every peer in the background,
 * so that the first exchange that sends mirrored broadcasts finds them known instead of asking
 * on the job thread while nothing goes out. Started beside the epoch's first compute: by then
 * every peer holds the job at this epoch and can answer, since the coordinator starts a
 * superstep only once every agent has reported LoadDone or RestoreDone. Each list (one peer's
 * mirrors of one owned partition) is asked one {@code Resolve} call at a time, {@link MirrorList}
 * page by page; the lists in parallel (one round trip per page rather than one per page and
 * partition), on the data plane's threads; no thread of its own.
 *
 * <p>Thread-safety: {@link #await} on the agent-job thread; {@link #cancel} from any thread (a
 * rollback on the session's); the calls' callbacks run on network threads.
 */
final class MirrorFetch {
    /** One line per fetch at DEBUG, beside the superstep timing lines: lists, calls, ranks and time. */
    private static final Logger timing = LoggerFactory.getLogger(SuperstepTimings.LOGGER);
    /** Longest wait on the result before the deadline is read on the ticker again (a fake one in tests). */
    private static final long WAIT_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final String jobId;
    private final long epoch;
    private final Duration callTimeout;
    private final Ticker ticker;
    /** Every call runs in it: cancelling it ends the calls in flight and fails those started later. */
    private final Context.CancellableContext calls = Context.current().withCancellation();
    private final CompletableFuture<PeerMirrors> result = new CompletableFuture<>();
    /** Per peer, per partition (null for those not owned): the lists learnt; complete when {@link #pending} is empty. */
    private final Map<String, int[][]> byPeer = new HashMap<>();
    /** Per peer whose lists are not all in yet: how many are missing. */
    private final Map<String, Integer> pending = new ConcurrentHashMap<>();
    private final long startedAt;
    /** Ticker reading when the last list came in (or the fetch failed). */
    private volatile long endedAt;
    /** Lists asked (one per peer and owned partition), and {@code Resolve} calls made for them. */
    private final int lists;
    private final AtomicInteger callsMade = new AtomicInteger();

    private MirrorFetch(String jobId, long epoch, int lists, Duration callTimeout, Ticker ticker) {
        this.jobId = jobId;
        this.epoch = epoch;
        this.lists = lists;
        this.callTimeout = callTimeout;
        this.ticker = ticker;
        this.startedAt = ticker.nanos();
    }

    /**
     * Asks every peer for its mirrors of each of {@code owned} and returns at once.
     *
     * @param callTimeout bound on each call (the exchange timeout)
     */
    static MirrorFetch start(String jobId, long epoch, Partitioning partitioning, int[] owned,
                             Map<String, PeerSender> peers, Duration callTimeout, Ticker ticker) {
        MirrorFetch fetch = new MirrorFetch(jobId, epoch, peers.size() * owned.length, callTimeout, ticker);
        for (String peer : peers.keySet()) {
            fetch.byPeer.put(peer, new int[partitioning.count()][]);
            if (owned.length > 0) {
                fetch.pending.put(peer, owned.length);
            }
        }
        if (fetch.pending.isEmpty()) {
            fetch.complete();
            return fetch;
        }
        for (Map.Entry<String, PeerSender> peer : peers.entrySet()) {
            DataPlaneGrpc.DataPlaneStub stub = DataPlaneGrpc.newStub(peer.getValue().channel());
            for (int p : owned) {
                fetch.new ListAsk(peer.getKey(), stub, p, partitioning.size(p)).next();
            }
        }
        return fetch;
    }

    /**
     * The lists, waiting for them until {@code deadline} on the ticker, or until the job is
     * superseded or the fetch cancelled.
     *
     * @throws ExchangeFailedException naming the peer whose call failed or answered a malformed
     *     list, the peers still silent at the deadline, or "(none)" when superseded or cancelled
     */
    PeerMirrors await(long deadline, BooleanSupplier superseded) throws ExchangeFailedException {
        while (true) {
            if (superseded.getAsBoolean()) {
                cancel("superseded by a rollback");
            }
            long left = deadline - ticker.nanos();
            if (left <= 0 && !result.isDone()) {
                String silent = String.join(",", new java.util.TreeSet<>(pending.keySet()));
                ExchangeFailedException late = new ExchangeFailedException(silent, new TimeoutException("no mirror lists from ["
                        + silent + "] of job " + jobId + " at epoch " + epoch + " by the exchange's deadline"));
                fail(late);
            }
            try {
                return result.get(Math.max(0, Math.min(left, WAIT_SLICE_NANOS)), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                // Read the ticker and the superseded flag again.
            } catch (ExecutionException e) {
                if (e.getCause() instanceof ExchangeFailedException failed) {
                    throw failed;
                }
                throw new ExchangeFailedException("(none)", e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ExchangeFailedException("(interrupted)", e);
            }
        }
    }

    /** Ends the calls in flight; a wait ends at once, failing "(none)" (the job is released, replaced or rolled back). */
    void cancel(String why) {
        fail(new ExchangeFailedException("(none)", new IllegalStateException("mirror lists of job " + jobId + " at epoch "
                + epoch + " no longer wanted: " + why)));
    }

    /** Whether the lists are in, or the fetch failed or was cancelled. */
    boolean isDone() {
        return result.isDone();
    }

    /** Nanoseconds from the start to the last list in (or the failure); -1 while running. */
    long tookNanos() {
        return result.isDone() ? endedAt - startedAt : -1;
    }

    private void fail(ExchangeFailedException e) {
        if (!result.isDone()) {
            endedAt = ticker.nanos();
        }
        if (result.completeExceptionally(e)) {
            calls.cancel(e);
            timing.debug("event=mirror_lists_failed job={} epoch={} lists={} calls={} fetch_ms={} detail=\"{}\"", jobId,
                    epoch, lists, callsMade.get(), TimeUnit.NANOSECONDS.toMillis(tookNanos()), e.getMessage());
        }
    }

    /** Peer {@code peerId}'s list of {@code partition} is in: the fetch completes with the last one. */
    private void learnt(String peerId, int partition, int[] ranks) {
        byPeer.get(peerId)[partition] = ranks;
        // Publishes the list: the thread that sees the map empty completes the fetch.
        pending.computeIfPresent(peerId, (peer, missing) -> missing == 1 ? null : missing - 1);
        if (pending.isEmpty()) {
            complete();
        }
    }

    private synchronized void complete() {
        if (result.isDone()) {
            return;
        }
        endedAt = ticker.nanos();
        result.complete(new PeerMirrors(Map.copyOf(byPeer)));
        // Nothing runs in it any more; cancelling detaches it from its parent.
        calls.cancel(null);
        if (timing.isDebugEnabled()) {
            long ranks = byPeer.values().stream().flatMap(java.util.Arrays::stream).filter(java.util.Objects::nonNull)
                    .mapToLong(r -> r.length).sum();
            timing.debug("event=mirror_lists_fetched job={} epoch={} lists={} calls={} ranks={} fetch_ms={}", jobId, epoch,
                    lists, callsMade.get(), ranks, TimeUnit.NANOSECONDS.toMillis(tookNanos()));
        }
    }

    /** One peer's list of one partition, one call at a time: each answer's callback asks the next. */
    private final class ListAsk implements StreamObserver<ResolveResponse> {
        private final String peerId;
        private final DataPlaneGrpc.DataPlaneStub stub;
        private final MirrorList list;

        ListAsk(String peerId, DataPlaneGrpc.DataPlaneStub stub, int partition, int members) {
            this.peerId = peerId;
            this.stub = stub;
            this.list = new MirrorList(jobId, epoch, partition, members, peerId);
        }

        /** Asks for the next ranks of the list. */
        void next() {
            callsMade.incrementAndGet();
            // The call starts in the cancellable context (a callback runs in the call's own, which may be another).
            calls.run(() -> stub.withDeadlineAfter(callTimeout.toMillis(), TimeUnit.MILLISECONDS).resolve(list.request(), this));
        }

        @Override
        public void onNext(ResolveResponse answer) {
            try {
                if (list.take(answer)) {
                    learnt(peerId, list.partition(), list.ranks());
                }
            } catch (ExchangeFailedException e) {
                fail(e);
            }
        }

        @Override
        public void onError(Throwable t) {
            Status status = Status.fromThrowable(t);
            fail(list.callFailed(status.getCode() + " " + status.getDescription(), t));
        }

        @Override
        public void onCompleted() {
            if (!result.isDone() && list.ranks() != null && !list.complete()) {
                next();
            }
        }
    }
}
