package io.graphagent.agent.job;

import com.google.protobuf.ByteString;
import io.graphagent.agent.dataplane.BatchFeed;
import io.graphagent.agent.dataplane.BatchTarget;
import io.graphagent.agent.dataplane.IdService;
import io.graphagent.agent.load.IdAnswers;
import io.graphagent.agent.dataplane.PeerSender;
import io.graphagent.graph.kernels.Kernel;
import io.graphagent.graph.partition.GraphShare;
import io.graphagent.graph.partition.Partitioning;
import io.graphagent.graph.pregel.Delivery;
import io.graphagent.graph.pregel.PartitionRunner;
import io.graphagent.graph.pregel.SuperstepStats;
import io.graphagent.net.time.Ticker;
import io.graphagent.net.tls.HostAndPort;
import io.graphagent.protocol.PackedArrays;
import io.graphagent.protocol.v1.BatchKind;
import io.graphagent.protocol.v1.BatchRefusal;
import io.graphagent.protocol.v1.Exchange;
import io.graphagent.protocol.v1.ExchangeDone;
import io.graphagent.protocol.v1.MessageBatch;
import io.graphagent.protocol.v1.OutputChunk;
import io.graphagent.protocol.v1.PartitionAggregates;
import io.graphagent.protocol.v1.ResolveRequest;
import io.graphagent.protocol.v1.ResolveResponse;
import io.graphagent.protocol.v1.StartSuperstep;
import io.graphagent.protocol.v1.SuperstepDone;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * One job on one agent: its share of the graph, its kernel, the runner of its owned partitions and the
 * peers it exchanges with. Driven by the agent's job thread, one command at a time; the
 * data-plane threads file peers' batches into it concurrently ({@link BatchTarget}).
 */
final class AgentJob implements BatchTarget, IdService {
    /** Longest wait for the peers' batches before the ticker is read again. */
    private static final long WAIT_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final String jobId;
    private final String agentId;
    private final GraphShare share;
    private final OutputLabels labels;
    /** The agent owning each partition. */
    private final String[] ownerOf;
    private final Kernel kernel;
    private final PartitionRunner runner;
    private final int[] owned;
    private final Map<String, int[]> peerPartitions;
    private final Map<String, PeerSender> peers;
    private final Duration exchangeTimeout;
    /** Reads every deadline and timing of this job's exchanges. */
    private final Ticker ticker;
    private final long epoch;

    /** Senders done per superstep; guarded by itself. */
    private final Map<Integer, Set<String>> sendersDone = new HashMap<>();
    private long received;
    private long bytesReceived;

    /** Set when a newer command supersedes a running exchange (a rollback); guarded by sendersDone. */
    private boolean superseded;

    /**
     * Between the start of an exchange and the end of its advance, batches of a later
     * superstep (a peer's early broadcasts) wait in {@link #parked}: filed at once they would
     * land in the broadcasts this agent is still delivering. Holds at most one superstep of
     * each peer's broadcasts (a peer cannot compute further before this agent's next report).
     * Guarded by sendersDone.
     */
    private boolean exchanging;
    private int exchangeStep;
    private final List<MessageBatch> parked = new ArrayList<>();

    // Sending side of early broadcasts; the agent-job thread only.
    /** The last exchange allowed early broadcasts for the superstep after it (Exchange.early_broadcasts). */
    private boolean earlyAllowed;
    private SuperstepStats lastStats;
    private int lastComputed = -1;
    /** A superstep's broadcasts sent (or offered to be sent) before its exchange; null when none. */
    private EarlyBroadcasts early;

    /**
     * Each owned partition's broadcasts of superstep {@link #preparedSuperstep} in compact
     * batches, packed by the compute thread right after computing the partition (when the last
     * exchange pulled compact broadcasts, so this one likely does too); null when not packed.
     * Shared by every peer's stream. Written by compute threads, read after compute returns.
     */
    private final List<MessageBatch>[] prepared;
    private int preparedSuperstep = -1;
    /** The last exchange pulled broadcasts in the compact form; agent-job thread only. */
    private boolean lastPullCompact;

    private final SuperstepTimings timings = new SuperstepTimings();

    /**
     * @param epoch the job epoch: raised by every rollback; batches of another epoch are refused
     * @param ticker the agent's monotonic time: exchange deadlines and the superstep timings
     */
    AgentJob(String jobId, String agentId, GraphShare share, Kernel kernel, OutputLabels labels, PartitionRunner runner,
             int[] owned, Map<String, int[]> peerPartitions, Map<String, PeerSender> peers, String[] ownerOf,
             Duration exchangeTimeout, long epoch, Ticker ticker) {
        this.ticker = ticker;
        this.labels = labels;
        this.ownerOf = ownerOf;
        this.epoch = epoch;
        this.jobId = jobId;
        this.agentId = agentId;
        this.share = share;
        this.kernel = kernel;
        this.runner = runner;
        this.owned = owned;
        this.peerPartitions = peerPartitions;
        this.peers = peers;
        this.exchangeTimeout = exchangeTimeout;
        @SuppressWarnings("unchecked")
        List<MessageBatch>[] perPartition = new List[runner.partitioning().count()];
        this.prepared = perPartition;
    }

    int[] owned() {
        return owned;
    }

    long epoch() {
        return epoch;
    }

    String jobId() {
        return jobId;
    }

    OutputLabels labels() {
        return labels;
    }

    String[] ownerOf() {
        return ownerOf;
    }

    /** Before output: learns the original ids of the remote vertices the values name (labels). */
    void learnLabels(io.graphagent.agent.load.IdLookup lookup) throws io.graphagent.agent.load.LoadException {
        if (kernel.valuesNameVertices()) {
            labels.learn(runner.values(), ownerOf, peers, lookup);
        }
    }

    Kernel kernel() {
        return kernel;
    }

    PartitionRunner runner() {
        return runner;
    }

    /** Ends a running exchange at once: a rollback replaces this job's state. */
    void supersede() {
        synchronized (sendersDone) {
            superseded = true;
            sendersDone.notifyAll();
        }
    }

    GraphShare share() {
        return share;
    }

    long ownedVertices() {
        return share.ownedVertices();
    }

    long edgeSlots() {
        return runner.edgeSlots();
    }

    long verticesWithOutEdges() {
        return runner.verticesWithOutEdges();
    }

    SuperstepDone compute(StartSuperstep start) {
        long t0 = ticker.nanos();
        int aggregatorCount = kernel.shape().aggregatorCount();
        double[] aggregated = new double[aggregatorCount];
        for (int i = 0; i < aggregatorCount && i < start.getAggregateValuesCount(); i++) {
            aggregated[i] = start.getAggregateValues(i);
        }
        int superstep = start.getSuperstep();
        java.util.Arrays.fill(prepared, null);
        preparedSuperstep = -1;
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
                    prepared[p] = BatchStream.compactBroadcasts(header, runner, p);
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
        timings.computed(t0, ticker.nanos());
        lastStats = stats;
        lastComputed = start.getSuperstep();
        SuperstepDone.Builder done = SuperstepDone.newBuilder()
                .setSuperstep(start.getSuperstep())
                .setActiveVertices(stats.stillActive())
                .setMessagesSent(stats.sent())
                .setComputedVertices(stats.computed())
                .setBroadcastEdges(stats.broadcastEdges())
                .setBroadcastersWithOutEdges(stats.broadcastersWithOutEdges());
        for (int p : owned) {
            if (aggregatorCount == 0) {
                continue;
            }
            Partitioning partitioning = runner.partitioning();
            PartitionAggregates.Builder partial = PartitionAggregates.newBuilder().setPartitionId(p)
                    .setFirstBlock(partitioning.firstBlock(p));
            for (int b = partitioning.firstBlock(p); b < partitioning.endBlock(p); b++) {
                for (int i = 0; i < aggregatorCount; i++) {
                    partial.addValues(runner.aggregatePartial(b, i));
                }
            }
            done.addPartials(partial);
        }
        return done.setComputeTimeMs(TimeUnit.NANOSECONDS.toMillis(ticker.nanos() - t0)).build();
    }

    /**
     * Right after compute (and its report): when the last exchange allowed it and this
     * agent's own broadcasts make the next exchange pull ({@link Delivery#pullCertain}), every
     * owned partition's broadcasts go to the peers now, so that they travel and are filed
     * during the coordinator's barrier and the peers' compute; the exchange then sends the
     * rest (outbox messages) and closes the streams. When the last exchange pulled compact
     * broadcasts they already went during compute, partition by partition
     * ({@link EarlyBroadcasts}). A failure is kept for the exchange to report.
     */
    void sendBroadcastsEarly() {
        if (!earlyAllowed || peers.isEmpty() || lastStats == null) {
            return;
        }
        if (early != null && early.superstep() == lastComputed) {
            return;
        }
        closeEarly("replaced by superstep " + lastComputed);
        early = earlyBroadcasts(lastComputed);
        early.computedAll(owned, lastStats.broadcastEdges());
        if (early.sent()) {
            timings.early("after_compute");
        }
    }

    private EarlyBroadcasts earlyBroadcasts(int superstep) {
        MessageBatch header = header(superstep);
        return new EarlyBroadcasts(superstep, new ArrayList<>(peers.values()), runner.edgeSlots(),
                ticker.nanos() + exchangeTimeout.toNanos(), ticker, this::isSuperseded,
                partitions -> streams(header, partitions, false, true, true, true));
    }

    /** Cancels early broadcasts that no exchange will close (the job is released or rolled back). */
    void closeEarly(String why) {
        EarlyBroadcasts dropped = early;
        early = null;
        if (dropped != null) {
            dropped.cancel(why);
        }
    }

    private MessageBatch header(int superstep) {
        return MessageBatch.newBuilder().setJobId(jobId).setSuperstep(superstep).setJobEpoch(epoch)
                .setSenderAgent(agentId).setKind(BatchKind.MESSAGES).build();
    }

    private List<BatchStream> streams(MessageBatch header, boolean messages, boolean broadcasts, boolean compact,
                                      boolean opensStream) {
        return streams(header, owned, messages, broadcasts, compact, opensStream);
    }

    /** One stream per peer (in the order of {@link #peers}) of partitions {@code from}'s messages and/or broadcasts. */
    private List<BatchStream> streams(MessageBatch header, int[] from, boolean messages, boolean broadcasts,
                                      boolean compact, boolean opensStream) {
        int superstep = header.getSuperstep();
        java.util.function.IntFunction<List<MessageBatch>> packed = p -> preparedSuperstep == superstep ? prepared[p] : null;
        List<BatchStream> streams = new ArrayList<>(peers.size());
        for (String peer : peers.keySet()) {
            streams.add(new BatchStream(header, runner, from, peerPartitions.get(peer), messages, broadcasts, compact,
                    opensStream, packed, timings::exported, ticker));
        }
        return streams;
    }

    /** Ships this superstep's messages, waits for every peer's, delivers; throws when a peer fails. */
    ExchangeDone exchange(Exchange exchange) throws ExchangeFailedException {
        long t0 = ticker.nanos();
        int superstep = exchange.getSuperstep();
        timings.exchangeStarted(t0);
        if (exchange.getPushBroadcasts()) {
            runner.pushBroadcasts();
            timings.took(SuperstepTimings.Phase.PUSH, ticker.nanos() - t0);
        }
        synchronized (sendersDone) {
            exchanging = true;
            exchangeStep = superstep;
        }
        boolean earlyHere = early != null && early.superstep() == superstep && early.sent();
        BatchFeed<MessageBatch> feed;
        List<BatchStream> sentEarly = List.of();
        if (earlyHere) {
            feed = early.feed();
            sentEarly = early.streams();
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
        // Broadcasts sent early need not go again: Delivery.pullCertain held, so this exchange pulls.
        List<BatchStream> streams = streams(header(superstep), true, exchange.getPull() && !earlyHere,
                exchange.getCompactBroadcasts(), !earlyHere);
        long deadline = ticker.nanos() + exchangeTimeout.toNanos();
        try {
            feed.send(streams, deadline, this::isSuperseded);
            feed.finish(deadline, this::isSuperseded);
        } catch (BatchFeed.FeedFailedException e) {
            throw new ExchangeFailedException(e.peer(), e.getCause());
        }
        long acked = ticker.nanos();
        timings.took(SuperstepTimings.Phase.SEND, acked - t0);
        awaitSenders(superstep, deadline);
        long in = ticker.nanos();
        timings.took(SuperstepTimings.Phase.WAIT_PEERS, in - acked);
        runner.deliver();
        runner.advance(new Delivery(exchange.getPull(), exchange.getPullFromAll()));
        timings.took(SuperstepTimings.Phase.DELIVER, ticker.nanos() - in);
        long bytesSent = 0;
        for (BatchStream s : streams) {
            bytesSent += s.bytes();
        }
        for (BatchStream s : sentEarly) {
            bytesSent += s.bytes();
        }
        long receivedNow;
        long bytesNow;
        synchronized (sendersDone) {
            receivedNow = received;
            bytesNow = bytesReceived;
            received = 0;
            bytesReceived = 0;
            sendersDone.remove(superstep);
        }
        fileParked();
        java.util.Arrays.fill(prepared, null);
        preparedSuperstep = -1;
        long end = ticker.nanos();
        timings.exchangeEnded(jobId, superstep, end, bytesSent, bytesNow);
        return ExchangeDone.newBuilder().setSuperstep(superstep).setMessagesReceived(receivedNow)
                .setBytesSent(bytesSent).setBytesReceived(bytesNow)
                .setExchangeTimeMs(TimeUnit.NANOSECONDS.toMillis(end - t0)).build();
    }

    boolean isSuperseded() {
        synchronized (sendersDone) {
            return superseded;
        }
    }

    private void awaitSenders(int superstep, long deadline) throws ExchangeFailedException {
        synchronized (sendersDone) {
            while (sendersDone.getOrDefault(superstep, Set.of()).size() < peers.size()) {
                if (superseded) {
                    throw new ExchangeFailedException("(none)", new IllegalStateException("superseded by a rollback"));
                }
                long left = deadline - ticker.nanos();
                if (left <= 0) {
                    Set<String> missing = new HashSet<>(peers.keySet());
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

    @Override
    public BatchRefusal accept(MessageBatch batch) {
        long t0 = ticker.nanos();
        BatchRefusal refusal = check(batch);
        if (refusal != BatchRefusal.BATCH_REFUSAL_NONE) {
            return refusal;
        }
        synchronized (sendersDone) {
            if (exchanging && batch.getSuperstep() > exchangeStep) {
                parked.add(batch);
                return BatchRefusal.BATCH_REFUSAL_NONE;
            }
        }
        file(batch, t0);
        return BatchRefusal.BATCH_REFUSAL_NONE;
    }

    /** Files the batches parked during the exchange, then lets later ones be filed as they come. */
    private void fileParked() {
        while (true) {
            List<MessageBatch> batches;
            synchronized (sendersDone) {
                if (parked.isEmpty()) {
                    exchanging = false;
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

    /** Why a batch cannot be filed, or BATCH_REFUSAL_NONE; reads nothing of the runner's state. */
    private BatchRefusal check(MessageBatch batch) {
        if (batch.getJobEpoch() != epoch) {
            return batch.getJobEpoch() < epoch ? BatchRefusal.STALE_EPOCH : BatchRefusal.FUTURE_EPOCH;
        }
        int count = batch.getCount();
        boolean compact = batch.getMemberCount() > 0;
        if (batch.getTargets().size() != (compact ? 0 : 4L * count) || batch.getValues().size() != 8L * count) {
            return BatchRefusal.MALFORMED_BATCH;
        }
        if (count == 0 && batch.getKind() == BatchKind.MESSAGES) {
            return BatchRefusal.BATCH_REFUSAL_NONE;
        }
        int partitions = runner.partitioning().count();
        if (batch.getSourcePartition() >= partitions || batch.getTargetPartition() >= partitions) {
            return BatchRefusal.MALFORMED_BATCH;
        }
        if (compact) {
            int from = batch.getFirstMember();
            int n = batch.getMemberCount();
            int members = runner.partitioning().size(batch.getSourcePartition());
            if (batch.getKind() != BatchKind.BROADCASTS || from < 0 || (long) from + n > members
                    || batch.getMemberBits().size() != (n + 7) / 8 || markedBits(batch.getMemberBits()) != count) {
                return BatchRefusal.MALFORMED_BATCH;
            }
        } else if (batch.getKind() != BatchKind.BROADCASTS
                && java.util.Arrays.binarySearch(owned, batch.getTargetPartition()) < 0) {
            return BatchRefusal.NOT_OWNER;
        }
        return BatchRefusal.BATCH_REFUSAL_NONE;
    }

    private static int markedBits(ByteString bits) {
        java.nio.ByteBuffer buffer = bits.asReadOnlyByteBuffer();
        int marked = 0;
        while (buffer.remaining() >= Long.BYTES) {
            marked += Long.bitCount(buffer.getLong());
        }
        while (buffer.hasRemaining()) {
            marked += Integer.bitCount(buffer.get() & 0xff);
        }
        return marked;
    }

    /** Files a batch that passed {@link #check}: into the runner, and the counts. */
    private void file(MessageBatch batch, long t0) {
        int count = batch.getCount();
        if (count == 0 && batch.getKind() == BatchKind.MESSAGES) {
            return;
        }
        double[] values = new double[count];
        PackedArrays.unpackDoubles(batch.getValues(), count, values);
        if (batch.getMemberCount() > 0) {
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

    @Override
    public void senderDone(String sender, int superstep) {
        synchronized (sendersDone) {
            sendersDone.computeIfAbsent(superstep, s -> new HashSet<>()).add(sender);
            sendersDone.notifyAll();
        }
    }

    /** Formats the owned partitions' final values as Graphalytics lines, in chunks of about {@code chunkBytes}. */
    void output(int chunkBytes, Consumer<OutputChunk> sink) {
        double[][] doubles = runner.doubleFields();
        long[][] longs = runner.longFields();
        Partitioning partitioning = runner.partitioning();
        ByteArrayOutputStream text = new ByteArrayOutputStream(chunkBytes + 256);
        for (int p : owned) {
            int first = share.firstSlot(p);
            int members = partitioning.size(p);
            int seq = 0;
            for (int i = 0; i < members; i++) {
                int v = first + i;
                byte[] line = (share.originalId(v) + " " + kernel.format(doubles, longs, v) + "\n").getBytes(StandardCharsets.US_ASCII);
                text.writeBytes(line);
                if (text.size() >= chunkBytes) {
                    sink.accept(chunk(p, seq++, text, i == members - 1));
                }
            }
            if (text.size() > 0 || members == 0) {
                sink.accept(chunk(p, seq, text, true));
            }
        }
    }

    @Override
    public ResolveResponse resolve(ResolveRequest request) {
        Partitioning partitioning = runner.partitioning();
        return IdAnswers.answer(request, partitioning.count(), jobId, epoch, p -> {
            if (!share.owns(p) || share.ownedIds() == null) {
                return null;
            }
            int first = share.firstSlot(p);
            return new IdAnswers.Slice(share.ownedIds(), first, first + partitioning.size(p));
        });
    }

    private static OutputChunk chunk(int partition, int seq, ByteArrayOutputStream text, boolean last) {
        OutputChunk chunk = OutputChunk.newBuilder().setPartitionId(partition).setSeq(seq)
                .setText(ByteString.copyFrom(text.toByteArray())).setLast(last).build();
        text.reset();
        return chunk;
    }

    /** A peer did not take or send this superstep's batches. */
    /** The data address of peer {@code peer} (an agent id), if this job exchanges with it. */
    Optional<HostAndPort> peerAddress(String peer) {
        PeerSender sender = peers.get(peer);
        return sender == null ? Optional.empty() : Optional.of(sender.address());
    }

    static final class ExchangeFailedException extends Exception {
        final String peer;

        ExchangeFailedException(String peer, Throwable cause) {
            super("exchange with peer " + peer + " failed: " + cause.getMessage(), cause);
            this.peer = peer;
        }
    }
}
